import { randomUUID } from 'node:crypto';
import {
  recordFanoutResult,
  runSweep,
  subsystemResolver,
  type FanoutSettings,
  type IntegritySweepConfig,
} from '#lib/integrity/index.ts';
import {
  json,
  opsError,
  readEmptyOptions,
  readText,
  signLink,
  verifyLink,
  type FunctionDeps,
  type Handler,
} from '#lib/runtime/index.ts';

export { integritySweepConfigSchema as configSchema, type IntegritySweepConfig } from '#lib/integrity/index.ts';

/** CALLBACK_PATH receives fan-out results; it is public (the queue-worker sends no token) and checks its signature. */
export const CALLBACK_PATH = '/fanout';
const CALLBACK_TTL_MS = 7 * 24 * 3600_000;

type Deps = Pick<FunctionDeps<IntegritySweepConfig>, 'config' | 'store' | 'state' | 'alerts' | 'gateway'> & {
  invokeToken: () => string;
};

/**
 * createHandler builds integrity-sweep's edge: every call (cron tick or POST) runs one budgeted step of the sweep;
 * POST /fanout?<signed> receives the result of a fanned-out batch from the gateway's callback.
 */
export function createHandler(deps: Deps): Handler {
  const subsystemOf = subsystemResolver(deps.config.SUBSYSTEM_MAP);
  const c = deps.config;
  const fanout = (signal: AbortSignal | undefined, now: () => number): FanoutSettings | undefined =>
    c.SWEEP_FANOUT_BATCH > 0
      ? {
          batchSize: c.SWEEP_FANOUT_BATCH,
          retryAfterMs: c.SWEEP_FANOUT_RETRY_MINUTES * 60_000,
          maxAttempts: c.SWEEP_FANOUT_ATTEMPTS,
          callbackUrl: (runId, batch) =>
            `${c.GATEWAY_URL.replace(/\/+$/, '')}/function/integrity-sweep${CALLBACK_PATH}?${signLink(deps.invokeToken(), `${runId}/${batch}`, now() + CALLBACK_TTL_MS)}`,
          post: async (request, callbackUrl) => {
            await deps.gateway.invoke('checksum-verify', request, {
              async: true,
              callbackUrl,
              ...(signal ? { signal } : {}),
            });
          },
        }
      : undefined;
  return async (req, ctx) => {
    const url = new URL(req.url);
    if ((url.pathname.replace(/\/+$/, '') || '/') === CALLBACK_PATH) {
      const checked = verifyLink(deps.invokeToken(), url.searchParams, ctx.now().toMillis());
      if ('reason' in checked) throw opsError('UNAUTHORIZED', `fan-out callback refused: ${checked.reason}`);
      const [runId, batchText] = checked.subject.split('/') as [string, string];
      const status = Number(req.headers.get('x-function-status') ?? '200');
      const text = await readText(req);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // an error reply is kept as text
      }
      const outcome = await recordFanoutResult(
        deps.state,
        { maxAttempts: c.SWEEP_FANOUT_ATTEMPTS },
        runId,
        Number(batchText),
        status,
        body,
      );
      return json({ runId, batch: Number(batchText), outcome });
    }
    await readEmptyOptions(req, 'integrity-sweep');
    const started = performance.now();
    const fan = fanout(ctx.signal, () => ctx.now().toMillis());
    const report = await runSweep(
      {
        store: deps.store,
        state: deps.state,
        alerts: deps.alerts,
        now: ctx.now,
        elapsedMs: () => performance.now() - started,
        subsystemOf,
      },
      {
        targets: c.SWEEP_TARGETS,
        budgetMs: c.SWEEP_BUDGET_MS,
        maxObjects: c.SWEEP_MAX_OBJECTS,
        concurrency: c.SWEEP_CONCURRENCY,
        stalePendingMinutes: c.SWEEP_STALE_PENDING_MINUTES,
        leaseMs: c.SWEEP_BUDGET_MS + 60_000,
        ...(fan ? { fanout: fan } : {}),
      },
      ctx.callId || randomUUID(),
      ctx.signal,
    );
    return json(report);
  };
}
