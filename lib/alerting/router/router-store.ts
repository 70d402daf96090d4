import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { Compactor } from './compactor.ts';
import {
  JournalWriter,
  journalEntryText,
  journalSlotKey,
  type JournalEntry,
  type JournalRecord,
} from './journal-writer.ts';
import { nextDue } from './dispatch.ts';
import { readSnapshot, writeSnapshot } from './snapshot.ts';
import { emptyState, type RouterState } from './state.ts';

/** ChangeOutcome says how a change becomes durable: by a journal entry (an ingest alone) or by a new snapshot. */
export interface ChangeOutcome<T> {
  value: T;
  journal?: JournalEntry;
  /** the request body's own JSON text, spliced into the journal entry instead of serializing the body again. */
  bodyText?: string;
  /**
   * answer once the journal entry is queued rather than written: the contract of Alertmanager's API, whose senders
   * re-send every firing alert each evaluation (see createRouterStore). Ignored while writes are failing or behind.
   */
  answerBeforeWrite?: boolean;
}

/** ChangeWork is a change: it edits the state in place; `checkpoint` saves a snapshot mid-way. */
export type ChangeWork<T> = (state: RouterState, checkpoint: () => Promise<void>) => Promise<ChangeOutcome<T>>;

/** RouterStore keeps the router's state in memory and durable in the state bucket; see createRouterStore. */
export interface RouterStore {
  read(): Promise<RouterState>;
  /** current is the memory copy as it stands, without waiting for queued changes (none before the cold load). */
  current(): RouterState | undefined;
  /** backlog counts the changes queued, running or waiting for their write: what an ingest would wait behind. */
  backlog(): number;
  /** change runs `work` on the state, one change at a time, and answers once the change is durable. */
  change<T>(work: ChangeWork<T>): Promise<T>;
  /**
   * acceptsEarly says whether an ingest may be answered before it is even applied (changeInBackground): the state is
   * loaded, the last write succeeded, and fewer than `earlyBacklog` early ingests are queued or unwritten.
   */
  acceptsEarly(): boolean;
  /**
   * changeInBackground queues `work` like change, for a caller that has already answered: it counts in the early
   * backlog until applied and written; a failure goes to `failed` (the sender's re-send brings the alerts back).
   */
  changeInBackground(work: ChangeWork<unknown>, failed: (err: Error) => void): void;
  /**
   * nextDueAfterIngest is nextDue(state) after an ingest that created groups first due at `firstNewFlushAt`: the due
   * time carried over from the previous ingest, without a scan of every group, as long as only ingests came between.
   */
  nextDueAfterIngest(state: RouterState, firstNewFlushAt: number | undefined): number | undefined;
  /** idle resolves once no change is queued and no journal or snapshot write is in flight (a clean stop, tests). */
  idle(): Promise<void>;
}

/** EARLY_BACKLOG bounds the ingests answered before their journal write: beyond it, answers wait for the write. */
const EARLY_BACKLOG = 64;

/** LoadedState is the memory copy: the state, the stored snapshot's etag and part set, the generation that tells copies apart. */
interface LoadedState {
  value: RouterState;
  etag?: string;
  set?: 'a' | 'b';
  generation: number;
}

/**
 * createRouterStore persists alert-router's state as a snapshot plus a journal (docs/alerting.md#persistence). It is
 * the façade over three units: the memory copy and its one-change-at-a-time queue (here), the JournalWriter (group
 * commit, linger) and the Compactor (background snapshots, quiet timer). A request that only ingests appends to the
 * journal; every other change writes a snapshot before it answers.
 *
 * Concurrency: changes run one at a time in `queue`; the journal writer and a background snapshot write run beside
 * it. A failed write drops the memory copy (`generation` moves on) and fails every change not yet durable with a
 * retryable error, so nothing answered as written is lost; a write started for an older generation never updates the
 * newer copy. An ingest may be answered early (POST /api/v2/alerts, whose senders re-send): before it is applied
 * (changeInBackground) or before its write (`answerBeforeWrite`), only while writes are healthy and fewer than
 * `earlyBacklog` such ingests are queued or unwritten. A lost early write is reported through `onUnstored`.
 *
 * The journal is a ring of `ring` objects overwritten in turn (no deletes: a delete costs a request, and s3rver's
 * directory clean-up races concurrent deletes): a record is never overwritten before a stored snapshot covers it, and
 * an ingest that would do so snapshots in the foreground instead. One writer is assumed (stack.yml); a second one is
 * caught by the snapshot's conditional write where the server honours it (MinIO).
 */
export function createRouterStore(options: {
  state: StateStore;
  replay: (state: RouterState, entry: JournalEntry) => Promise<void> | void;
  ring?: number;
  /** told when ingests answered before their write could not be written (the memory copy is then dropped). */
  onUnstored?: (ingests: number, error: Error) => void;
  /** a record holding only early-answered ingests is written at most this often (ms), 25 by default. */
  lingerMs?: number;
  earlyBacklog?: number;
  /** journal bytes since the last snapshot before one is due when quiet (1 MiB), and due at once (8 MiB). */
  compactBytes?: number;
  journalBoundBytes?: number;
  /** how long without a change makes a quiet moment (ms): 200 by default. */
  quietMs?: number;
}): RouterStore {
  const { state: records } = options;
  const ring = options.ring ?? 1024;
  const earlyBacklog = options.earlyBacklog ?? EARLY_BACKLOG;
  let loaded: LoadedState | undefined;
  let generation = 0;
  /** the journal position and byte count the stored snapshot covers, and that snapshot's size. */
  let covered = { seq: 0, journalBytes: 0, snapshotBytes: 0 };
  /** records replayed at the last cold start: the first change after it snapshots rather than journal on top. */
  let replayedAtLoad = false;
  /** the next due time as the last ingest alone left it (forgotten by any change stored by a snapshot). */
  let dueAfterIngest: { state: RouterState; due: number | undefined } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let changesPending = 0;
  let awaitingWrite = 0;
  let earlyQueued = 0;

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const dropMemoryCopy = (): void => {
    loaded = undefined;
    dueAfterIngest = undefined;
    generation++;
  };
  const journal = new JournalWriter({
    state: records,
    ring,
    lingerMs: options.lingerMs ?? 25,
    onFailure: (error: OpsError, earlyLost: number) => {
      dropMemoryCopy(); // the memory copy holds changes that are not stored
      if (earlyLost > 0) options.onUnstored?.(earlyLost, error);
    },
  });
  const compactor = new Compactor({
    policy: {
      ring,
      compactBytes: options.compactBytes ?? 1 << 20,
      journalBoundBytes: options.journalBoundBytes ?? 8 << 20,
      quietMs: options.quietMs ?? 200,
    },
    enqueue: (work) => void serialized(work).catch(() => undefined),
    changesPending: () => changesPending,
    snapshot: async () => {
      const copy = loaded;
      if (!copy || covered.seq >= journal.lastSeq) return; // dropped, or a snapshot came first
      await snapshotNow(copy);
    },
  });
  const writesSettled = () => journal.drain();

  const load = async (): Promise<LoadedState> => {
    if (loaded) return loaded;
    await writesSettled(); // a write still in flight must be read back, or its records would be missed
    const stored = await readSnapshot(records);
    const value = stored?.value ?? emptyState();
    covered = { ...covered, seq: value.journalSeq ?? 0 };
    // Records newer than the snapshot are numbered on from it, without gaps, in consecutive slots: read them in turn
    // from the slot after the snapshot's and stop at the first that is older or absent (one GET when none is newer,
    // not one per slot of the ring: 1 000 of them cost more than the snapshot itself).
    const newer: JournalRecord[] = [];
    for (let seq = covered.seq + 1; newer.length < ring; seq++) {
      const record = await records.read<JournalRecord>(journalSlotKey(seq, ring));
      if (!record || record.value.seq !== seq) break;
      newer.push(record.value);
    }
    for (const record of newer) for (const entry of record.entries) await options.replay(value, entry);
    journal.continueAfter(covered.seq + newer.length);
    replayedAtLoad = newer.length > 0;
    loaded = {
      value,
      ...(stored ? { etag: stored.stored.etag, ...(stored.stored.set ? { set: stored.stored.set } : {}) } : {}),
      generation,
    };
    return loaded;
  };

  /**
   * snapshotNow writes a snapshot of the memory copy, from inside the change queue: the open journal record is
   * sealed, so everything applied so far is in records ≤ the cut, and those are written before the snapshot is.
   */
  const snapshotNow = async (copy: LoadedState): Promise<void> => {
    copy.value.journalSeq = journal.seal();
    const journalBytes = journal.bytesWritten;
    await writesSettled();
    if (generation !== copy.generation)
      throw opsError('STORAGE_UNAVAILABLE', 'an earlier alert journal write failed: the change was not stored, retry');
    const stored = await writeSnapshot(records, copy.value, {
      ...(copy.etag ? { etag: copy.etag } : {}),
      ...(copy.set ? { set: copy.set } : {}),
    });
    if (generation === copy.generation) Object.assign(copy, { etag: stored.etag, set: stored.set });
    const seq = copy.value.journalSeq;
    if (seq >= covered.seq) covered = { seq, journalBytes, snapshotBytes: stored.bytes };
    replayedAtLoad = false;
  };

  const store: RouterStore = {
    read: () =>
      loaded && changesPending === 0 ? Promise.resolve(loaded.value) : serialized(async () => (await load()).value),
    current: () => loaded?.value,
    backlog: () => changesPending + awaitingWrite,
    acceptsEarly: () => loaded !== undefined && journal.healthy && journal.earlyUnwritten + earlyQueued < earlyBacklog,
    nextDueAfterIngest(state, firstNewFlushAt) {
      const before = dueAfterIngest?.state === state ? dueAfterIngest.due : nextDue(state);
      const due = Math.min(before ?? Infinity, firstNewFlushAt ?? Infinity);
      dueAfterIngest = { state, due: due === Infinity ? undefined : due };
      return dueAfterIngest.due;
    },
    changeInBackground(work, failed) {
      earlyQueued++;
      // the change runs on the next turn of the event loop, once the caller's answer has gone out: the sender reads it
      // and sends its next request while this one is applied, instead of after
      const afterAnswer: typeof work = async (state, checkpoint) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return work(state, checkpoint);
      };
      store.change(afterAnswer).then(
        () => earlyQueued--,
        (err: Error) => {
          earlyQueued--;
          failed(err);
        },
      );
    },
    async change(work) {
      let durable: Promise<void> | undefined;
      changesPending++;
      compactor.noteChange();
      const value = await serialized(async () => {
        try {
          const copy = await load();
          const outcome = await work(copy.value, () => snapshotNow(copy));
          // records since the stored snapshot, counting the one this entry may open: record s reuses the slot of
          // s - ring, which a stored snapshot must cover
          const recordsInUse = journal.lastSeq + 1 - covered.seq;
          if (outcome.journal && !replayedAtLoad && recordsInUse <= ring) {
            const early =
              outcome.answerBeforeWrite === true && journal.healthy && journal.earlyUnwritten < earlyBacklog;
            const written = journal.append(journalEntryText(outcome.journal, outcome.bodyText), early);
            if (early)
              written.catch(() => undefined); // reported through onUnstored
            else durable = written;
            compactor.afterAppend({
              recordsInUse,
              bytesSinceSnapshot: journal.bytesWritten - covered.journalBytes,
              snapshotBytes: covered.snapshotBytes,
            });
          } else {
            dueAfterIngest = undefined; // a change other than an ingest alone may move the next due time
            await snapshotNow(copy);
          }
          return outcome.value;
        } catch (err) {
          dropMemoryCopy();
          throw err;
        } finally {
          changesPending--;
        }
      });
      if (durable) {
        awaitingWrite++;
        await durable.finally(() => awaitingWrite--);
      }
      return value;
    },
    async idle() {
      await serialized(async () => undefined);
      await writesSettled();
    },
  };
  return store;
}
