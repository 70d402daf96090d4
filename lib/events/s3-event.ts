import { opsError } from '#lib/runtime/errors.ts';
import { objectKeyProblem } from '#lib/storage/object-key.ts';

/**
 * KeyDialect is how a record writes `s3.object.key`: AWS form-encodes it, MinIO query-escapes it (both `+` for a
 * space), Ceph RGW sends the raw key, where `+` is a plus and `%` a percent sign.
 */
export type KeyDialect = 'aws' | 'minio' | 'ceph';

/** ObjectEvent is one S3 object notification, normalized from MinIO's webhook envelope, an AWS or a Ceph RGW record. */
export interface ObjectEvent {
  /** name is always `s3:<Category>:<Action>` (AWS and RGW records omit the `s3:` prefix; it is added). */
  name: string;
  /** source is the dialect the record came in, which decided how its key was read. */
  source: KeyDialect;
  bucket: string;
  /** key is the object's real name (decoded from MinIO's and AWS's escaping, taken as is from RGW). */
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  sequencer?: string;
  eventTime?: string;
  userMetadata?: Record<string, string>;
}

/** EventDecision says what a function does with an event, and why it skips one (`unsafeKey`: a poison key, logged). */
export type EventDecision =
  | { action: 'handle'; event: ObjectEvent }
  | { action: 'ignore'; event: ObjectEvent; reason: string; unsafeKey?: true };

const EVENT_NAME =
  /^(s3:)?(ObjectCreated|ObjectRemoved|ObjectAccessed|ObjectRestore|ObjectTransition|Replication|Scanner|LifecycleDelMarkerExpiration|ObjectTagging|ObjectAcl|LifecycleExpiration|IntelligentTiering|LifecycleTransition|ReducedRedundancyLostObject):([A-Za-z*]+)$/;

/** CREATION_EVENTS are the events that mean new content arrived; everything else under ObjectCreated is metadata. */
export const CREATION_EVENTS = [
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectCreated:Copy',
] as const;

/** METADATA_ONLY_EVENTS change tags, retention or holds but not content: verifying on them would loop on our own tags. */
const METADATA_ONLY_EVENTS = new Set([
  's3:ObjectCreated:PutTagging',
  's3:ObjectCreated:DeleteTagging',
  's3:ObjectCreated:PutRetention',
  's3:ObjectCreated:PutLegalHold',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

/**
 * keyDialectOf tells a record's dialect from `eventSource` (`ceph:s3`, `minio:s3`, `aws:s3`). RGW releases before
 * Octopus wrote `aws:s3` but already sent the Ceph-only `opaqueData` field, which then marks them.
 */
export function keyDialectOf(record: { eventSource?: unknown; opaqueData?: unknown }): KeyDialect {
  if (record.eventSource === 'ceph:s3' || typeof record.opaqueData === 'string') return 'ceph';
  if (record.eventSource === 'minio:s3') return 'minio';
  return 'aws';
}

/** decodeEventKey decodes an event's object key: Go's url.QueryEscape turns space into `+`, so `+` must go first. */
export function decodeEventKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw opsError('BAD_REQUEST', `object key "${raw}" is not valid URL escaping`, [
      { field: 'Records[].s3.object.key', reason: 'bad percent-escape' },
    ]);
  }
}

/**
 * parseObjectEvents reads a notification body: MinIO's `{EventName, Key, Records:[…]}` or AWS/Ceph `{Records:[…]}`.
 * A body of another shape is BAD_REQUEST naming the field; an unknown event name is UNKNOWN_EVENT.
 */
export function parseObjectEvents(body: unknown): ObjectEvent[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { Records?: unknown }).Records)) {
    throw opsError('BAD_REQUEST', 'not an S3 event notification: no Records array', [
      { field: 'Records', reason: 'is required and must be an array' },
    ]);
  }
  const records = (body as { Records: unknown[] }).Records;
  return records.map((record, index) => parseRecord(record, index));
}

function parseRecord(record: unknown, index: number): ObjectEvent {
  const field = (path: string): string => `Records[${index}].${path}`;
  if (typeof record !== 'object' || record === null)
    throw opsError('BAD_REQUEST', `${field('')} is not an object`, [
      { field: `Records[${index}]`, index, reason: 'must be an object' },
    ]);
  const r = record as {
    eventName?: unknown;
    eventTime?: unknown;
    eventSource?: unknown;
    opaqueData?: unknown;
    s3?: { bucket?: { name?: unknown }; object?: Record<string, unknown> };
  };
  if (typeof r.eventName !== 'string')
    throw opsError('BAD_REQUEST', `${field('eventName')} is missing`, [
      { field: field('eventName'), index, reason: 'is required' },
    ]);
  const match = EVENT_NAME.exec(r.eventName);
  if (!match)
    throw opsError('UNKNOWN_EVENT', `event name "${r.eventName}" is not an S3 event`, [
      { field: field('eventName'), index, reason: `unknown event ${r.eventName}` },
    ]);
  const name = `s3:${match[2]}:${match[3]}`;
  const bucket = r.s3?.bucket?.name;
  const object = r.s3?.object;
  if (typeof bucket !== 'string' || bucket === '')
    throw opsError('BAD_REQUEST', `${field('s3.bucket.name')} is missing`, [
      { field: field('s3.bucket.name'), index, reason: 'is required' },
    ]);
  if (!object || typeof object.key !== 'string' || object.key === '')
    throw opsError('BAD_REQUEST', `${field('s3.object.key')} is missing`, [
      { field: field('s3.object.key'), index, reason: 'is required' },
    ]);
  const source = keyDialectOf(r);
  // Decoding RGW's raw key would turn `+` into a space and read another object (or none): it is taken as is.
  const event: ObjectEvent = { name, source, bucket, key: source === 'ceph' ? object.key : decodeEventKey(object.key) };
  if (typeof object.size === 'number') event.size = object.size;
  const etag = object.eTag ?? object.etag;
  if (typeof etag === 'string' && etag !== '') event.etag = etag.replace(/"/g, '');
  if (typeof object.versionId === 'string' && object.versionId !== '' && object.versionId !== 'null')
    event.versionId = object.versionId;
  if (typeof object.sequencer === 'string') event.sequencer = object.sequencer;
  if (typeof r.eventTime === 'string') event.eventTime = r.eventTime;
  if (object.userMetadata && typeof object.userMetadata === 'object')
    event.userMetadata = object.userMetadata as Record<string, string>;
  else if (Array.isArray(object.metadata)) event.userMetadata = rgwMetadata(object.metadata);
  return event;
}

/**
 * decideEvent keeps content arrivals and drops unsafe keys (objectKeyProblem), what would loop or does not concern a verifier: tag, retention and
 * hold changes, copies into the function's own output buckets (quarantine), removals and reads.
 */
export function decideEvent(
  event: ObjectEvent,
  options: { outputBuckets?: string[]; ignoreKeyPrefixes?: string[] } = {},
): EventDecision {
  // A key no S3 request can carry safely is acknowledged, not retried: MinIO would redeliver it forever.
  const problem = objectKeyProblem(event.key);
  if (problem) return { action: 'ignore', event, reason: `object key ${problem}`, unsafeKey: true };
  if (METADATA_ONLY_EVENTS.has(event.name))
    return { action: 'ignore', event, reason: 'metadata-only event (tags, retention, hold)' };
  if (!(CREATION_EVENTS as readonly string[]).includes(event.name))
    return { action: 'ignore', event, reason: `${event.name} is not a content arrival` };
  if (options.outputBuckets?.includes(event.bucket))
    return { action: 'ignore', event, reason: `bucket ${event.bucket} holds this function's own output` };
  if (options.ignoreKeyPrefixes?.some((prefix) => event.key.startsWith(prefix)))
    return { action: 'ignore', event, reason: 'key under an ignored prefix' };
  return { action: 'handle', event };
}

/** eventIdentity is the idempotency key of an event's object version: bucket, key and etag (or version id). */
export function eventIdentity(event: { bucket: string; key: string; etag?: string; versionId?: string }): string {
  return `${event.bucket}/${event.key}@${event.versionId ?? event.etag ?? 'unknown'}`;
}

// RGW lists metadata as [{key:'x-amz-meta-color', val:'blue'}]; entries of another shape are skipped.
function rgwMetadata(list: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of list) {
    const { key, val } = (entry ?? {}) as { key?: unknown; val?: unknown };
    if (typeof key === 'string' && typeof val === 'string') out[key] = val;
  }
  return out;
}
