import { decideEvent, parseObjectEvents, type EventDecision } from '#lib/events/index.ts';
import {
  checkDeadlines,
  examineBatch,
  subsystemResolver,
  verifyArrival,
  type Algorithm,
  type ArrivalDeps,
  type FanoutRequest,
  type FanoutResult,
} from '#lib/integrity/index.ts';
import { compileValidator, json, readJson, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';
import { checkObjectKey } from '#lib/storage/index.ts';

/** ChecksumVerifyConfig is checksum-verify's own configuration (see README "Configuration"). */
export interface ChecksumVerifyConfig {
  QUARANTINE_BUCKET: string;
  SUBSYSTEM_MAP: Record<string, string>;
  CHECKSUM_DEADLINE_MINUTES: number;
  CHECKSUM_ETAG_PREFIXES: string[];
}

export const configSchema = {
  properties: {
    QUARANTINE_BUCKET: { type: 'string', default: 'quarantine' },
    SUBSYSTEM_MAP: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    CHECKSUM_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    // `bucket/prefix` entries (or `*`) where a single-part upload's ETag is trusted as its MD5 when nothing else is
    CHECKSUM_ETAG_PREFIXES: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
  },
};

type DirectTarget = { bucket: string; key: string; expected?: string };
const validateDirect = compileValidator<DirectTarget | DirectTarget[]>(
  {
    anyOf: [
      { $ref: '#/$defs/target' },
      { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/$defs/target' } },
    ],
    $defs: {
      target: {
        type: 'object',
        required: ['bucket', 'key'],
        additionalProperties: false,
        properties: {
          bucket: { type: 'string', minLength: 3 },
          key: { type: 'string', minLength: 1 },
          // A caller's expected checksum, `ALG:HEX`; it takes precedence over sidecars and manifests.
          expected: {
            type: 'string',
            pattern:
              '^(md5:[0-9a-fA-F]{32}|sha1:[0-9a-fA-F]{40}|sha256:[0-9a-fA-F]{64}|sha512:[0-9a-fA-F]{128}|crc32:[0-9a-fA-F]{8}|crc32c:[0-9a-fA-F]{8}|cksum:[0-9]{1,10})$',
          },
        },
      },
    },
  },
  'verification request',
);

type SweepBatch = { sweep: FanoutRequest['sweep'] };
const validateSweepBatch = compileValidator<SweepBatch>(
  {
    type: 'object',
    required: ['sweep'],
    additionalProperties: false,
    properties: {
      sweep: {
        type: 'object',
        required: ['runId', 'batch', 'staleBefore', 'items'],
        additionalProperties: false,
        properties: {
          runId: { type: 'string', minLength: 1 },
          batch: { type: 'integer', minimum: 0 },
          staleBefore: { type: 'string', minLength: 1 },
          items: {
            type: 'array',
            minItems: 1,
            maxItems: 1000,
            items: {
              type: 'object',
              required: ['bucket', 'key', 'size', 'etag'],
              additionalProperties: false,
              properties: {
                bucket: { type: 'string', minLength: 3 },
                key: { type: 'string', minLength: 1 },
                size: { type: 'integer', minimum: 0 },
                etag: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
  'sweep batch',
);

/**
 * createHandler builds checksum-verify's edge: MinIO/S3 object events (or `{bucket,key}` calls) in, verdicts out.
 * Events this function causes itself (tagging, copies into quarantine) are acknowledged and ignored.
 */
export function createHandler(
  deps: Pick<FunctionDeps<ChecksumVerifyConfig>, 'config' | 'store' | 'state' | 'alerts' | 'clock' | 'log'>,
): Handler {
  const subsystemOf = subsystemResolver(deps.config.SUBSYSTEM_MAP);
  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') {
      const report = await checkDeadlines(
        { store: deps.store, state: deps.state, alerts: deps.alerts, subsystemOf },
        ctx.now(),
        deps.config.CHECKSUM_DEADLINE_MINUTES,
        { signal: ctx.signal },
      );
      return json({ tick: true, ...report });
    }
    const body = await readJson(req);
    const arrival: ArrivalDeps = {
      store: deps.store,
      state: deps.state,
      alerts: deps.alerts,
      now: ctx.now,
      log: ctx.log,
      subsystemOf,
      quarantineBucket: deps.config.QUARANTINE_BUCKET,
      etagPrefixes: deps.config.CHECKSUM_ETAG_PREFIXES,
    };
    if (typeof body === 'object' && body !== null && 'Records' in body) {
      const decisions: EventDecision[] = parseObjectEvents(body).map((event) =>
        decideEvent(event, { outputBuckets: [deps.config.QUARANTINE_BUCKET] }),
      );
      const results = [];
      for (const decision of decisions) {
        if (decision.action === 'ignore') {
          const entry = {
            event: decision.event.name,
            bucket: decision.event.bucket,
            key: decision.event.key,
            reason: decision.reason,
          };
          if (decision.unsafeKey)
            ctx.log.warn(entry, 'event with an unsafe object key acknowledged without reading it');
          else ctx.log.debug(entry, 'event ignored');
          results.push({
            bucket: decision.event.bucket,
            key: decision.event.key,
            event: decision.event.name,
            ignored: decision.reason,
          });
        } else {
          results.push(await verifyArrival(decision.event, arrival, ctx.signal));
        }
      }
      return json({ results });
    }
    if (typeof body === 'object' && body !== null && 'sweep' in body) {
      // A batch of a fanned-out integrity sweep (posted to /async-function/checksum-verify): re-prove and report.
      const { sweep } = validateSweepBatch(body);
      const out = await examineBatch(
        { store: deps.store, state: deps.state },
        sweep.items,
        sweep.staleBefore,
        2,
        ctx.signal,
      );
      return json({
        runId: sweep.runId,
        batch: sweep.batch,
        examined: out.examined,
        bytes: out.bytes,
        drifts: out.drifts,
      } satisfies FanoutResult);
    }
    const direct = validateDirect(body);
    const targets = Array.isArray(direct) ? direct : [direct];
    targets.forEach((t, i) => checkObjectKey(t.key, Array.isArray(direct) ? `/${i}/key` : '/key'));
    const results = [];
    for (const { bucket, key, expected } of targets) {
      const [algorithm, hex] = expected ? (expected.split(':') as [Algorithm, string]) : [];
      const result = await verifyArrival(
        { bucket, key, ...(algorithm && hex ? { expected: { algorithm, hex } } : {}) },
        arrival,
        ctx.signal,
      );
      const target = { bucket, key };
      if ('verdict' in result && result.verdict === 'vanished') {
        // A caller asking by name gets a 404; events for vanished objects are answered 200 so MinIO's queue moves on.
        return json(
          {
            error: {
              code: 'OBJECT_NOT_FOUND',
              message: `object ${target.bucket}/${target.key} does not exist`,
              details: [{ field: 'key', reason: 'not found' }],
            },
          },
          404,
        );
      }
      results.push(result);
    }
    return json({ results });
  };
}
