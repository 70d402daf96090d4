/** CompactionPolicy says when the journal written since the last snapshot calls for a background snapshot. */
export interface CompactionPolicy {
  /** journal records in the ring: at half of them, a snapshot starts at once. */
  ring: number;
  /** below this much journal since the last snapshot, only the ring's fill starts one (1 MiB). */
  compactBytes: number;
  /** past this much journal (and twice the last snapshot), one starts at once, quiet or not (8 MiB). */
  journalBoundBytes: number;
  /** how long without a change makes a quiet moment (ms). */
  quietMs: number;
}

/** JournalUse is where the journal stands after an append, as the compactor weighs it. */
export interface JournalUse {
  /** records since the stored snapshot, counting the open one. */
  recordsInUse: number;
  /** journal bytes written since the stored snapshot. */
  bytesSinceSnapshot: number;
  /** the stored snapshot's size. */
  snapshotBytes: number;
}

/** compactionDue is the policy alone: `now`, `when-quiet` or nothing. */
export function compactionDue(use: JournalUse, policy: CompactionPolicy): 'now' | 'when-quiet' | undefined {
  if (use.recordsInUse >= policy.ring / 2) return 'now';
  if (use.bytesSinceSnapshot >= Math.max(2 * use.snapshotBytes, policy.journalBoundBytes)) return 'now';
  if (use.bytesSinceSnapshot >= Math.max(use.snapshotBytes, policy.compactBytes)) return 'when-quiet';
  return undefined;
}

/**
 * Compactor starts background snapshots. Its states: idle; waiting for a quiet moment (one timer, which each change
 * only postpones by noting its time); queued (the snapshot waits its turn in the change queue). At most one is
 * queued at a time. The snapshot runs inside the router's one-change-at-a-time queue (`enqueue`), so no change
 * alters the state while it is written part by part (snapshot.ts); accepted ingests are still answered meanwhile.
 */
export class Compactor {
  readonly #policy: CompactionPolicy;
  readonly #enqueue: (work: () => Promise<void>) => void;
  readonly #snapshot: () => Promise<void>;
  /** changes queued or running: the quiet moment waits for none to be left. */
  readonly #changesPending: () => number;
  #lastChangeAt = 0;
  #quietTimer: ReturnType<typeof setTimeout> | undefined;
  #queued = false;

  constructor(options: {
    policy: CompactionPolicy;
    enqueue: (work: () => Promise<void>) => void;
    snapshot: () => Promise<void>;
    changesPending: () => number;
  }) {
    this.#policy = options.policy;
    this.#enqueue = options.enqueue;
    this.#snapshot = options.snapshot;
    this.#changesPending = options.changesPending;
  }

  /** queued says whether a background snapshot waits its turn. */
  get queued(): boolean {
    return this.#queued;
  }

  /** noteChange records that a change came: the quiet moment starts over. */
  noteChange(): void {
    this.#lastChangeAt = performance.now();
  }

  /** afterAppend weighs the journal after an append and starts a snapshot now, or once quiet, as the policy says. */
  afterAppend(use: JournalUse): void {
    const due = compactionDue(use, this.#policy);
    if (due === 'now') this.start();
    else if (due === 'when-quiet') this.#startWhenQuiet();
  }

  /** start queues a background snapshot unless one is queued already. */
  start(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#enqueue(async () => {
      this.#queued = false;
      // a failure is left to the next compaction; an ingest that would overrun the ring snapshots in the foreground
      await this.#snapshot().catch(() => undefined);
    });
  }

  #startWhenQuiet(): void {
    if (this.#quietTimer) return;
    const check = () => {
      const quietFor = performance.now() - this.#lastChangeAt;
      if (quietFor < this.#policy.quietMs) {
        this.#quietTimer = setTimeout(check, this.#policy.quietMs - quietFor).unref();
        return;
      }
      this.#quietTimer = undefined;
      if (this.#changesPending() === 0) this.start();
      else this.#startWhenQuiet();
    };
    this.#quietTimer = setTimeout(check, this.#policy.quietMs).unref();
  }
}
