import type { StateStore } from '#lib/storage/index.ts';
import { FINDINGS_KEPT, type Drift, type DriftKind, type SweepItem } from './examine.ts';

/**
 * Fan-out: for stores too large for one replica, the sweep lists objects and posts them in batches to
 * `/async-function/checksum-verify`; each batch's result comes back through the gateway's callback (X-Callback-Url)
 * to integrity-sweep, signed. One record per batch in the state bucket makes it all restartable: a batch is
 * posted again when its result is late, given up on (its objects reported `unverified`) after `maxAttempts`, and
 * a callback delivered twice counts once.
 */
export interface FanoutSettings {
  batchSize: number;
  /** post sends a batch asynchronously (the gateway answers 202) with the URL its result is posted back to. */
  post(request: FanoutRequest, callbackUrl: string, signal?: AbortSignal): Promise<void>;
  /** callbackUrl is the signed URL of integrity-sweep that receives the result of a run's batch. */
  callbackUrl(runId: string, batch: number): string;
  /** retryAfterMs: a batch without a result after this long is posted again. */
  retryAfterMs: number;
  maxAttempts: number;
}

/** FanoutRequest is the body posted to checksum-verify for one batch. */
export interface FanoutRequest {
  sweep: { runId: string; batch: number; staleBefore: string; items: SweepItem[] };
}

/** FanoutResult is checksum-verify's answer to a batch (the body the callback carries). */
export interface FanoutResult {
  runId: string;
  batch: number;
  examined: number;
  bytes: number;
  drifts: Drift[];
}

interface BatchRecord {
  items: SweepItem[];
  staleBefore: string;
  attempts: number;
  sentAt: string;
  done: boolean;
  result?: FanoutResult;
  failed?: string;
}

const batchKey = (runId: string, batch: number) => `sweep/fanout/${runId}/batch-${String(batch).padStart(6, '0')}`;

/** dispatchBatch records a batch, then posts it; a failed post throws (the caller keeps its checkpoint before it). */
export async function dispatchBatch(
  state: StateStore,
  fanout: FanoutSettings,
  runId: string,
  batch: number,
  items: SweepItem[],
  staleBefore: string,
  sentAt: string,
  signal?: AbortSignal,
): Promise<void> {
  await state.write(batchKey(runId, batch), {
    items,
    staleBefore,
    attempts: 1,
    sentAt,
    done: false,
  } satisfies BatchRecord);
  await fanout.post({ sweep: { runId, batch, staleBefore, items } }, fanout.callbackUrl(runId, batch), signal);
}

/**
 * recordFanoutResult stores a batch's result as the callback delivered it. A failed call (the X-Function-Status
 * the gateway passes on is not 2xx) leaves the batch open for another post, or closes it as failed after the last
 * attempt. A second delivery of the same batch changes nothing.
 */
export async function recordFanoutResult(
  state: StateStore,
  fanout: Pick<FanoutSettings, 'maxAttempts'>,
  runId: string,
  batch: number,
  status: number,
  body: unknown,
): Promise<'recorded' | 'duplicate' | 'retry' | 'failed' | 'unknown'> {
  let outcome: 'recorded' | 'duplicate' | 'retry' | 'failed' | 'unknown' = 'unknown';
  await state.update<BatchRecord>(batchKey(runId, batch), (current) => {
    if (!current) {
      outcome = 'unknown';
      return null;
    }
    if (current.done) {
      outcome = 'duplicate';
      return null;
    }
    const result = body as Partial<FanoutResult> | null;
    if (
      status >= 200 &&
      status < 300 &&
      result &&
      result.runId === runId &&
      result.batch === batch &&
      Array.isArray(result.drifts)
    ) {
      outcome = 'recorded';
      return {
        ...current,
        done: true,
        result: {
          runId,
          batch,
          examined: Number(result.examined) || 0,
          bytes: Number(result.bytes) || 0,
          drifts: result.drifts,
        },
      };
    }
    const reason = `checksum-verify answered ${status}${typeof body === 'string' ? `: ${body.slice(0, 200)}` : ''}`;
    if (current.attempts >= fanout.maxAttempts) {
      outcome = 'failed';
      return { ...current, done: true, failed: reason };
    }
    outcome = 'retry';
    return { ...current, sentAt: '', failed: reason };
  });
  return outcome;
}

/**
 * awaitFanout re-posts late batches and closes those out of attempts; it returns how many batches are still open.
 * When none is, it adds every batch's result to the sweep's counts and findings (a failed batch's objects count as
 * `unverified`); the records stay until clearFanout, after the report is written, so a failed completion redoes it.
 */
export async function awaitFanout(
  state: StateStore,
  fanout: FanoutSettings,
  sweep: { runId: string; bytes: number; counts: Record<DriftKind, number>; findings: Drift[] },
  nowIso: string,
  signal?: AbortSignal,
): Promise<number> {
  const keys: string[] = [];
  for await (const key of state.list(`sweep/fanout/${sweep.runId}/`)) keys.push(key);
  let open = 0;
  for (const key of keys) {
    const stored = await state.read<BatchRecord>(key);
    if (!stored || stored.value.done) continue;
    const record = stored.value;
    const late = record.sentAt === '' || Date.parse(nowIso) - Date.parse(record.sentAt) >= fanout.retryAfterMs;
    if (!late) {
      open++;
      continue;
    }
    const batch = Number(key.slice(key.lastIndexOf('-') + 1));
    if (record.attempts >= fanout.maxAttempts) {
      await state.write(
        key,
        { ...record, done: true, failed: record.failed ?? `no result after ${record.attempts} attempt(s)` },
        { ifMatch: stored.etag },
      );
      continue;
    }
    await state.write(key, { ...record, attempts: record.attempts + 1, sentAt: nowIso }, { ifMatch: stored.etag });
    await fanout.post(
      { sweep: { runId: sweep.runId, batch, staleBefore: record.staleBefore, items: record.items } },
      fanout.callbackUrl(sweep.runId, batch),
      signal,
    );
    open++;
  }
  if (open > 0) return open;
  for (const key of keys) {
    const record = (await state.read<BatchRecord>(key))?.value;
    if (!record) continue;
    const drifts: Drift[] =
      record.result?.drifts ??
      record.items.map((i) => ({
        kind: 'unverified',
        bucket: i.bucket,
        key: i.key,
        detail: `fan-out batch gave no result: ${record.failed ?? 'unknown'}`,
      }));
    sweep.bytes += record.result?.bytes ?? 0;
    for (const d of drifts) {
      sweep.counts[d.kind]++;
      if (sweep.findings.length < FINDINGS_KEPT) sweep.findings.push(d);
    }
  }
  return 0;
}

/** clearFanout removes a completed run's batch records. */
export async function clearFanout(state: StateStore, runId: string): Promise<void> {
  const keys: string[] = [];
  for await (const key of state.list(`sweep/fanout/${runId}/`)) keys.push(key);
  await Promise.all(keys.map((k) => state.remove(k).catch(() => undefined)));
}
