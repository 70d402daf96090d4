import { DateTime } from 'luxon';
import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import { auditLog, completeLines, DEFAULT_RULES, FTP_LOG_FORMATS, parseFtpLog, reconcileServer, serverStateKey, type AuditRules, type FtpLogFormat, type PathMapping } from '#lib/ftp/index.ts';
import { bodyStream, json, mediaType, opsError, readJson, type FunctionDeps, type Handler, type RequestContext } from '#lib/runtime/index.ts';

/** FtpSource says which log objects come from which server and in which zone their local times are. */
export interface FtpSource {
  prefix: string;
  server: string;
  zone: string;
  format?: FtpLogFormat;
}

/** FtpAuditConfig is ftp-audit's own configuration (docs/ftp.md). */
export interface FtpAuditConfig {
  FTP_SOURCES: FtpSource[];
  FTP_RULES: Partial<AuditRules>;
  FTP_PATH_MAPPINGS: PathMapping[];
  FTP_RECONCILE_DEADLINE_MINUTES: number;
  FTP_DEFAULT_ZONE: string;
}

const window = { type: 'object', required: ['start', 'end', 'zone'], additionalProperties: false, properties: { start: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, end: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, zone: { type: 'string' } } };
export const configSchema = {
  properties: {
    FTP_SOURCES: { type: 'array', default: [], items: { type: 'object', required: ['prefix', 'server', 'zone'], additionalProperties: false, properties: { prefix: { type: 'string' }, server: { type: 'string', minLength: 1 }, zone: { type: 'string' }, format: { enum: [...FTP_LOG_FORMATS] } } } },
    FTP_RULES: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        failedLogins: { type: 'object', required: ['count', 'windowMinutes'], additionalProperties: false, properties: { count: { type: 'integer', minimum: 1 }, windowMinutes: { type: 'number', exclusiveMinimum: 0 } } },
        knownUsers: { type: 'array', items: { type: 'string' } },
        allowAnonymous: { type: 'boolean' },
        addressAllowlists: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        uploadWindows: { type: 'object', additionalProperties: window },
        subsystems: { type: 'array', items: { type: 'object', required: ['pattern', 'subsystem'], additionalProperties: false, properties: { pattern: { type: 'string' }, subsystem: { type: 'string' } } } },
      },
    },
    FTP_PATH_MAPPINGS: { type: 'array', default: [], items: { type: 'object', required: ['server', 'pathPrefix', 'bucket', 'keyPrefix'], additionalProperties: false, properties: { server: { type: 'string' }, pathPrefix: { type: 'string' }, bucket: { type: 'string' }, keyPrefix: { type: 'string' } } } },
    FTP_RECONCILE_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    FTP_DEFAULT_ZONE: { type: 'string', default: 'UTC' },
  },
};

type Deps = Pick<FunctionDeps<FtpAuditConfig>, 'config' | 'store' | 'state' | 'alerts'>;

/** LogCursor is how far a log object has been read: bytes and lines, so a grown log continues and a rotated one restarts. */
interface LogCursor {
  offset: number;
  line: number;
  etag: string;
}

/**
 * createHandler builds ftp-audit's edge: FTP log objects in the reports bucket (object events; read from a cursor
 * so a grown log raises only its new lines), a log POSTed as text/plain (`?server=&zone=&format=`), and the cron
 * tick that reconciles pending uploads with the store.
 */
export function createHandler(deps: Deps): Handler {
  const rules: AuditRules = { ...DEFAULT_RULES, ...deps.config.FTP_RULES } as AuditRules;
  const runDeps = (ctx: RequestContext) => ({ state: deps.state, alerts: deps.alerts, rules, now: ctx.now(), signal: ctx.signal });
  const sourceFor = (key: string) => deps.config.FTP_SOURCES.filter((s) => key.startsWith(s.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];

  const reconcileAll = async (ctx: RequestContext) => {
    const servers = new Set(deps.config.FTP_SOURCES.map((s) => s.server));
    for await (const key of deps.state.list('ftp/state/')) servers.add(decodeURIComponent(key.slice('ftp/state/'.length).replace(/\.json$/, '')));
    const results = [];
    for (const server of servers) {
      if (!(await deps.state.read(serverStateKey(server)))) continue;
      results.push(await reconcileServer(server, deps.store, deps.config.FTP_PATH_MAPPINGS, deps.config.FTP_RECONCILE_DEADLINE_MINUTES, runDeps(ctx)));
    }
    return json({ mode: 'reconcile', results });
  };

  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') return reconcileAll(ctx);
    const type = mediaType(req);
    if (type === 'text/plain' || type === 'application/octet-stream') {
      const q = new URL(req.url).searchParams;
      const server = q.get('server');
      if (!server) throw opsError('BAD_REQUEST', 'a posted log needs ?server=<name>', [{ field: 'server', reason: 'is required' }]);
      const format = q.get('format') ?? 'auto';
      if (!(FTP_LOG_FORMATS as readonly string[]).includes(format)) throw opsError('BAD_REQUEST', `format "${format}" is not one of ${FTP_LOG_FORMATS.join(', ')}`, [{ field: 'format', reason: 'unknown format' }]);
      const records = parseFtpLog(bodyStream(req), { server, zone: q.get('zone') ?? deps.config.FTP_DEFAULT_ZONE, format: format as FtpLogFormat, fileTime: ctx.now() });
      return json({ source: 'body', server, ...(await auditLog(records, server, runDeps(ctx))) });
    }
    const body = await readJson(req);
    if (body && typeof body === 'object' && (body as { reconcile?: unknown }).reconcile === true) return reconcileAll(ctx);
    if (!body || typeof body !== 'object' || !('Records' in body)) throw opsError('BAD_REQUEST', 'expected an S3 event, a text/plain log, or {"reconcile": true}', [{ field: '/', reason: 'unrecognized request' }]);
    const results = [];
    for (const decision of parseObjectEvents(body).map((e) => decideEvent(e))) {
      const { event } = decision;
      const source = sourceFor(event.key);
      if (decision.action === 'ignore' || !source) {
        results.push({ key: event.key, ignored: decision.action === 'ignore' ? decision.reason : 'no FTP_SOURCES entry for this key' });
        continue;
      }
      const info = await deps.store.stat(event.bucket, event.key);
      if (!info) {
        results.push({ key: event.key, ignored: 'log object no longer exists' });
        continue;
      }
      const cursorKey = `ftp/cursor/${event.bucket}/${event.key}`;
      const cursor = (await deps.state.read<LogCursor>(cursorKey))?.value;
      // A log shorter than what was read was rotated or replaced: read it from the start.
      const from = cursor && info.size >= cursor.offset ? cursor : { offset: 0, line: 1, etag: '' };
      if (from.offset === info.size) {
        results.push({ key: event.key, server: source.server, upToDate: true });
        continue;
      }
      const raw = await deps.store.getStream(event.bucket, event.key, { signal: ctx.signal, ...(from.offset ? { offset: from.offset } : {}) });
      const cut = completeLines(raw);
      const records = parseFtpLog(cut.stream, { server: source.server, zone: source.zone, format: source.format ?? 'auto', fileTime: DateTime.fromJSDate(info.lastModified), firstLine: from.line });
      const result = await auditLog(records, source.server, runDeps(ctx));
      const read = cut.consumed();
      await deps.state.write(cursorKey, { offset: from.offset + read, line: from.line + cut.lines(), etag: info.etag } satisfies LogCursor);
      results.push({ key: event.key, server: source.server, fromOffset: from.offset, bytesRead: read, ...result });
    }
    return json({ source: 'object-event', results });
  };
}
