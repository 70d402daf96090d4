import { verdictKey, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import type { VerdictRecord } from './arrival.ts';
import { hashStream } from '#lib/checksum/index.ts';

/** DriftKind is what a sweep can find wrong. */
export type DriftKind = 'modified' | 'missing' | 'unverified' | 'stale-pending';

/** FINDINGS_KEPT bounds the findings a sweep report lists (the counts stay exact). */
export const FINDINGS_KEPT = 1000;

/** SweepItem is one listed object a sweep re-proves. */
export interface SweepItem {
  bucket: string;
  key: string;
  size: number;
  etag: string;
}

/** Drift is one finding of a sweep. */
export interface Drift {
  kind: DriftKind;
  bucket: string;
  key: string;
  detail: string;
}

/**
 * examineObject re-proves one stored object against its recorded verdict: `unverified` when it was never verified,
 * `stale-pending` when it waits for a checksum since before `staleBefore`, `modified` when its content no longer
 * hashes to the recorded value (with or without an etag change). `bytes` is what was read to tell.
 */
export async function examineObject(
  deps: { store: ObjectStore; state: StateStore },
  item: SweepItem,
  staleBefore: string,
  signal?: AbortSignal,
): Promise<{ drift: Drift | null; bytes: number }> {
  const { bucket, key } = item;
  const record = (await deps.state.read<VerdictRecord>(verdictKey(bucket, key)))?.value;
  if (!record || record.verdict === 'vanished')
    return { drift: { kind: 'unverified', bucket, key, detail: 'never verified' }, bytes: 0 };
  if (record.verdict === 'pending') {
    const since = record.firstSeenAt ?? record.verifiedAt;
    return {
      drift: since < staleBefore ? { kind: 'stale-pending', bucket, key, detail: `pending since ${since}` } : null,
      bytes: 0,
    };
  }
  if (!record.actual) return { drift: null, bytes: 0 };
  const { digests } = await hashStream(
    await deps.store.getStream(bucket, key, signal ? { signal } : {}),
    [record.algorithm],
    signal ? { signal } : {},
  );
  const now = digests[record.algorithm];
  if (now === record.actual) return { drift: null, bytes: item.size };
  return {
    drift: {
      kind: 'modified',
      bucket,
      key,
      detail: `${record.algorithm} was ${record.actual}, is ${now}${item.etag !== record.etag ? ' (etag changed)' : ' (same etag)'}`,
    },
    bytes: item.size,
  };
}

/** examineBatch examines items with bounded concurrency, in order of completion. */
export async function examineBatch(
  deps: { store: ObjectStore; state: StateStore },
  items: SweepItem[],
  staleBefore: string,
  concurrency: number,
  signal?: AbortSignal,
): Promise<{ examined: number; bytes: number; drifts: Drift[] }> {
  const out = { examined: 0, bytes: 0, drifts: [] as Drift[] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      const { drift, bytes } = await examineObject(deps, item, staleBefore, signal);
      out.examined++;
      out.bytes += bytes;
      if (drift) out.drifts.push(drift);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}
