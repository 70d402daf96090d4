import { opsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { BodyBuilder, type PreparedBody } from '#lib/storage/prepared-body.ts';
import type { Alert } from '../alert.ts';
import { emptyState, stateTextInSlices, type RouterState } from './state.ts';

/** SNAPSHOT_KEY is the router's whole state; JOURNAL_PREFIX holds the ingests made since that snapshot. */
export const SNAPSHOT_KEY = 'alert-router/state.json';
export const JOURNAL_PREFIX = 'alert-router/journal/';

/**
 * JournalEntry is one ingest as it was applied: replaying it on the snapshot gives the same state (ingest is pure).
 * It holds either the normalized alerts or the request body they were normalized from, with the time and resolve
 * timeout that normalization used.
 */
export type JournalEntry = { now: number; alerts: Alert[] } | { now: number; resolveTimeoutMs: number; body: unknown };

/** JournalRecord is one journal write: the ingests that arrived while the write before it was in flight. */
interface JournalRecord {
  seq: number;
  entries: JournalEntry[];
}

/** ChangeOutcome says how a change becomes durable: by a journal entry (an ingest alone) or by a new snapshot. */
export interface ChangeOutcome<T> {
  value: T;
  journal?: JournalEntry;
  /** the journal entry as JSON text, when the caller has it (a request body is not serialized again). */
  journalText?: string;
  /**
   * answer once the journal entry is queued rather than written: the contract of Alertmanager's API, whose senders
   * re-send every firing alert each evaluation (see createRouterStore). Ignored while writes are failing or behind.
   */
  answerBeforeWrite?: boolean;
}

/** RouterStore keeps the router's state in memory and durable in the state bucket; see createRouterStore. */
export interface RouterStore {
  read(): Promise<RouterState>;
  /**
   * change runs `work` on the state, one change at a time, and answers once the change is durable. `checkpoint`
   * saves a snapshot mid-way (after a decision, before delivering it).
   */
  change<T>(work: (state: RouterState, checkpoint: () => Promise<void>) => Promise<ChangeOutcome<T>>): Promise<T>;
  /**
   * acceptsEarly says whether an ingest may be answered before it is even applied (changeInBackground): the state is
   * loaded, the last write succeeded, and fewer than `earlyBacklog` early ingests are queued or unwritten.
   */
  acceptsEarly(): boolean;
  /**
   * changeInBackground queues `work` like change, for a caller that has already answered: it counts in the early
   * backlog until applied and written; a failure goes to `failed` (the sender's re-send brings the alerts back).
   */
  changeInBackground(work: (state: RouterState, checkpoint: () => Promise<void>) => Promise<ChangeOutcome<unknown>>, failed: (err: Error) => void): void;
  /** idle resolves once no change is queued and no journal or snapshot write is in flight (a clean stop, tests). */
  idle(): Promise<void>;
}

/** Batch is a journal record being gathered: its entries as JSON text (the entries themselves are not kept). */
type Batch = { seq: number; texts: string[]; settles: Array<(err?: unknown) => void>; early: number };

/** EARLY_BACKLOG bounds the ingests answered before their journal write: beyond it, answers wait for the write. */
const EARLY_BACKLOG = 64;
/** MIN_COMPACT_BYTES: below this much journal since the last snapshot, only the ring's fill starts a snapshot. */
const MIN_COMPACT_BYTES = 1 << 20;
/** MAX_JOURNAL_BYTES: past this much journal since the last snapshot (and twice that snapshot), one starts at once. */
const MAX_JOURNAL_BYTES = 8 << 20;
/** QUIET_MS: a snapshot due only by the journal's size waits until no change has come for this long. */
const QUIET_MS = 200;

/**
 * createRouterStore persists alert-router's state as a snapshot plus a journal. Alertmanager keeps alerts in memory
 * only, and rewriting a snapshot of thousands of alerts on every request made the cost grow with the state. So a
 * request that only ingests appends its alerts to the journal: ingests that arrive while a journal write is in flight
 * share the next one (group commit), each answered when the write holding it lands. Every other change (a tick, a
 * flush decision, a delivery, a silence, an ack) writes a snapshot before it answers. A background snapshot is cut at
 * a journal record boundary once half the ring is in use, or once the journal written since the last snapshot
 * outgrows that snapshot (as Redis rewrites its append-only file): snapshots then cost no more than the journal,
 * whatever the size of the state. That second kind waits for a quiet moment (`quietMs` without a change): an alert
 * storm is when answers matter most, and a snapshot cut meanwhile holds them up. It waits until the journal since
 * the last snapshot reaches twice that snapshot and at least `journalBoundBytes` (8 MiB), the most a cold start
 * then replays.
 *
 * An ingest may be answered early: POST /api/v2/alerts, whose senders re-send every firing alert each evaluation and
 * resolved ones for minutes (Alertmanager's API contract; Alertmanager itself keeps alerts in memory only). Either
 * the caller answers before the change runs (changeInBackground), or the change asks to be answered before its
 * write (`answerBeforeWrite`). Such an answer means "accepted": the records of accepted ingests linger up to
 * `lingerMs` to share a write, a stop waits for them (`idle`), and only a crash inside that window loses them until
 * the sender's next re-send. Early answers are given only while the last write succeeded and fewer than
 * `earlyBacklog` such ingests are queued or unwritten; otherwise an ingest waits for its write like any other. A lost
 * early write is reported through `onUnstored`.
 *
 * The journal is a ring of `ring` objects overwritten in turn (no deletes: a delete costs a request, and s3rver's
 * directory clean-up races concurrent deletes): a record is never overwritten before a stored snapshot covers it,
 * and an ingest that would do so waits for a snapshot instead. A cold start reads the snapshot and replays the
 * records newer than it, in order. A failed write drops the memory copy and fails every change not yet durable with a
 * retryable error, so nothing answered as written is lost. One writer is assumed (stack.yml); a second one is caught
 * by the snapshot's conditional write where the server honours it (MinIO).
 */
export function createRouterStore(options: {
  state: StateStore;
  replay: (state: RouterState, entry: JournalEntry) => Promise<void> | void;
  ring?: number;
  /** told when ingests answered before their write could not be written (the memory copy is then dropped). */
  onUnstored?: (ingests: number, error: Error) => void;
  /** a record holding only early-answered ingests is written at most this often (ms), to gather more of them per write: 25 by default. */
  lingerMs?: number;
  earlyBacklog?: number;
  /** journal bytes since the last snapshot before one is due when quiet (1 MiB), and due at once (8 MiB), see above. */
  compactBytes?: number;
  journalBoundBytes?: number;
  /** how long without a change makes a quiet moment (ms): 200 by default. */
  quietMs?: number;
}): RouterStore {
  const { state: records } = options;
  const ring = options.ring ?? 1024;
  const lingerMs = options.lingerMs ?? 25;
  const earlyBacklog = options.earlyBacklog ?? EARLY_BACKLOG;
  const compactBytes = options.compactBytes ?? MIN_COMPACT_BYTES;
  const journalBoundBytes = options.journalBoundBytes ?? MAX_JOURNAL_BYTES;
  const quietMs = options.quietMs ?? QUIET_MS;
  const slotKey = (seq: number) => `${JOURNAL_PREFIX}${String(seq % ring).padStart(4, '0')}.json`;
  let cached: { value: RouterState; etag?: string; generation: number } | undefined;
  let generation = 0;
  let nextSeq = 1;
  /** the journal position the stored snapshot includes. */
  let coveredSeq = 0;
  let replayedAtLoad = false;
  let batches: Batch[] = []; // not yet written, in order; the last one may still take entries
  let open: Batch | undefined;
  let flushing: Promise<void> | undefined;
  let compacting: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** false after a failed write, until a write succeeds: no early answers meanwhile. */
  let writesHealthy = true;
  let earlyUnwritten = 0;
  /** journal bytes written in all, the part the stored snapshot covers, and that snapshot's size. */
  let journalBytes = 0;
  let coveredBytes = 0;
  let snapshotBytes = 0;
  let lastWriteAt = -Infinity;
  /** ends the linger of the record being gathered: an ingest that waits for its write has joined it. */
  let wake: (() => void) | undefined;
  /** how many are waiting for the writes (a stop, a cold load): meanwhile nothing lingers, what is queued goes now. */
  let hurried = 0;

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const retryable = (why: string) => opsError('STORAGE_UNAVAILABLE', why);
  const drop = (): void => {
    cached = undefined;
    generation++;
  };

  // One journal write at a time; what arrives meanwhile goes in the next one.
  const flush = (): Promise<void> => {
    if (!flushing && batches.length > 0) {
      flushing = (async () => {
        while (batches.length > 0) {
          const batch = batches[0]!;
          const lingering = lastWriteAt + lingerMs - performance.now();
          if (batch.early === batch.texts.length && lingering > 0 && hurried === 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, lingering);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
          if (batch === open) open = undefined; // sealed: later entries start the next record
          lastWriteAt = performance.now();
          try {
            // a JournalRecord: {"seq":…,"entries":[…]}, each entry's text given or serialized at enqueue
            const text = `{"seq":${batch.seq},"entries":[${batch.texts.join(',')}]}\n`;
            await records.writeText(slotKey(batch.seq), text);
            journalBytes += text.length;
            writesHealthy = true;
            earlyUnwritten -= batch.early;
            batches.shift();
            for (const settle of batch.settles) settle();
          } catch (err) {
            // the memory copy holds changes that are not stored: forget it, and fail what is queued behind this write
            drop();
            writesHealthy = false;
            const failed = batches;
            batches = [];
            open = undefined;
            const error = retryable(`the alert journal could not be written: ${(err as Error).message}`);
            const early = failed.reduce((n, b) => n + b.early, 0);
            earlyUnwritten -= early;
            if (early > 0) options.onUnstored?.(early, error);
            for (const b of failed) for (const settle of b.settles) settle(error);
          }
        }
        flushing = undefined;
      })();
    }
    return flushing ?? Promise.resolve();
  };
  const writesSettled = async (): Promise<void> => {
    hurried++;
    try {
      while (flushing || batches.length > 0 || compacting) {
        wake?.();
        await Promise.all([flush(), compacting]);
      }
    } finally {
      hurried--;
    }
  };
  const enqueue = (entry: JournalEntry, text: string | undefined, early: boolean): Promise<void> => {
    if (!open) {
      open = { seq: nextSeq++, texts: [], settles: [], early: 0 };
      batches.push(open);
    }
    const batch = open;
    batch.texts.push(text ?? JSON.stringify(entry));
    if (early) {
      batch.early++;
      earlyUnwritten++;
    } else wake?.();
    const durable = new Promise<void>((resolve, reject) => batch.settles.push((err) => (err ? reject(err) : resolve())));
    void flush();
    return durable;
  };

  const load = async (): Promise<{ value: RouterState; generation: number }> => {
    if (cached) return cached;
    await writesSettled(); // a write still in flight must be read back, or its records would be missed
    const stored = await records.read<RouterState>(SNAPSHOT_KEY);
    const value = stored?.value ?? emptyState();
    coveredSeq = value.journalSeq ?? 0;
    const keys: string[] = [];
    for await (const key of records.list(JOURNAL_PREFIX)) keys.push(key);
    const newer: JournalRecord[] = [];
    for (let i = 0; i < keys.length; i += 16) {
      for (const record of await Promise.all(keys.slice(i, i + 16).map((key) => records.read<JournalRecord>(key)))) {
        if (record && record.value.seq > coveredSeq) newer.push(record.value);
      }
    }
    newer.sort((a, b) => a.seq - b.seq);
    for (const record of newer) for (const entry of record.entries) await options.replay(value, entry);
    nextSeq = Math.max(coveredSeq, ...newer.map((r) => r.seq)) + 1;
    replayedAtLoad = newer.length > 0;
    cached = { value, ...(stored ? { etag: stored.etag } : {}), generation };
    return cached;
  };

  const writeSnapshot = async (taken: Cut, loadedAt: number): Promise<void> => {
    const { etag } = await records.writeText(SNAPSHOT_KEY, taken.body, cached?.etag ? { ifMatch: cached.etag } : {});
    if (cached && generation === loadedAt) cached.etag = etag;
    if (taken.cut >= coveredSeq) {
      coveredSeq = taken.cut;
      coveredBytes = taken.bytes;
      snapshotBytes = taken.body.length;
    }
  };
  // A snapshot is cut at a record boundary: the open record is sealed, so everything applied so far is in records ≤ cut.
  type Cut = { body: PreparedBody; cut: number; bytes: number };
  const cutPoint = (value: RouterState): Omit<Cut, 'body'> => {
    open = undefined;
    value.journalSeq = nextSeq - 1;
    return { cut: nextSeq - 1, bytes: journalBytes };
  };
  /** snapshotBody serializes the state a slice at a time (state.ts), into hashed chunks ready for the PUT. */
  const snapshotBody = async (value: RouterState): Promise<PreparedBody> => {
    const body = new BodyBuilder();
    for await (const piece of stateTextInSlices(value)) body.add(piece);
    body.add('\n');
    return body.done();
  };
  // called from inside the change queue: nothing changes the state while it is cut, though answers go on
  const cut = async (value: RouterState): Promise<Cut> => ({ ...cutPoint(value), body: await snapshotBody(value) });
  const snapshotNow = async (value: RouterState, loadedAt: number): Promise<void> => {
    await writesSettled();
    if (generation !== loadedAt) throw retryable('an earlier alert journal write failed: the change was not stored, retry');
    await writeSnapshot(await cut(value), loadedAt);
    replayedAtLoad = false;
  };
  const compactSoon = (loadedAt: number): void => {
    if (!compacting && !compactionQueued) compactInBackground(loadedAt);
  };
  // One timer waits for a quiet moment; each change only notes its time, and the timer sleeps on while changes come.
  let lastChangeAt = 0;
  let quietTimer: ReturnType<typeof setTimeout> | undefined;
  const compactWhenQuiet = (loadedAt: number): void => {
    if (quietTimer) return;
    const check = () => {
      const quietFor = performance.now() - lastChangeAt;
      if (quietFor < quietMs) {
        quietTimer = setTimeout(check, quietMs - quietFor).unref();
        return;
      }
      quietTimer = undefined;
      if (changesPending === 0) compactSoon(loadedAt);
      else compactWhenQuiet(loadedAt);
    };
    quietTimer = setTimeout(check, quietMs).unref();
  };
  // A background snapshot is cut from inside the change queue, a slice of alerts per event-loop turn: requests are
  // still read and answered meanwhile (accepted ingests queue up), and no change alters the state mid-cut. Its write
  // then runs outside the queue, and only that write is what writesSettled waits for: a change waiting for a cut
  // queued behind it would wait for ever.
  let compactionQueued = false;
  const compactInBackground = (loadedAt: number): void => {
    compactionQueued = true;
    serialized(async () => {
      compactionQueued = false;
      if (!cached || generation !== loadedAt || coveredSeq >= nextSeq - 1) return; // dropped, or a snapshot came first
      const taken = await cut(cached.value);
      compacting = (async () => {
        try {
          while (batches.some((b) => b.seq <= taken.cut)) await flush();
          if (generation === loadedAt) await writeSnapshot(taken, loadedAt);
        } catch {
          // left to the next compaction; an ingest that would overrun the ring snapshots in the foreground and reports it
        } finally {
          compacting = undefined;
        }
      })();
    }).catch(() => undefined);
  };

  /** changes queued or running: a read waits for them, so an answered ingest is seen by the next read. */
  let changesPending = 0;
  let earlyQueued = 0;
  const store: RouterStore = {
    read: () => (cached && changesPending === 0 ? Promise.resolve(cached.value) : serialized(async () => (await load()).value)),
    acceptsEarly: () => cached !== undefined && writesHealthy && earlyUnwritten + earlyQueued < earlyBacklog,
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
      lastChangeAt = performance.now();
      const value = await serialized(async () => {
        try {
          const current = await load();
          const outcome = await work(current.value, () => snapshotNow(current.value, current.generation));
          // the records since the stored snapshot, counting the one this entry may open: record s reuses the slot of
          // s - ring, which a stored snapshot must cover
          const inUse = nextSeq - coveredSeq;
          if (outcome.journal && !replayedAtLoad && inUse <= ring) {
            const early = outcome.answerBeforeWrite === true && writesHealthy && earlyUnwritten < earlyBacklog;
            const written = enqueue(outcome.journal, outcome.journalText, early);
            if (early) written.catch(() => undefined); // reported through onUnstored
            else durable = written;
            const sinceSnapshot = journalBytes - coveredBytes;
            if (inUse >= ring / 2 || sinceSnapshot >= Math.max(2 * snapshotBytes, journalBoundBytes)) compactSoon(current.generation);
            else if (sinceSnapshot >= Math.max(snapshotBytes, compactBytes)) compactWhenQuiet(current.generation);
          } else {
            await snapshotNow(current.value, current.generation);
          }
          return outcome.value;
        } catch (err) {
          drop();
          throw err;
        } finally {
          changesPending--;
        }
      });
      await durable;
      return value;
    },
    async idle() {
      await serialized(async () => undefined);
      await writesSettled();
    },
  };
  return store;
}
