import { createHash } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import type { ObjectStore, StateStore } from '#lib/storage/index.ts';

/** Verdict is what verification concluded about one object version. */
export type VerdictStatus = 'ok' | 'mismatch' | 'pending' | 'unreadable' | 'vanished';

/** VerdictRecord is the durable verdict kept in the state bucket and summarized in the object's tags. */
export interface VerdictRecord {
  bucket: string;
  key: string;
  etag: string;
  size: number;
  verdict: VerdictStatus;
  algorithm: 'sha256';
  actual?: string;
  expected?: string;
  checksumSource?: string;
  reason?: string;
  verifiedAt: string;
  /** firstMismatchAt keeps the alert's startsAt stable across redeliveries. */
  firstMismatchAt?: string;
}

/** ArrivalDeps are the ports and settings arrival verification runs with. */
export interface ArrivalDeps {
  store: ObjectStore;
  state: StateStore;
  alerts: AlertSink;
  now: () => DateTime;
  log: Logger;
  subsystemOf: (bucket: string, key: string) => string;
  sidecarSuffix?: string;
}

export const VERDICT_TAG = 'cmp-ops-verdict';
const SIDECAR_LIMIT = 64 * 1024;

/** verdictKey is the state key of an object's current verdict. */
export function verdictKey(bucket: string, key: string): string {
  return `verdicts/${bucket}/${key}`;
}

/**
 * parseGnuChecksumLine reads one `sha256sum` output line: `HEX  name`, `HEX *name` (binary marker) or the
 * backslash form `\HEX  escaped\nname` for names with newlines or backslashes. Returns null when the line is not one.
 */
export function parseGnuChecksumLine(line: string): { hex: string; name: string } | null {
  const escaped = line.startsWith('\\');
  const match = /^\\?([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
  if (!match) return null;
  const name = escaped ? match[2]!.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : match[2]!;
  return { hex: match[1]!.toLowerCase(), name };
}

/** sha256OfObject streams an object through SHA-256; memory stays flat whatever the size. */
export async function sha256OfObject(store: ObjectStore, bucket: string, key: string, signal?: AbortSignal): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = await store.getStream(bucket, key, signal ? { signal } : {});
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hex: hash.digest('hex'), size };
}

async function readSidecar(store: ObjectStore, bucket: string, key: string, signal?: AbortSignal): Promise<string | null> {
  const info = await store.stat(bucket, key, signal ? { signal } : {});
  if (!info) return null;
  if (info.size > SIDECAR_LIMIT) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(bucket, key, signal ? { signal } : {})) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** expectedFromSidecar finds the line naming `fileName` (or the only line) in a sidecar's text. */
export function expectedFromSidecar(text: string, fileName: string): { hex: string } | { error: string } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return { error: 'sidecar is empty' };
  const parsed = lines.map((line, index) => ({ line: index + 1, entry: parseGnuChecksumLine(line) }));
  const bad = parsed.find((p) => p.entry === null);
  const named = parsed.filter((p) => p.entry && (p.entry.name === fileName || p.entry.name.split('/').pop() === fileName));
  if (named.length > 0) return { hex: named[0]!.entry!.hex };
  if (lines.length === 1 && parsed[0]!.entry) return { hex: parsed[0]!.entry.hex };
  if (bad) return { error: `line ${bad.line} is not a sha256sum line` };
  return { error: `no line names ${fileName}` };
}

/**
 * verifyArrival verifies one arrived object (or, for a `.sha256` sidecar, the object it covers): hash, compare,
 * tag, record, and alert on mismatch. A redelivered event finds the stored verdict for the same etag and changes
 * nothing; the alert it re-sends carries the same startsAt, so alert-router does not notify twice.
 */
export async function verifyArrival(target: { bucket: string; key: string }, deps: ArrivalDeps, signal?: AbortSignal): Promise<VerdictRecord | { bucket: string; key: string; verdict: 'waiting-for-object' }> {
  const suffix = deps.sidecarSuffix ?? '.sha256';
  if (target.key.endsWith(suffix)) {
    const covered = target.key.slice(0, -suffix.length);
    if (!(await deps.store.stat(target.bucket, covered))) return { bucket: target.bucket, key: covered, verdict: 'waiting-for-object' };
    return verifyObject({ bucket: target.bucket, key: covered }, deps, signal);
  }
  return verifyObject(target, deps, signal);
}

async function verifyObject(target: { bucket: string; key: string }, deps: ArrivalDeps, signal?: AbortSignal): Promise<VerdictRecord> {
  const { bucket, key } = target;
  const now = deps.now().toUTC().toISO() as string;
  const info = await deps.store.stat(bucket, key, signal ? { signal } : {});
  if (!info) return recordVanished(bucket, key, now, deps);
  const previous = await deps.state.read<VerdictRecord>(verdictKey(bucket, key));
  const sidecarKey = `${key}${deps.sidecarSuffix ?? '.sha256'}`;
  const sidecar = await readSidecar(deps.store, bucket, sidecarKey, signal);
  if (previous && previous.value.etag === info.etag && previous.value.verdict !== 'pending' && previous.value.verdict !== 'vanished') {
    // Same content already judged: a redelivery. Re-send a mismatch alert unchanged (router dedupes), act no further.
    if (previous.value.verdict === 'mismatch') await deps.alerts.send([mismatchAlert(previous.value, deps)], signal);
    return previous.value;
  }
  let actual: { hex: string; size: number };
  try {
    actual = await sha256OfObject(deps.store, bucket, key, signal);
  } catch (err) {
    if ((err as { code?: string }).code === 'OBJECT_NOT_FOUND') return recordVanished(bucket, key, now, deps);
    throw err;
  }
  const record: VerdictRecord = { bucket, key, etag: info.etag, size: actual.size, verdict: 'pending', algorithm: 'sha256', actual: actual.hex, verifiedAt: now };
  if (sidecar !== null) {
    record.checksumSource = `s3://${bucket}/${sidecarKey}`;
    const expected = expectedFromSidecar(sidecar, key.split('/').pop()!);
    if ('error' in expected) {
      record.verdict = 'unreadable';
      record.reason = expected.error;
    } else {
      record.expected = expected.hex;
      record.verdict = expected.hex === actual.hex ? 'ok' : 'mismatch';
    }
  }
  if (record.verdict === 'mismatch') record.firstMismatchAt = previous?.value.etag === info.etag && previous.value.firstMismatchAt ? previous.value.firstMismatchAt : now;
  await deps.store.setTags(bucket, key, { ...(await deps.store.getTags(bucket, key)), [VERDICT_TAG]: record.verdict });
  await deps.state.write(verdictKey(bucket, key), record);
  const alerts: Alert[] = [];
  if (record.verdict === 'mismatch') alerts.push(mismatchAlert(record, deps));
  if (record.verdict === 'ok' && previous?.value.verdict === 'mismatch') alerts.push(mismatchAlert(previous.value, deps, now));
  if (alerts.length > 0) await deps.alerts.send(alerts, signal);
  deps.log.info({ bucket, key, verdict: record.verdict, etag: record.etag }, 'verdict');
  return record;
}

async function recordVanished(bucket: string, key: string, now: string, deps: ArrivalDeps): Promise<VerdictRecord> {
  const record: VerdictRecord = { bucket, key, etag: '', size: 0, verdict: 'vanished', algorithm: 'sha256', reason: 'object deleted before it could be read', verifiedAt: now };
  const bucketExists = await deps.store.bucketExists(bucket);
  if (!bucketExists) throw opsError('BUCKET_NOT_FOUND', `bucket ${bucket} does not exist`, [{ field: 'bucket', reason: 'not found' }]);
  await deps.state.write(verdictKey(bucket, key), record);
  return record;
}

function mismatchAlert(record: VerdictRecord, deps: ArrivalDeps, resolvedAt?: string): Alert {
  return buildAlert({
    alertname: 'ChecksumMismatch',
    severity: 'critical',
    subsystem: deps.subsystemOf(record.bucket, record.key),
    labels: { bucket: record.bucket, key: record.key },
    summary: `Checksum mismatch for s3://${record.bucket}/${record.key}`,
    description: `SHA-256 of the stored object is ${record.actual}, the checksum (${record.checksumSource}) says ${record.expected}.`,
    startsAt: record.firstMismatchAt ?? record.verifiedAt,
    ...(resolvedAt ? { resolvedAt } : {}),
  });
}
