import { opsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import type { Alert } from '../alert.ts';
import { emptyState, type RouterState } from './state.ts';

/** SNAPSHOT_KEY is the router's whole state; JOURNAL_PREFIX holds the ingests made since that snapshot. */
export const SNAPSHOT_KEY = 'alert-router/state.json';
export const JOURNAL_PREFIX = 'alert-router/journal/';

/** JournalEntry is one ingest as it was applied: replaying it on the snapshot gives the same state (ingest is pure). */
export interface JournalEntry {
  now: number;
  alerts: Alert[];
}

/** ChangeOutcome says how a change becomes durable: by a journal entry (an ingest alone) or by a new snapshot. */
export interface ChangeOutcome<T> {
  value: T;
  journal?: JournalEntry;
}

/** RouterStore keeps the router's state in memory and durable in the state bucket; see createRouterStore. */
export interface RouterStore {
  read(): Promise<RouterState>;
  /**
   * change runs `work` on the state, one change at a time, and answers once the change is durable. `checkpoint`
   * saves a snapshot mid-way (after a decision, before delivering it).
   */
  change<T>(work: (state: RouterState, checkpoint: () => Promise<void>) => Promise<ChangeOutcome<T>>): Promise<T>;
}

const journalKey = (seq: number) => `${JOURNAL_PREFIX}${String(seq).padStart(12, '0')}.json`;
const seqOf = (key: string) => Number(key.slice(JOURNAL_PREFIX.length).replace(/\.json$/, ''));

/**
 * createRouterStore persists alert-router's state as a snapshot plus a journal. Alertmanager keeps alerts in memory
 * only; the router answers an ingest only once it is stored, and rewriting a snapshot of thousands of alerts on
 * every request made that cost grow with the state. So a request that only ingests appends its alerts to the
 * journal: ingests that arrive while a journal write is in flight share the next one (group commit), each answered
 * when the write holding it lands. Every other change (a tick, a flush decision, a delivery, a silence, an ack), and
 * an ingest once `maxJournal` writes have piled up, writes a snapshot that covers the journal, which is then pruned.
 * A cold start reads the snapshot and replays the journal written after it. A failed write drops the memory copy and
 * fails every change not yet durable with a retryable error, so nothing is acknowledged that a restart would lose.
 */
export function createRouterStore(options: { state: StateStore; replay: (state: RouterState, entry: JournalEntry) => Promise<void> | void; maxJournal?: number }): RouterStore {
  const { state: records } = options;
  const maxJournal = options.maxJournal ?? 200;
  let cached: { value: RouterState; etag?: string; generation: number } | undefined;
  let generation = 0;
  let nextSeq = 1;
  let written: number[] = []; // journal writes not yet covered by a snapshot
  let stale: string[] = []; // journal objects a snapshot covers, to remove
  let pending: Array<{ entry: JournalEntry; settle: (err?: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const drop = (): void => {
    cached = undefined;
    generation++;
  };

  const load = async (): Promise<{ value: RouterState; generation: number }> => {
    if (cached) return cached;
    await drain(); // a write still in flight must be in the listing, or its records would be missed and reused
    const stored = await records.read<RouterState>(SNAPSHOT_KEY);
    const value = stored?.value ?? emptyState();
    const covered = value.journalSeq ?? 0;
    const keys: string[] = [];
    for await (const key of records.list(JOURNAL_PREFIX)) if (/^\d{12}\.json$/.test(key.slice(JOURNAL_PREFIX.length))) keys.push(key);
    keys.sort();
    written = [];
    stale = [];
    for (const key of keys) {
      const seq = seqOf(key);
      if (seq <= covered) {
        stale.push(key);
        continue;
      }
      const record = await records.read<{ entries: JournalEntry[] }>(key);
      for (const entry of record?.value.entries ?? []) await options.replay(value, entry);
      written.push(seq);
    }
    nextSeq = Math.max(covered, ...keys.map(seqOf)) + 1;
    cached = { value, ...(stored ? { etag: stored.etag } : {}), generation };
    return cached;
  };

  // One journal write at a time; what arrives meanwhile goes in the next one.
  const flush = (): Promise<void> => {
    if (flushing || pending.length === 0) return flushing ?? Promise.resolve();
    const batch = pending;
    pending = [];
    const seq = nextSeq++;
    flushing = (async () => {
      try {
        // create-only: where the server honours it (MinIO), a second router writing the same record is a CONFLICT
        await records.write(journalKey(seq), { entries: batch.map((b) => b.entry) }, { ifNoneMatch: '*' });
        written.push(seq);
        for (const b of batch) b.settle();
      } catch (err) {
        // the memory copy holds changes that are not stored: forget it, and fail what is queued behind this write too
        drop();
        const failed = [...batch, ...pending];
        pending = [];
        const retryable = opsError('STORAGE_UNAVAILABLE', `the alert journal could not be written: ${(err as Error).message}`);
        for (const b of failed) b.settle(retryable);
      } finally {
        flushing = undefined;
      }
      await flush();
    })();
    return flushing;
  };
  const drain = async (): Promise<void> => {
    while (flushing || pending.length) await flush();
  };

  const prune = async (): Promise<void> => {
    const keys = stale;
    stale = [];
    for (let i = 0; i < keys.length; i += 8) {
      const results = await Promise.allSettled(keys.slice(i, i + 8).map((key) => records.remove(key)));
      results.forEach((r, j) => r.status === 'rejected' && stale.push(keys[i + j]!));
    }
  };

  const snapshot = async (value: RouterState, loadedAt: number): Promise<void> => {
    await drain();
    if (generation !== loadedAt) throw opsError('STORAGE_UNAVAILABLE', 'an earlier alert journal write failed: the change was not stored, retry');
    const covered = written;
    value.journalSeq = Math.max(value.journalSeq ?? 0, ...covered);
    const { etag } = await records.write(SNAPSHOT_KEY, value, cached?.etag ? { ifMatch: cached.etag } : {});
    cached = { value, etag, generation };
    written = [];
    stale.push(...covered.map(journalKey));
  };

  return {
    read: () => (cached ? Promise.resolve(cached.value) : serialized(async () => (await load()).value)),
    async change(work) {
      let durable: Promise<void> | undefined;
      const value = await serialized(async () => {
        try {
          const current = await load();
          const outcome = await work(current.value, () => snapshot(current.value, current.generation));
          if (outcome.journal && written.length + 1 < maxJournal) {
            durable = new Promise<void>((resolve, reject) => pending.push({ entry: outcome.journal!, settle: (err) => (err ? reject(err) : resolve()) }));
            void flush();
          } else {
            await snapshot(current.value, current.generation);
            await prune();
          }
          return outcome.value;
        } catch (err) {
          drop();
          throw err;
        }
      });
      await durable;
      return value;
    },
  };
}
