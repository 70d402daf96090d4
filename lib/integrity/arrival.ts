import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { manifestKey, verdictKey, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import { hashStream, hintFromName, readChecksumStream, type Algorithm } from '#lib/checksum/index.ts';
import {
  etagTrusted,
  findExpected,
  isSafeManifestName,
  MANIFEST_NAMES,
  SIDECAR_SUFFIXES,
  type CallerExpected,
} from './expected-source.ts';

/** VerdictStatus is what verification concluded about one object version. */
export type VerdictStatus = 'ok' | 'mismatch' | 'pending' | 'unreadable' | 'vanished';

/** VerdictRecord is the durable verdict kept in the state bucket and summarized in the object's tags. */
export interface VerdictRecord {
  bucket: string;
  key: string;
  etag: string;
  size: number;
  verdict: VerdictStatus;
  algorithm: Algorithm;
  actual?: string;
  expected?: string;
  checksumSource?: string;
  reason?: string;
  verifiedAt: string;
  /** firstMismatchAt keeps the alert's startsAt stable across redeliveries. */
  firstMismatchAt?: string;
  /** firstSeenAt is when the object was first seen without a checksum (the ChecksumMissing deadline runs from it). */
  firstSeenAt?: string;
  /** missingAlertedAt is set once ChecksumMissing was raised, so a later verdict can resolve it. */
  missingAlertedAt?: string;
}

/** ArrivalDeps are the ports and settings arrival verification runs with. */
export interface ArrivalDeps {
  store: ObjectStore;
  state: StateStore;
  alerts: AlertSink;
  now: () => DateTime;
  log: Logger;
  subsystemOf: (bucket: string, key: string) => string;
  /** quarantineBucket receives a copy of every mismatching object, its verdict as metadata. */
  quarantineBucket?: string;
  /** etagPrefixes are the `bucket/prefix`es (or `*`) where a single-part upload's ETag is trusted as its MD5. */
  etagPrefixes?: readonly string[];
}

/** VERDICT_TAG is the object tag that carries an object's verdict. */
export const VERDICT_TAG = 'cmp-ops-verdict';

/**
 * verifyArrival verifies one arrived object (or, for a `.sha256` sidecar, the object it covers): hash, compare,
 * tag, record, and alert on mismatch. A redelivered event finds the stored verdict for the same etag and changes
 * nothing; the alert it re-sends carries the same startsAt, so alert-router does not notify twice.
 */
export async function verifyArrival(
  target: { bucket: string; key: string; expected?: CallerExpected },
  deps: ArrivalDeps,
  signal?: AbortSignal,
): Promise<ArrivalResult> {
  const base = target.key.split('/').pop()!;
  if (MANIFEST_NAMES.includes(base)) return verifyManifest(target, deps, signal);
  const suffix = SIDECAR_SUFFIXES.find((sfx) => target.key.endsWith(sfx));
  if (suffix) {
    const covered = target.key.slice(0, -suffix.length);
    if (!(await deps.store.stat(target.bucket, covered)))
      return { bucket: target.bucket, key: covered, verdict: 'waiting-for-object' };
    return verifyObject({ bucket: target.bucket, key: covered }, deps, signal);
  }
  return verifyObject(target, deps, signal);
}

/** ArrivalResult is a verdict, a file still to come, or what a manifest's arrival did to every file it names. */
export type ArrivalResult =
  | VerdictRecord
  | { bucket: string; key: string; verdict: 'waiting-for-object' }
  | {
      bucket: string;
      key: string;
      manifest: true;
      results: Array<VerdictRecord | { key: string; verdict: 'waiting-for-object' | 'unreadable'; reason?: string }>;
    };

// A manifest verifies every file it names that has arrived; names leaving the delivery folder are refused.
async function verifyManifest(
  target: { bucket: string; key: string },
  deps: ArrivalDeps,
  signal?: AbortSignal,
): Promise<ArrivalResult> {
  const dir = target.key.slice(0, target.key.lastIndexOf('/') + 1);
  const items = readChecksumStream(
    await deps.store.getStream(target.bucket, target.key, signal ? { signal } : {}),
    hintFromName(target.key),
  );
  const results: Array<VerdictRecord | { key: string; verdict: 'waiting-for-object' | 'unreadable'; reason?: string }> =
    [];
  for await (const item of items) {
    if (item.kind === 'reject') {
      results.push({ key: target.key, verdict: 'unreadable', reason: `line ${item.line}: ${item.reason}` });
      continue;
    }
    if (item.name === null) continue;
    if (!isSafeManifestName(item.name)) {
      results.push({
        key: item.name,
        verdict: 'unreadable',
        reason: `line ${item.line}: ${item.name} is outside the delivery prefix ${dir}`,
      });
      continue;
    }
    const key = `${dir}${item.name.replace(/^\.\//, '').replace(/\\/g, '/')}`;
    if (!(await deps.store.stat(target.bucket, key))) results.push({ key, verdict: 'waiting-for-object' });
    else results.push(await verifyObject({ bucket: target.bucket, key }, deps, signal));
  }
  // Remember what the manifest still waits for: the timer pass raises DeliveryIncomplete past the deadline.
  const waiting = results.filter((r) => r.verdict === 'waiting-for-object').map((r) => r.key);
  const now = deps.now().toUTC().toISO() as string;
  await deps.state.update<ManifestRecord>(manifestKey(target.bucket, target.key), (current) => ({
    bucket: target.bucket,
    key: target.key,
    arrivedAt: current?.arrivedAt ?? now,
    waiting,
    ...(current?.incompleteAlertedAt ? { incompleteAlertedAt: current.incompleteAlertedAt } : {}),
  }));
  return { bucket: target.bucket, key: target.key, manifest: true, results };
}

async function verifyObject(
  target: { bucket: string; key: string; expected?: CallerExpected },
  deps: ArrivalDeps,
  signal?: AbortSignal,
): Promise<VerdictRecord> {
  const { bucket, key } = target;
  const now = deps.now().toUTC().toISO() as string;
  const info = await deps.store.stat(bucket, key, signal ? { signal } : {});
  if (!info) return recordVanished(bucket, key, now, deps);
  const previous = await deps.state.read<VerdictRecord>(verdictKey(bucket, key));
  if (
    !target.expected &&
    previous &&
    previous.value.etag === info.etag &&
    previous.value.verdict !== 'pending' &&
    previous.value.verdict !== 'vanished'
  ) {
    // Same content already judged: a redelivery. Re-send a mismatch alert unchanged (router dedupes), act no further.
    if (previous.value.verdict === 'mismatch') await deps.alerts.send([mismatchAlert(previous.value, deps)], signal);
    return previous.value;
  }
  const expected = await findExpected(
    deps.store,
    bucket,
    key,
    info,
    target.expected,
    signal,
    etagTrusted(deps.etagPrefixes ?? [], bucket, key),
  );
  const algorithm: Algorithm = expected && !('error' in expected) ? expected.algorithm : 'sha256';
  let actual: { hex: string; size: number };
  try {
    const result = await hashStream(
      await deps.store.getStream(bucket, key, signal ? { signal } : {}),
      [algorithm],
      signal ? { signal } : {},
    );
    actual = { hex: result.digests[algorithm]!, size: result.size };
  } catch (err) {
    if (
      (err as { code?: string }).code === 'OBJECT_NOT_FOUND' ||
      /NoSuchKey|not found/i.test((err as Error).message ?? '')
    )
      return recordVanished(bucket, key, now, deps);
    throw err;
  }
  const record: VerdictRecord = {
    bucket,
    key,
    etag: info.etag,
    size: actual.size,
    verdict: 'pending',
    algorithm,
    actual: actual.hex,
    verifiedAt: now,
  };
  if (expected !== null) {
    record.checksumSource = expected.source;
    if ('error' in expected) {
      record.verdict = 'unreadable';
      record.reason = expected.error;
    } else {
      record.expected = expected.hex;
      record.verdict =
        expected.hex === actual.hex && (expected.size === undefined || expected.size === actual.size)
          ? 'ok'
          : 'mismatch';
    }
  }
  if (record.verdict === 'pending') record.firstSeenAt = previous?.value.firstSeenAt ?? now;
  if (record.verdict === 'pending' && previous?.value.missingAlertedAt)
    record.missingAlertedAt = previous.value.missingAlertedAt;
  if (record.verdict === 'mismatch')
    record.firstMismatchAt =
      previous?.value.etag === info.etag && previous.value.firstMismatchAt ? previous.value.firstMismatchAt : now;
  await deps.store.setTags(bucket, key, { ...(await deps.store.getTags(bucket, key)), [VERDICT_TAG]: record.verdict });
  if (record.verdict === 'mismatch' && deps.quarantineBucket) {
    // The original stays where it landed; the quarantine copy carries its verdict for whoever investigates.
    await deps.store.copy(
      { bucket, key },
      { bucket: deps.quarantineBucket, key: `${bucket}/${key}` },
      {
        metadata: {
          'cmp-ops-verdict': 'mismatch',
          'cmp-ops-expected': record.expected ?? '',
          'cmp-ops-actual': record.actual ?? '',
          'cmp-ops-algorithm': record.algorithm,
          'cmp-ops-source': record.checksumSource ?? '',
        },
      },
    );
  }
  await deps.state.write(verdictKey(bucket, key), record);
  const alerts: Alert[] = [];
  if (record.verdict === 'mismatch') alerts.push(mismatchAlert(record, deps));
  if (record.verdict === 'ok' && previous?.value.verdict === 'mismatch')
    alerts.push(mismatchAlert(previous.value, deps, now));
  if (record.verdict !== 'pending' && previous?.value.missingAlertedAt)
    alerts.push(missingAlert(previous.value, deps, now));
  if (alerts.length > 0) await deps.alerts.send(alerts, signal);
  deps.log.info({ bucket, key, verdict: record.verdict, etag: record.etag }, 'verdict');
  return record;
}

async function recordVanished(bucket: string, key: string, now: string, deps: ArrivalDeps): Promise<VerdictRecord> {
  const record: VerdictRecord = {
    bucket,
    key,
    etag: '',
    size: 0,
    verdict: 'vanished',
    algorithm: 'sha256',
    reason: 'object deleted before it could be read',
    verifiedAt: now,
  };
  const bucketExists = await deps.store.bucketExists(bucket);
  if (!bucketExists)
    throw opsError('BUCKET_NOT_FOUND', `bucket ${bucket} does not exist`, [{ field: 'bucket', reason: 'not found' }]);
  await deps.state.write(verdictKey(bucket, key), record);
  return record;
}

/** ManifestRecord remembers a manifest's arrival and the files it still waits for. */
export interface ManifestRecord {
  bucket: string;
  key: string;
  arrivedAt: string;
  waiting: string[];
  incompleteAlertedAt?: string;
}

/** missingAlert is ChecksumMissing for an object still without a checksum (resolved when `resolvedAt` is given). */
export function missingAlert(
  record: VerdictRecord,
  deps: Pick<ArrivalDeps, 'subsystemOf'>,
  resolvedAt?: string,
): Alert {
  return buildAlert({
    alertname: 'ChecksumMissing',
    severity: 'warning',
    subsystem: deps.subsystemOf(record.bucket, record.key),
    labels: { bucket: record.bucket, key: record.key },
    summary: `No checksum arrived for s3://${record.bucket}/${record.key}`,
    description: `The object arrived at ${record.firstSeenAt ?? record.verifiedAt} and no sidecar, manifest entry or metadata checksum covers it yet.`,
    startsAt: record.missingAlertedAt ?? record.verifiedAt,
    ...(resolvedAt ? { resolvedAt } : {}),
  });
}

function mismatchAlert(record: VerdictRecord, deps: ArrivalDeps, resolvedAt?: string): Alert {
  return buildAlert({
    alertname: 'ChecksumMismatch',
    severity: 'critical',
    subsystem: deps.subsystemOf(record.bucket, record.key),
    labels: { bucket: record.bucket, key: record.key },
    summary: `Checksum mismatch for s3://${record.bucket}/${record.key}`,
    description: `${record.algorithm} of the stored object is ${record.actual}, the checksum (${record.checksumSource}) says ${record.expected}.`,
    startsAt: record.firstMismatchAt ?? record.verifiedAt,
    ...(resolvedAt ? { resolvedAt } : {}),
  });
}
