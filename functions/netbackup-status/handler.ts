import { sourceOf } from '#lib/lines/index.ts';
import {
  DEFAULT_EVALUATION,
  ingestJobs,
  ingestReportBody,
  ingestReportEvents,
  postedReportFormat,
  pullJobs,
  type EvaluationConfig,
  type NetBackupStatusConfig,
} from '#lib/netbackup/index.ts';
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

export { netbackupStatusConfigSchema as configSchema, type NetBackupStatusConfig } from '#lib/netbackup/index.ts';

type Deps = Pick<FunctionDeps<NetBackupStatusConfig>, 'config' | 'store' | 'state' | 'alerts' | 'secrets'>;

const hasKey = (body: unknown, key: string): body is Record<string, unknown> =>
  typeof body === 'object' && body !== null && key in body;

/**
 * createHandler builds netbackup-status's edge: a report body (text/plain, any bpdbjobs form), a REST page (JSON),
 * report objects arriving in the reports bucket (object events), `{pull:true}` or a cron tick (REST pull, or a
 * BackupMissed check on the stored state when no API is configured).
 */
export function createHandler(deps: Deps): Handler {
  const c = deps.config;
  const rules: EvaluationConfig = { ...DEFAULT_EVALUATION, ...c.NETBACKUP_RULES } as EvaluationConfig;
  const ingestDeps = (ctx: RequestContext) => ({
    state: deps.state,
    alerts: deps.alerts,
    config: rules,
    now: ctx.now(),
    master: c.NETBACKUP_MASTER,
    signal: ctx.signal,
  });

  const pull = async (ctx: RequestContext) => {
    if (!c.NETBACKUP_API_URL) {
      // No API: still notice missed backups on the stored state.
      const result = await ingestJobs([], ingestDeps(ctx), undefined);
      return json({ mode: 'expectations-only', ...result });
    }
    const api = {
      baseUrl: c.NETBACKUP_API_URL,
      apiKey: deps.secrets.get('cmp-ops-netbackup-api-key'),
      apiVersions: c.NETBACKUP_API_VERSIONS,
      pageLimit: c.NETBACKUP_PAGE_LIMIT,
      maxPages: c.NETBACKUP_MAX_PAGES,
    };
    return json({ mode: 'pull', ...(await pullJobs(api, ingestDeps(ctx))) });
  };

  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') return pull(ctx);
    const type = mediaType(req);
    if (type === 'text/plain' || type === 'application/octet-stream') {
      const format = postedReportFormat(new URL(req.url).searchParams);
      return json({ source: 'body', ...(await ingestReportBody(bodyStream(req), { format }, ingestDeps(ctx))) });
    }
    const body = await readJson(req);
    if (hasKey(body, 'Records')) {
      const results = await ingestReportEvents(body, c.REPORTS_PREFIX, deps.store, ingestDeps(ctx));
      return json({ source: 'object-event', results });
    }
    if (hasKey(body, 'pull') && body.pull === true) return pull(ctx);
    if (hasKey(body, 'data') && Array.isArray(body.data)) {
      const page = sourceOf(JSON.stringify(body));
      const { sha256, ...result } = await ingestReportBody(page, { format: 'rest-json' }, ingestDeps(ctx));
      return json({ source: 'rest-page', ...result });
    }
    throw opsError(
      'BAD_REQUEST',
      'expected a report body (text/plain), a REST jobs page, an S3 event, or {"pull": true}',
      [{ field: '/', reason: 'unrecognized request' }],
    );
  };
}
