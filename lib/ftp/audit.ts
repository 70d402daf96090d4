import { DateTime } from 'luxon';
import { buildAlert, type Alert, type Severity } from '#lib/alerting/index.ts';
import { globToRegExp, type SubsystemPattern } from '#lib/text/index.ts';
import { insideDailyWindow, type DailyWindow } from '#lib/time/index.ts';
import type { SessionRecord, TransferRecord } from './records.ts';

/** UploadWindow is when an account may upload. */
export type UploadWindow = DailyWindow;

/** AuditRules are the operator's rules (validated at cold start); every rule raises its own alert. */
export interface AuditRules {
  failedLogins: { count: number; windowMinutes: number };
  /** knownUsers, when given, makes a login attempt by any other name a finding. */
  knownUsers?: string[];
  allowAnonymous: boolean;
  /** addressAllowlists: account → the addresses (exact or a.b.c.d/nn) it may log in from. */
  addressAllowlists: Record<string, string[]>;
  uploadWindows: Record<string, UploadWindow>;
  /** subsystems: path glob → subsystem label. */
  subsystems: SubsystemPattern[];
}

export const DEFAULT_RULES: AuditRules = {
  failedLogins: { count: 5, windowMinutes: 10 },
  allowAnonymous: false,
  addressAllowlists: {},
  uploadWindows: {},
  subsystems: [],
};

/** Finding is one audit result, with the line that proves it. */
export interface Finding {
  kind: 'finding';
  alertname: string;
  severity: Severity;
  /** key identifies the finding so a replayed log raises it once. */
  key: string;
  time: string;
  server: string;
  host: string;
  user: string | null;
  path?: string;
  line: number;
  detail: string;
}

/** AuditMemory carries what spans lines (and runs): recent failed logins per address. */
export interface AuditMemory {
  failures: Record<string, string[]>;
}

function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** addressAllowed tells whether an address matches an allowlist entry (exact, or IPv4 CIDR). */
export function addressAllowed(address: string, allowlist: string[]): boolean {
  return allowlist.some((entry) => {
    if (!entry.includes('/')) return entry === address;
    const [base, bitsText] = entry.split('/') as [string, string];
    const bits = Number(bitsText);
    const a = ipv4ToInt(address);
    const b = ipv4ToInt(base);
    if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (a & mask) >>> 0 === (b & mask) >>> 0;
  });
}

/**
 * auditRecord applies every rule to one record and returns its findings. `memory` holds the failed-login times per
 * address across records and runs (pruned to the burst window), like fail2ban's findtime.
 */
export function auditRecord(record: TransferRecord | SessionRecord, rules: AuditRules, memory: AuditMemory): Finding[] {
  const out: Finding[] = [];
  const base = {
    kind: 'finding' as const,
    time: record.time,
    server: record.server,
    host: record.host,
    line: record.line,
  };
  const user = record.user || null;
  const add = (alertname: string, severity: Severity, key: string, detail: string, path?: string): void => {
    out.push({
      ...base,
      user,
      alertname,
      severity,
      key: `${alertname}|${record.server}|${key}`,
      detail,
      ...(path !== undefined ? { path } : {}),
    });
  };
  if (record.kind === 'session') {
    if (record.event === 'login-fail') {
      const windowMs = rules.failedLogins.windowMinutes * 60_000;
      const now = Date.parse(record.time);
      const recent = [...(memory.failures[record.host] ?? []), record.time].filter(
        (t) => now - Date.parse(t) < windowMs && Date.parse(t) <= now,
      );
      memory.failures[record.host] = recent.slice(-rules.failedLogins.count * 4);
      if (recent.length >= rules.failedLogins.count) {
        // One finding per address and burst window: the key holds the window's first failure.
        add(
          'FtpBruteForce',
          'critical',
          `${record.host}|${recent[recent.length - rules.failedLogins.count]}`,
          `${recent.length} failed logins from ${record.host} within ${rules.failedLogins.windowMinutes} min (last user ${user ?? '?'})`,
        );
        memory.failures[record.host] = [];
      }
    }
    if (
      (record.event === 'login-ok' || record.event === 'login-fail') &&
      user &&
      rules.knownUsers &&
      !rules.knownUsers.includes(user) &&
      !['ftp', 'anonymous'].includes(user)
    ) {
      add(
        'FtpUnknownUser',
        'warning',
        `${user}|${record.host}|${record.time}`,
        `login attempt as unknown user "${user}" from ${record.host}`,
      );
    }
    if (record.event === 'login-ok' && (user === 'ftp' || user === 'anonymous') && !rules.allowAnonymous) {
      add(
        'FtpAnonymousLogin',
        'warning',
        `${record.host}|${record.time}`,
        `anonymous login from ${record.host}${record.anonymousId ? ` (id "${record.anonymousId}")` : ''}`,
      );
    }
    if (
      record.event === 'login-ok' &&
      user &&
      rules.addressAllowlists[user] &&
      !addressAllowed(record.host, rules.addressAllowlists[user]!)
    ) {
      add(
        'FtpLoginFromUnexpectedAddress',
        'critical',
        `${user}|${record.host}|${record.time}`,
        `${user} logged in from ${record.host}, outside its allowlist`,
      );
    }
    return out;
  }
  if (record.direction === 'delete') return out;
  const what = `${record.direction} of ${record.path} by ${user ?? '?'} from ${record.host}`;
  if (!record.complete)
    add(
      'FtpTransferIncomplete',
      'warning',
      `${record.path}|${record.time}`,
      `${what} failed or was cut short after ${record.bytes} bytes`,
      record.path,
    );
  if (record.direction === 'upload' && record.complete && record.bytes === 0)
    add('FtpZeroByteUpload', 'warning', `${record.path}|${record.time}`, `${what}: 0 bytes`, record.path);
  const window = user ? rules.uploadWindows[user] : undefined;
  if (
    record.direction === 'upload' &&
    window &&
    !insideDailyWindow(DateTime.fromISO(record.time, { zone: 'utc' }), window)
  ) {
    add(
      'FtpUploadOutsideWindow',
      'warning',
      `${record.path}|${record.time}`,
      `${what} at ${record.time}, outside ${window.start}–${window.end} ${window.zone}`,
      record.path,
    );
  }
  return out;
}

/** findingAlert turns a finding into the alert it raises (auto-resolving after `holdHours`, as events do). */
export function findingAlert(finding: Finding, rules: AuditRules, holdHours = 4): Alert {
  const subsystem =
    rules.subsystems.find((s) => finding.path !== undefined && globToRegExp(s.pattern).test(finding.path))?.subsystem ??
    'unknown';
  const labels: Record<string, string> = { server: finding.server, host: finding.host };
  if (finding.user) labels.user = finding.user;
  if (finding.path !== undefined) labels.path = finding.path;
  return {
    ...buildAlert({
      alertname: finding.alertname,
      severity: finding.severity,
      subsystem,
      labels,
      summary: finding.detail,
      description: `${finding.detail} (log line ${finding.line})`,
      startsAt: finding.time,
    }),
    endsAt: DateTime.fromISO(finding.time, { zone: 'utc' })
      .plus({ hours: holdHours })
      .toISO({ suppressMilliseconds: true })!,
  };
}
