import { DateTime } from 'luxon';
import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import {
  auditLog,
  auditLogObject,
  DEFAULT_RULES,
  FTP_LOG_FORMATS,
  isServerName,
  parseFtpLog,
  reconcileServers,
  SERVER_NAME_PATTERN,
  sourceFor,
  type AuditRules,
  type FtpLogFormat,
  type FtpSource,
  type PathMapping,
} from '#lib/ftp/index.ts';
import {
  bodyStream,
  json,
  mediaType,
  opsError,
  readJson,
  type FunctionDeps,
  type Handler,
  type RequestContext,
} from '#lib/runtime/index.ts';
import { DAILY_WINDOW_SCHEMA } from '#lib/time/index.ts';

/** FtpAuditConfig is ftp-audit's own configuration (docs/ftp.md). */
export interface FtpAuditConfig {
  FTP_SOURCES: FtpSource[];
  FTP_RULES: Partial<AuditRules>;
  FTP_PATH_MAPPINGS: PathMapping[];
  FTP_RECONCILE_DEADLINE_MINUTES: number;
  FTP_DEFAULT_ZONE: string;
}

export const configSchema = {
  properties: {
    FTP_SOURCES: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['prefix', 'server', 'zone'],
        additionalProperties: false,
        properties: {
          prefix: { type: 'string' },
          server: { type: 'string', pattern: SERVER_NAME_PATTERN },
          zone: { type: 'string' },
          format: { enum: [...FTP_LOG_FORMATS] },
        },
      },
    },
    FTP_RULES: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        failedLogins: {
          type: 'object',
          required: ['count', 'windowMinutes'],
          additionalProperties: false,
          properties: {
            count: { type: 'integer', minimum: 1 },
            windowMinutes: { type: 'number', exclusiveMinimum: 0 },
          },
        },
        knownUsers: { type: 'array', items: { type: 'string' } },
        allowAnonymous: { type: 'boolean' },
        addressAllowlists: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        uploadWindows: { type: 'object', additionalProperties: DAILY_WINDOW_SCHEMA },
        subsystems: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pattern', 'subsystem'],
            additionalProperties: false,
            properties: { pattern: { type: 'string' }, subsystem: { type: 'string' } },
          },
        },
      },
    },
    FTP_PATH_MAPPINGS: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['server', 'pathPrefix', 'bucket', 'keyPrefix'],
        additionalProperties: false,
        properties: {
          server: { type: 'string' },
          pathPrefix: { type: 'string' },
          bucket: { type: 'string' },
          keyPrefix: { type: 'string' },
        },
      },
    },
    FTP_RECONCILE_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    FTP_DEFAULT_ZONE: { type: 'string', default: 'UTC' },
  },
};

type Deps = Pick<FunctionDeps<FtpAuditConfig>, 'config' | 'store' | 'state' | 'alerts'>;

/**
 * createHandler builds ftp-audit's edge: FTP log objects in the reports bucket (object events; read from a cursor
 * so a grown log raises only its new lines), a log POSTed as text/plain (`?server=&zone=&format=`), and the cron
 * tick that reconciles pending uploads with the store.
 */
export function createHandler(deps: Deps): Handler {
  const c = deps.config;
  const rules: AuditRules = { ...DEFAULT_RULES, ...c.FTP_RULES } as AuditRules;
  const runDeps = (ctx: RequestContext) => ({
    state: deps.state,
    alerts: deps.alerts,
    rules,
    now: ctx.now(),
    signal: ctx.signal,
  });
  const reconcileAll = async (ctx: RequestContext) =>
    json({
      mode: 'reconcile',
      results: await reconcileServers(
        c.FTP_SOURCES.map((s) => s.server),
        deps.store,
        c.FTP_PATH_MAPPINGS,
        c.FTP_RECONCILE_DEADLINE_MINUTES,
        runDeps(ctx),
      ),
    });

  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') return reconcileAll(ctx);
    const type = mediaType(req);
    if (type === 'text/plain' || type === 'application/octet-stream') {
      const q = new URL(req.url).searchParams;
      const server = q.get('server');
      if (!server)
        throw opsError('BAD_REQUEST', 'a posted log needs ?server=<name>', [
          { field: 'server', reason: 'is required' },
        ]);
      if (!isServerName(server))
        throw opsError(
          'BAD_REQUEST',
          `server "${server.slice(0, 64)}" is not a server name (letters, digits, ".", "_", "-")`,
          [{ field: 'server', reason: `does not match ${SERVER_NAME_PATTERN}` }],
        );
      const zone = q.get('zone') ?? c.FTP_DEFAULT_ZONE;
      if (!DateTime.now().setZone(zone).isValid)
        throw opsError('BAD_REQUEST', `zone "${zone.slice(0, 64)}" is not an IANA time zone`, [
          { field: 'zone', reason: 'unknown zone' },
        ]);
      const format = q.get('format') ?? 'auto';
      if (!(FTP_LOG_FORMATS as readonly string[]).includes(format))
        throw opsError('BAD_REQUEST', `format "${format}" is not one of ${FTP_LOG_FORMATS.join(', ')}`, [
          { field: 'format', reason: 'unknown format' },
        ]);
      const records = parseFtpLog(bodyStream(req), {
        server,
        zone,
        format: format as FtpLogFormat,
        fileTime: ctx.now(),
      });
      return json({ source: 'body', server, ...(await auditLog(records, server, runDeps(ctx))) });
    }
    const body = await readJson(req);
    if (body && typeof body === 'object' && (body as { reconcile?: unknown }).reconcile === true)
      return reconcileAll(ctx);
    if (!body || typeof body !== 'object' || !('Records' in body))
      throw opsError('BAD_REQUEST', 'expected an S3 event, a text/plain log, or {"reconcile": true}', [
        { field: '/', reason: 'unrecognized request' },
      ]);
    const results = [];
    for (const decision of parseObjectEvents(body).map((e) => decideEvent(e))) {
      const { event } = decision;
      const source = sourceFor(event.key, c.FTP_SOURCES);
      if (decision.action === 'ignore' || !source) {
        results.push({
          key: event.key,
          ignored: decision.action === 'ignore' ? decision.reason : 'no FTP_SOURCES entry for this key',
        });
        continue;
      }
      const info = await deps.store.stat(event.bucket, event.key);
      if (!info) results.push({ key: event.key, ignored: 'log object no longer exists' });
      else
        results.push({
          key: event.key,
          server: source.server,
          ...(await auditLogObject(info, source, deps.store, runDeps(ctx))),
        });
    }
    return json({ source: 'object-event', results });
  };
}
