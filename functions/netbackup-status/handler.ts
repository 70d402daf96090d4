import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import { sourceOf } from '#lib/lines/index.ts';
import {
  DEFAULT_EVALUATION,
  ingestJobs,
  ingestReport,
  ingestReportBody,
  NETBACKUP_FORMATS,
  pullJobs,
  type EvaluationConfig,
  type NetBackupFormat,
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
import { DAILY_WINDOW_SCHEMA } from '#lib/time/index.ts';

/** NetBackupStatusConfig is netbackup-status's own configuration (docs/netbackup.md). */
export interface NetBackupStatusConfig {
  NETBACKUP_MASTER: string;
  NETBACKUP_API_URL?: string;
  NETBACKUP_API_VERSIONS: string[];
  NETBACKUP_PAGE_LIMIT: number;
  NETBACKUP_MAX_PAGES: number;
  NETBACKUP_RULES: Partial<EvaluationConfig>;
  REPORTS_PREFIX: string;
}

export const configSchema = {
  properties: {
    NETBACKUP_MASTER: { type: 'string', minLength: 1, default: 'default' },
    NETBACKUP_API_URL: { type: 'string', pattern: '^https?://' },
    NETBACKUP_API_VERSIONS: {
      type: 'array',
      items: { type: 'string', pattern: '^\\d+\\.\\d+$' },
      minItems: 1,
      default: ['14.0', '13.0', '12.0', '10.0', '4.0', '3.0'],
    },
    NETBACKUP_PAGE_LIMIT: { type: 'integer', minimum: 1, maximum: 100, default: 100 },
    NETBACKUP_MAX_PAGES: { type: 'integer', minimum: 1, default: 500 },
    NETBACKUP_RULES: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        expectations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'policy', 'client', 'everyHours'],
            additionalProperties: false,
            properties: {
              name: { type: 'string' },
              policy: { type: 'string' },
              client: { type: 'string' },
              everyHours: { type: 'number', exclusiveMinimum: 0 },
              window: DAILY_WINDOW_SCHEMA,
            },
          },
        },
        subsystems: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pattern', 'subsystem'],
            additionalProperties: false,
            properties: { pattern: { type: 'string' }, subsystem: { type: 'string' } },
          },
        },
        longRunningFactor: { type: 'number', exclusiveMinimum: 1 },
        minSamples: { type: 'integer', minimum: 1 },
        queuedTooLongMinutes: { type: 'number', exclusiveMinimum: 0 },
        successRateDays: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    REPORTS_PREFIX: { type: 'string', default: 'netbackup/' },
  },
};

type Deps = Pick<FunctionDeps<NetBackupStatusConfig>, 'config' | 'store' | 'state' | 'alerts' | 'secrets'>;

/**
 * createHandler builds netbackup-status's edge: a report body (text/plain, any bpdbjobs form), a REST page (JSON),
 * report objects arriving in the reports bucket (object events), `{pull:true}` or a cron tick (REST pull, or a
 * BackupMissed check on the stored state when no API is configured).
 */
export function createHandler(deps: Deps): Handler {
  const rules: EvaluationConfig = { ...DEFAULT_EVALUATION, ...deps.config.NETBACKUP_RULES } as EvaluationConfig;
  const ingestDeps = (ctx: RequestContext) => ({
    state: deps.state,
    alerts: deps.alerts,
    config: rules,
    now: ctx.now(),
    master: deps.config.NETBACKUP_MASTER,
    signal: ctx.signal,
  });

  const pull = async (ctx: RequestContext) => {
    if (!deps.config.NETBACKUP_API_URL) {
      // No API: still notice missed backups on the stored state.
      const result = await ingestJobs([], ingestDeps(ctx), undefined);
      return json({ mode: 'expectations-only', ...result });
    }
    const api = {
      baseUrl: deps.config.NETBACKUP_API_URL,
      apiKey: deps.secrets.get('cmp-ops-netbackup-api-key'),
      apiVersions: deps.config.NETBACKUP_API_VERSIONS,
      pageLimit: deps.config.NETBACKUP_PAGE_LIMIT,
      maxPages: deps.config.NETBACKUP_MAX_PAGES,
    };
    return json({ mode: 'pull', ...(await pullJobs(api, ingestDeps(ctx))) });
  };

  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') return pull(ctx);
    const type = mediaType(req);
    if (type === 'text/plain' || type === 'application/octet-stream') {
      const format = new URL(req.url).searchParams.get('format') ?? 'auto';
      if (!(NETBACKUP_FORMATS as readonly string[]).includes(format))
        throw opsError('BAD_REQUEST', `format "${format}" is not one of ${NETBACKUP_FORMATS.join(', ')}`, [
          { field: 'format', reason: 'unknown format' },
        ]);
      return json({
        source: 'body',
        ...(await ingestReportBody(bodyStream(req), { format: format as NetBackupFormat }, ingestDeps(ctx))),
      });
    }
    const body = await readJson(req);
    if (body && typeof body === 'object' && 'Records' in body) {
      const results = [];
      for (const decision of parseObjectEvents(body).map((e) => decideEvent(e))) {
        const { event } = decision;
        if (decision.action === 'ignore' || !event.key.startsWith(deps.config.REPORTS_PREFIX)) {
          results.push({
            key: event.key,
            ignored: decision.action === 'ignore' ? decision.reason : 'outside the NetBackup reports prefix',
          });
          continue;
        }
        const info = await deps.store.stat(event.bucket, event.key);
        if (!info) {
          results.push({ key: event.key, ignored: 'report object no longer exists' });
          continue;
        }
        const stream = await deps.store.getStream(event.bucket, event.key, { signal: ctx.signal });
        results.push({
          key: event.key,
          ...(await ingestReport(stream, {}, ingestDeps(ctx), `${event.bucket}/${event.key}@${info.etag}`)),
        });
      }
      return json({ source: 'object-event', results });
    }
    if (body && typeof body === 'object' && (body as { pull?: unknown }).pull === true) return pull(ctx);
    if (body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)) {
      const { sha256, ...result } = await ingestReportBody(
        sourceOf(JSON.stringify(body)),
        { format: 'rest-json' },
        ingestDeps(ctx),
      );
      return json({ source: 'rest-page', ...result });
    }
    throw opsError(
      'BAD_REQUEST',
      'expected a report body (text/plain), a REST jobs page, an S3 event, or {"pull": true}',
      [{ field: '/', reason: 'unrecognized request' }],
    );
  };
}
