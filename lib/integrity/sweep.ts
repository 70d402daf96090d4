import type { DateTime } from 'luxon';
import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/index.ts';
import { verdictPrefix, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import type { VerdictRecord } from './arrival.ts';
import { examineObject, FINDINGS_KEPT, type Drift, type DriftKind, type SweepItem } from './examine.ts';
import { MANIFEST_NAMES, SIDECAR_SUFFIXES } from './expected-source.ts';
import { awaitFanout, clearFanout, dispatchBatch, type FanoutSettings } from './sweep-fanout.ts';

export type { DriftKind } from './examine.ts';

/** SweepTarget is a bucket and prefix the sweep re-proves. */
export interface SweepTarget {
  bucket: string;
  prefix: string;
}

/** SweepSettings bound one invocation and say what counts as stale. */
export interface SweepSettings {
  targets: SweepTarget[];
  /** budgetMs: stop, checkpoint and return before this much time has passed (under the watchdog's exec_timeout). */
  budgetMs: number;
  /** maxObjects: also stop after this many objects (deterministic budgets for tests and small functions). */
  maxObjects: number;
  concurrency: number;
  stalePendingMinutes: number;
  /** leaseMs: how long a run owns the sweep; an overlapping run (cron-connector has no guard) backs off. */
  leaseMs: number;
  /** fanout, when set, posts batches of objects to checksum-verify instead of hashing them here. */
  fanout?: FanoutSettings;
}

/** SweepState is the checkpoint kept between invocations of one sweep. */
export interface SweepState {
  runId: string;
  startedAt: string;
  phase: 'objects' | 'records' | 'awaiting';
  targetIndex: number;
  startAfter: string;
  objects: number;
  bytes: number;
  counts: Record<DriftKind, number>;
  findings: Drift[];
  /** batchesSent counts the fan-out batches posted (their results arrive by callback, see sweep-fanout.ts). */
  batchesSent?: number;
  lastError?: string;
}

/** SweepReport is what one invocation returns (and, when the sweep completes, what is stored under sweep/reports/). */
export interface SweepReport {
  runId: string;
  status: 'complete' | 'checkpointed' | 'skipped';
  reason?: string;
  objects: number;
  bytes: number;
  counts: Record<DriftKind, number>;
  durationMs?: number;
}

const LEASE = 'sweep/lease';
const CHECKPOINT = 'sweep/checkpoint';
const isChecksumFile = (key: string) =>
  SIDECAR_SUFFIXES.some((s) => key.endsWith(s)) || MANIFEST_NAMES.includes(key.split('/').pop()!);
const emptyCounts = (): Record<DriftKind, number> => ({ modified: 0, missing: 0, unverified: 0, 'stale-pending': 0 });

/**
 * runSweep re-hashes stored objects and compares them with their recorded verdicts: `modified` (content changed
 * since it was verified, etag changed or not), `missing` (a record without its object), `unverified` (never
 * verified), `stale-pending` (still without a checksum after `stalePendingMinutes`). It holds a lease so
 * overlapping runs do not double-process, stops within its budget with a checkpoint, and on completion writes a
 * report and raises or resolves one IntegrityDrift alert per bucket and kind.
 */
export async function runSweep(
  deps: {
    store: ObjectStore;
    state: StateStore;
    alerts: AlertSink;
    now: () => DateTime;
    elapsedMs: () => number;
    subsystemOf: (bucket: string, key: string) => string;
  },
  settings: SweepSettings,
  runId: string,
  signal?: AbortSignal,
): Promise<SweepReport> {
  const nowIso = () => deps.now().toUTC().toISO() as string;
  // Lease: take it when free or expired; someone else's live lease means another sweep is running.
  let held = false;
  await deps.state.update<{ holder: string; expiresAt: string }>(LEASE, (lease) => {
    if (lease && lease.holder !== runId && lease.expiresAt > nowIso()) return null;
    held = true;
    return { holder: runId, expiresAt: deps.now().plus({ milliseconds: settings.leaseMs }).toUTC().toISO() as string };
  });
  if (!held)
    return {
      runId,
      status: 'skipped',
      reason: 'another sweep holds the lease',
      objects: 0,
      bytes: 0,
      counts: emptyCounts(),
    };

  const stored = (await deps.state.read<SweepState>(CHECKPOINT))?.value;
  const state: SweepState = stored ?? {
    runId,
    startedAt: nowIso(),
    phase: 'objects',
    targetIndex: 0,
    startAfter: '',
    objects: 0,
    bytes: 0,
    counts: emptyCounts(),
    findings: [],
  };
  const staleBefore = deps.now().minus({ minutes: settings.stalePendingMinutes }).toUTC().toISO() as string;
  let handled = 0;
  const outOfBudget = () => deps.elapsedMs() >= settings.budgetMs || handled >= settings.maxObjects;
  const find = (kind: DriftKind, bucket: string, key: string, detail: string) => {
    state.counts[kind]++;
    if (state.findings.length < FINDINGS_KEPT) state.findings.push({ kind, bucket, key, detail });
  };

  const examine = async (item: SweepItem): Promise<void> => {
    const { drift, bytes } = await examineObject(deps, item, staleBefore, signal);
    state.bytes += bytes;
    if (drift) find(drift.kind, drift.bucket, drift.key, drift.detail);
  };
  const fanout = settings.fanout;

  while (state.phase === 'objects' && state.targetIndex < settings.targets.length) {
    const target = settings.targets[state.targetIndex]!;
    const pool = new Set<Promise<void>>();
    // Fan-out: the checkpoint moves past a batch only once checksum-verify has accepted it (202).
    let batch: SweepItem[] = [];
    const send = async (): Promise<boolean> => {
      if (batch.length === 0) return true;
      try {
        await dispatchBatch(
          deps.state,
          fanout!,
          state.runId,
          state.batchesSent ?? 0,
          batch,
          staleBefore,
          nowIso(),
          signal,
        );
      } catch (err) {
        state.lastError = (err as Error).message;
        return false;
      }
      state.batchesSent = (state.batchesSent ?? 0) + 1;
      state.startAfter = batch[batch.length - 1]!.key;
      state.objects += batch.length;
      batch = [];
      return true;
    };
    let exhausted = true;
    for await (const item of deps.store.list(target.bucket, target.prefix, {
      startAfter: state.startAfter,
      ...(signal ? { signal } : {}),
    })) {
      if (outOfBudget()) {
        exhausted = false;
        break;
      }
      if (isChecksumFile(item.key)) {
        if (!fanout) state.startAfter = item.key;
        continue;
      }
      handled++;
      const listed = { bucket: target.bucket, key: item.key, size: item.size, etag: item.etag };
      if (fanout) {
        batch.push(listed);
        if (batch.length >= fanout.batchSize && !(await send())) {
          exhausted = false;
          break;
        }
        continue;
      }
      state.startAfter = item.key;
      state.objects++;
      const work = examine(listed).finally(() => pool.delete(work));
      pool.add(work);
      if (pool.size >= settings.concurrency) await Promise.race(pool);
    }
    await Promise.all(pool);
    if (fanout && exhausted && !(await send())) exhausted = false;
    if (!exhausted) return checkpoint(deps, state, runId);
    state.targetIndex++;
    state.startAfter = '';
  }
  if (state.phase === 'objects') {
    state.phase = 'records';
    state.targetIndex = 0;
    state.startAfter = '';
  }
  // Records whose object is gone. Both listings come sorted by key, so they are walked side by side: no request per
  // record. A record without its object in the listing is confirmed by a stat (and its record read) before it is
  // reported, so a difference in sort order could only cost a request, never a false finding.
  while (state.phase === 'records' && state.targetIndex < settings.targets.length) {
    const target = settings.targets[state.targetIndex]!;
    const recordPrefix = verdictPrefix(target.bucket);
    const objects = deps.store
      .list(target.bucket, target.prefix, {
        ...(state.startAfter ? { startAfter: state.startAfter } : {}),
        ...(signal ? { signal } : {}),
      })
      [Symbol.asyncIterator]();
    let object = await objects.next();
    try {
      for await (const recordKey of deps.state.list(
        `${recordPrefix}${target.prefix}`,
        state.startAfter ? { startAfter: `${recordPrefix}${state.startAfter}` } : {},
      )) {
        if (outOfBudget()) return checkpoint(deps, state, runId);
        const objectKey = recordKey.slice(recordPrefix.length);
        while (!object.done && object.value.key < objectKey) object = await objects.next();
        state.startAfter = objectKey;
        handled++;
        if (!object.done && object.value.key === objectKey) continue;
        if (await deps.store.stat(target.bucket, objectKey)) continue;
        const record = (await deps.state.read<VerdictRecord>(recordKey))?.value;
        if (record && record.verdict !== 'vanished')
          find('missing', target.bucket, objectKey, `recorded ${record.verdict} at ${record.verifiedAt}, object gone`);
      }
    } finally {
      await objects.return?.();
    }
    state.targetIndex++;
    state.startAfter = '';
  }
  if (fanout) {
    state.phase = 'awaiting';
    // The batches report by callback; complete once all have (or were given up on after their retries).
    const waiting = await awaitFanout(deps.state, fanout, state, nowIso(), signal);
    if (waiting > 0)
      return checkpoint(deps, state, runId, `waiting for ${waiting} fan-out batch(es) of ${state.batchesSent ?? 0}`);
    const report = await complete(deps, state, runId, nowIso());
    await clearFanout(deps.state, state.runId);
    return report;
  }
  return complete(deps, state, runId, nowIso());
}

async function checkpoint(
  deps: { state: StateStore; now: () => DateTime },
  state: SweepState,
  runId: string,
  reason?: string,
): Promise<SweepReport> {
  await deps.state.write(CHECKPOINT, state);
  // The lease guards one invocation at a time: release it so the next timer call continues this sweep.
  await deps.state.write(LEASE, { holder: runId, expiresAt: deps.now().toUTC().toISO() as string });
  return {
    runId: state.runId,
    status: 'checkpointed',
    objects: state.objects,
    bytes: state.bytes,
    counts: state.counts,
    reason:
      reason ??
      `resumes after ${state.phase === 'objects' ? state.startAfter || 'the start' : 'the record check'} (invocation ${runId})${state.lastError ? `; last fan-out error: ${state.lastError}` : ''}`,
  };
}

async function complete(
  deps: { state: StateStore; alerts: AlertSink; subsystemOf: (b: string, k: string) => string },
  state: SweepState,
  runId: string,
  finishedAt: string,
): Promise<SweepReport> {
  const durationMs = Date.parse(finishedAt) - Date.parse(state.startedAt);
  await deps.state.write(`sweep/reports/${state.runId}.json`, { ...state, finishedAt, durationMs });
  // One alert per bucket and kind: raised while drift remains, resolved by the first clean sweep.
  const previous = (await deps.state.read<{ firing: Record<string, Alert> }>('sweep/alerts'))?.value.firing ?? {};
  const firing: Record<string, Alert> = {};
  const groups = new Map<string, typeof state.findings>();
  for (const f of state.findings)
    groups.set(`${f.bucket}|${f.kind}`, [...(groups.get(`${f.bucket}|${f.kind}`) ?? []), f]);
  for (const [group, findings] of groups) {
    const [bucket, kind] = group.split('|') as [string, DriftKind];
    firing[group] =
      previous[group] ??
      buildAlert({
        alertname: 'IntegrityDrift',
        severity: kind === 'modified' || kind === 'missing' ? 'critical' : 'warning',
        subsystem: deps.subsystemOf(bucket, findings[0]!.key),
        labels: { bucket, drift: kind },
        summary: `${state.counts[kind]} ${kind} object(s) in ${bucket}`,
        description: findings
          .slice(0, 20)
          .map((f) => `${f.key}: ${f.detail}`)
          .join('\n'),
        startsAt: finishedAt,
      });
  }
  const resolved = Object.entries(previous)
    .filter(([g]) => !firing[g])
    .map(([, a]) => ({ ...a, endsAt: finishedAt }));
  await deps.alerts.send([
    ...Object.entries(firing)
      .filter(([g]) => !previous[g])
      .map(([, a]) => a),
    ...resolved,
  ]);
  await deps.state.write('sweep/alerts', { firing });
  await deps.state.remove(CHECKPOINT).catch(() => undefined);
  await deps.state.write(LEASE, { holder: runId, expiresAt: finishedAt });
  return {
    runId: state.runId,
    status: 'complete',
    objects: state.objects,
    bytes: state.bytes,
    counts: state.counts,
    durationMs,
  };
}
