import {
  auditLog,
  auditLogEvents,
  DEFAULT_RULES,
  parseFtpLog,
  postedLogSource,
  reconcileServers,
  type AuditRules,
  type FtpAuditConfig,
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

export { ftpAuditConfigSchema as configSchema, type FtpAuditConfig } from '#lib/ftp/index.ts';

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
  const reconcileAll = async (ctx: RequestContext) => {
    const servers = c.FTP_SOURCES.map((s) => s.server);
    const deadline = c.FTP_RECONCILE_DEADLINE_MINUTES;
    const results = await reconcileServers(servers, deps.store, c.FTP_PATH_MAPPINGS, deadline, runDeps(ctx));
    return json({ mode: 'reconcile', results });
  };

  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') return reconcileAll(ctx);
    const type = mediaType(req);
    if (type === 'text/plain' || type === 'application/octet-stream') {
      const { server, zone, format } = postedLogSource(new URL(req.url).searchParams, c.FTP_DEFAULT_ZONE);
      const records = parseFtpLog(bodyStream(req), { server, zone, format, fileTime: ctx.now() });
      return json({ source: 'body', server, ...(await auditLog(records, server, runDeps(ctx))) });
    }
    const body = await readJson(req);
    if (body && typeof body === 'object' && (body as { reconcile?: unknown }).reconcile === true)
      return reconcileAll(ctx);
    if (!body || typeof body !== 'object' || !('Records' in body))
      throw opsError('BAD_REQUEST', 'expected an S3 event, a text/plain log, or {"reconcile": true}', [
        { field: '/', reason: 'unrecognized request' },
      ]);
    const results = await auditLogEvents(body, c.FTP_SOURCES, deps.store, runDeps(ctx));
    return json({ source: 'object-event', results });
  };
}
