import { randomUUID } from 'node:crypto';
import { runSweep, subsystemResolver, type SweepTarget } from '#lib/integrity/index.ts';
import { json, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';

/** IntegritySweepConfig is integrity-sweep's own configuration (docs/integrity.md). */
export interface IntegritySweepConfig {
  SWEEP_TARGETS: SweepTarget[];
  SWEEP_BUDGET_MS: number;
  SWEEP_MAX_OBJECTS: number;
  SWEEP_CONCURRENCY: number;
  SWEEP_STALE_PENDING_MINUTES: number;
  SUBSYSTEM_MAP: Record<string, string>;
}

export const configSchema = {
  properties: {
    SWEEP_TARGETS: { type: 'array', default: [{ bucket: 'inbox', prefix: '' }], items: { type: 'object', required: ['bucket', 'prefix'], additionalProperties: false, properties: { bucket: { type: 'string', minLength: 3 }, prefix: { type: 'string' } } } },
    SWEEP_BUDGET_MS: { type: 'integer', minimum: 1000, default: 240000 },
    SWEEP_MAX_OBJECTS: { type: 'integer', minimum: 1, default: 1000000 },
    SWEEP_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 16, default: 4 },
    SWEEP_STALE_PENDING_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 1440 },
    SUBSYSTEM_MAP: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
  },
};

/** createHandler builds integrity-sweep's edge: every call (cron tick or POST) runs one budgeted step of the sweep. */
export function createHandler(deps: Pick<FunctionDeps<IntegritySweepConfig>, 'config' | 'store' | 'state' | 'alerts'>): Handler {
  const subsystemOf = subsystemResolver(deps.config.SUBSYSTEM_MAP);
  return async (_req, ctx) => {
    const started = performance.now();
    const report = await runSweep(
      { store: deps.store, state: deps.state, alerts: deps.alerts, now: ctx.now, elapsedMs: () => performance.now() - started, subsystemOf },
      { targets: deps.config.SWEEP_TARGETS, budgetMs: deps.config.SWEEP_BUDGET_MS, maxObjects: deps.config.SWEEP_MAX_OBJECTS, concurrency: deps.config.SWEEP_CONCURRENCY, stalePendingMinutes: deps.config.SWEEP_STALE_PENDING_MINUTES, leaseMs: deps.config.SWEEP_BUDGET_MS + 60_000 },
      ctx.callId || randomUUID(),
      ctx.signal,
    );
    return json(report);
  };
}
