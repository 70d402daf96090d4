import type { Logger } from '#lib/runtime/index.ts';
import type { ConsoleSettings } from './app.ts';
import type { CollectorSettings } from './collector.ts';
import { parseUsers, type ConsoleUser } from './password.ts';
import type { SourceName } from './sources.ts';

/** OpsConsoleConfig is ops-console's own configuration (docs/console.md). */
export interface OpsConsoleConfig {
  CONSOLE_ZONE: string;
  CONSOLE_REFRESH_SECONDS: number;
  CONSOLE_SESSION_IDLE_MINUTES: number;
  CONSOLE_SESSION_MAX_HOURS: number;
  CONSOLE_SILENCE_MAX_HOURS: number;
  CONSOLE_READONLY_USERS: string[];
  CONSOLE_SECURE_COOKIES: 'auto' | 'always' | 'never';
  CONSOLE_LOGIN_MAX_FAILURES: number;
  CONSOLE_LOGIN_WINDOW_MINUTES: number;
  CONSOLE_LIMITS: { groups: number; alertsPerGroup: number; rows: number };
  CONSOLE_POLL_SECONDS: Record<SourceName, number>;
  CONSOLE_SOURCE_CADENCE_MINUTES: Record<SourceName, number>;
  CONSOLE_BACKUP_DEFAULT_HOURS: number;
  CONSOLE_MAX_VERDICTS: number;
  ROUTING_CONFIG?: string;
  ROUTER_FUNCTION: string;
  CHECKSUM_DEADLINE_MINUTES: number;
  NETBACKUP_MASTERS: string[];
  NETBACKUP_RULES: { expectations?: Array<{ policy: string; client: string; everyHours: number }> };
  QUARANTINE_BUCKET: string;
}

const perSource = (defaults: Record<SourceName, number>) => ({
  type: 'object',
  additionalProperties: false,
  default: defaults,
  properties: Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'number', exclusiveMinimum: 0 }])),
});

/** consoleConfigSchema validates ops-console's environment (defaults in docs/console.md). */
export const consoleConfigSchema = {
  properties: {
    CONSOLE_ZONE: { type: 'string', minLength: 1, default: 'Europe/Paris' },
    CONSOLE_REFRESH_SECONDS: { type: 'integer', minimum: 5, maximum: 600, default: 30 },
    CONSOLE_SESSION_IDLE_MINUTES: { type: 'integer', minimum: 1, default: 60 },
    CONSOLE_SESSION_MAX_HOURS: { type: 'integer', minimum: 1, default: 24 },
    CONSOLE_SILENCE_MAX_HOURS: { type: 'number', exclusiveMinimum: 0, default: 72 },
    CONSOLE_READONLY_USERS: { type: 'array', items: { type: 'string' }, default: ['wall'] },
    CONSOLE_SECURE_COOKIES: { type: 'string', enum: ['auto', 'always', 'never'], default: 'auto' },
    CONSOLE_LOGIN_MAX_FAILURES: { type: 'integer', minimum: 1, default: 5 },
    CONSOLE_LOGIN_WINDOW_MINUTES: { type: 'integer', minimum: 1, default: 15 },
    CONSOLE_LIMITS: {
      type: 'object',
      additionalProperties: false,
      default: { groups: 100, alertsPerGroup: 5, rows: 100 },
      properties: {
        groups: { type: 'integer', minimum: 1 },
        alertsPerGroup: { type: 'integer', minimum: 1 },
        rows: { type: 'integer', minimum: 1 },
      },
    },
    // how often the console re-reads each source (a page is answered from the last read)
    CONSOLE_POLL_SECONDS: perSource({ alerts: 10, deliveries: 30, backups: 60, ftp: 60, installation: 30 }),
    // each producer's own cadence (its timer in stack.yml): a panel older than twice this is shown as stale
    CONSOLE_SOURCE_CADENCE_MINUTES: perSource({ alerts: 1, deliveries: 5, backups: 15, ftp: 10, installation: 2 }),
    CONSOLE_BACKUP_DEFAULT_HOURS: { type: 'number', exclusiveMinimum: 0, default: 26 },
    CONSOLE_MAX_VERDICTS: { type: 'integer', minimum: 1, default: 200000 },
    ROUTING_CONFIG: { type: 'string', pattern: '^(state|file):.+' },
    ROUTER_FUNCTION: { type: 'string', minLength: 1, default: 'alert-router' },
    CHECKSUM_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    NETBACKUP_MASTERS: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['nbmaster01'] },
    // the same value as netbackup-status's NETBACKUP_RULES: the console reads its expectations only
    NETBACKUP_RULES: {
      type: 'object',
      default: {},
      properties: {
        expectations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['policy', 'client', 'everyHours'],
            properties: {
              policy: { type: 'string' },
              client: { type: 'string' },
              everyHours: { type: 'number', exclusiveMinimum: 0 },
            },
          },
        },
      },
    },
    QUARANTINE_BUCKET: { type: 'string', minLength: 3, default: 'quarantine' },
  },
};

/** USERS_SECRET holds one `name:hash` line per console user; SESSION_KEY_SECRET signs the session cookies. */
export const USERS_SECRET = 'cmp-ops-console-users';
export const SESSION_KEY_SECRET = 'cmp-ops-console-session-key';

/** consoleSettings are the app's settings from the validated configuration. */
export function consoleSettings(c: OpsConsoleConfig): ConsoleSettings {
  return {
    zone: c.CONSOLE_ZONE,
    refreshSeconds: c.CONSOLE_REFRESH_SECONDS,
    sessionIdleMinutes: c.CONSOLE_SESSION_IDLE_MINUTES,
    sessionMaxHours: c.CONSOLE_SESSION_MAX_HOURS,
    silenceMaxHours: c.CONSOLE_SILENCE_MAX_HOURS,
    readOnlyUsers: c.CONSOLE_READONLY_USERS,
    secureCookies: c.CONSOLE_SECURE_COOKIES,
    deliveryDeadlineMinutes: c.CHECKSUM_DEADLINE_MINUTES,
    backupExpectations: c.NETBACKUP_RULES.expectations ?? [],
    backupDefaultHours: c.CONSOLE_BACKUP_DEFAULT_HOURS,
    loginMaxFailures: c.CONSOLE_LOGIN_MAX_FAILURES,
    loginWindowMinutes: c.CONSOLE_LOGIN_WINDOW_MINUTES,
    limits: c.CONSOLE_LIMITS,
  };
}

/** collectorSettings are the collector's poll and cadence periods in milliseconds. */
export function collectorSettings(c: OpsConsoleConfig): CollectorSettings {
  const ms = (r: Record<SourceName, number>, unit: number) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v * unit])) as Record<SourceName, number>;
  return {
    pollMs: ms(c.CONSOLE_POLL_SECONDS, 1000),
    cadenceMs: ms(c.CONSOLE_SOURCE_CADENCE_MINUTES, 60_000),
    firstReadWaitMs: 10_000,
  };
}

/** usersFromSecret parses the users secret again only when its text changed; skipped lines are logged by number. */
export function usersFromSecret(read: () => string, log: Logger): () => Map<string, ConsoleUser> {
  let users: { text: string; map: Map<string, ConsoleUser> } | undefined;
  return () => {
    const text = read();
    if (users?.text !== text) {
      const parsed = parseUsers(text);
      for (const r of parsed.rejects)
        log.warn({ secret: USERS_SECRET, line: r.line, reason: r.reason }, 'console user line skipped');
      users = { text, map: parsed.users };
    }
    return users.map;
  };
}

/** logReadError records a source the collector could not re-read (the panel keeps its last data). */
export function logReadError(log: Logger, source: SourceName, err: unknown): void {
  log.warn(
    { source, code: (err as { code?: string }).code, err: (err as Error).message },
    'console source not refreshed: the panel shows its last data',
  );
}
