import type { SweepTarget } from './sweep.ts';

/** IntegritySweepConfig is integrity-sweep's own configuration (docs/integrity.md). */
export interface IntegritySweepConfig {
  SWEEP_TARGETS: SweepTarget[];
  SWEEP_BUDGET_MS: number;
  SWEEP_MAX_OBJECTS: number;
  SWEEP_CONCURRENCY: number;
  SWEEP_STALE_PENDING_MINUTES: number;
  SWEEP_FANOUT_BATCH: number;
  SWEEP_FANOUT_RETRY_MINUTES: number;
  SWEEP_FANOUT_ATTEMPTS: number;
  SUBSYSTEM_MAP: Record<string, string>;
}

/** integritySweepConfigSchema validates IntegritySweepConfig from the function's environment, with its defaults. */
export const integritySweepConfigSchema = {
  properties: {
    SWEEP_TARGETS: {
      type: 'array',
      default: [{ bucket: 'inbox', prefix: '' }],
      items: {
        type: 'object',
        required: ['bucket', 'prefix'],
        additionalProperties: false,
        properties: { bucket: { type: 'string', minLength: 3 }, prefix: { type: 'string' } },
      },
    },
    SWEEP_BUDGET_MS: { type: 'integer', minimum: 1000, default: 240000 },
    SWEEP_MAX_OBJECTS: { type: 'integer', minimum: 1, default: 1000000 },
    SWEEP_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 16, default: 4 },
    SWEEP_STALE_PENDING_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 1440 },
    // 0: hash here. N: post batches of N objects to /async-function/checksum-verify (results come back by callback).
    SWEEP_FANOUT_BATCH: { type: 'integer', minimum: 0, maximum: 1000, default: 0 },
    SWEEP_FANOUT_RETRY_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 30 },
    SWEEP_FANOUT_ATTEMPTS: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
    SUBSYSTEM_MAP: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
  },
};
