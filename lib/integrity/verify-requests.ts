import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import type { Logger } from '#lib/runtime/logger.ts';
import { verifyArrival, type ArrivalDeps, type ArrivalResult } from './arrival.ts';
import type { Algorithm } from '#lib/checksum/index.ts';
import type { FanoutRequest } from './sweep-fanout.ts';

/** ChecksumVerifyConfig is checksum-verify's own configuration (see README "Configuration"). */
export interface ChecksumVerifyConfig {
  QUARANTINE_BUCKET: string;
  SUBSYSTEM_MAP: Record<string, string>;
  CHECKSUM_DEADLINE_MINUTES: number;
  CHECKSUM_ETAG_PREFIXES: string[];
}

/** checksumVerifyConfigSchema validates ChecksumVerifyConfig from the function's environment, with its defaults. */
export const checksumVerifyConfigSchema = {
  properties: {
    QUARANTINE_BUCKET: { type: 'string', default: 'quarantine' },
    SUBSYSTEM_MAP: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    CHECKSUM_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    // `bucket/prefix` entries (or `*`) where a single-part upload's ETag is trusted as its MD5 when nothing else is
    CHECKSUM_ETAG_PREFIXES: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
  },
};

/** DirectTarget is a caller's `{bucket,key}` request, with an optional expected checksum `ALG:HEX`. */
export type DirectTarget = { bucket: string; key: string; expected?: string };

/** validateDirectTargets checks a direct verification request: one target or up to 100. */
export const validateDirectTargets = compileValidator<DirectTarget | DirectTarget[]>(
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

/** validateSweepBatch checks one batch of a fanned-out integrity sweep. */
export const validateSweepBatch = compileValidator<{ sweep: FanoutRequest['sweep'] }>(
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

/** IgnoredEvent is the answer for an event acknowledged without reading its object (our own writes, unsafe keys). */
export interface IgnoredEvent {
  bucket: string;
  key: string;
  event: string;
  ignored: string;
}

/**
 * verifyEventRecords verifies the objects an S3 event body announces, in order. Events this function causes itself
 * (tagging, copies into the quarantine bucket) and unsafe keys are acknowledged without reading the object.
 */
export async function verifyEventRecords(
  body: unknown,
  arrival: ArrivalDeps,
  log: Logger,
  signal: AbortSignal,
): Promise<Array<ArrivalResult | IgnoredEvent>> {
  const results: Array<ArrivalResult | IgnoredEvent> = [];
  for (const event of parseObjectEvents(body)) {
    const decision = decideEvent(event, { outputBuckets: arrival.quarantineBucket ? [arrival.quarantineBucket] : [] });
    if (decision.action !== 'ignore') {
      results.push(await verifyArrival(decision.event, arrival, signal));
      continue;
    }
    const { name, bucket, key } = decision.event;
    const entry = { event: name, bucket, key, reason: decision.reason };
    if (decision.unsafeKey) log.warn(entry, 'event with an unsafe object key acknowledged without reading it');
    else log.debug(entry, 'event ignored');
    results.push({ bucket, key, event: name, ignored: decision.reason });
  }
  return results;
}

/** callerExpected turns a validated `ALG:HEX` into the expected checksum verifyArrival takes. */
export function callerExpected(expected: string | undefined): { expected?: { algorithm: Algorithm; hex: string } } {
  if (!expected) return {};
  const [algorithm, hex] = expected.split(':') as [Algorithm, string];
  return { expected: { algorithm, hex } };
}
