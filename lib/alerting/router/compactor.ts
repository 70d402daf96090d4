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
 * only postpones by noting its time); queued (the cut waits its turn in the change queue); writing (the cut is taken
 * and its write is in flight). At most one snapshot is queued or written at a time.
 *
 * The cut runs inside the router's one-change-at-a-time queue (`enqueue`), so no change alters the state mid-cut;
 * `cut` returns the write to start (or nothing when a snapshot came first), which runs outside the queue. Only that
 * write is what `writing` exposes: a change that waited for a cut queued behind it would wait for ever.
 */
export class Compactor {
  readonly #policy: CompactionPolicy;
  readonly #enqueue: (work: () => Promise<void>) => void;
  readonly #cut: () => Promise<(() => Promise<void>) | undefined>;
  /** changes queued or running: the quiet moment waits for none to be left. */
  readonly #changesPending: () => number;
  #lastChangeAt = 0;
  #quietTimer: ReturnType<typeof setTimeout> | undefined;
  #queued = false;
  #writing: Promise<void> | undefined;

  constructor(options: {
    policy: CompactionPolicy;
    enqueue: (work: () => Promise<void>) => void;
    cut: () => Promise<(() => Promise<void>) | undefined>;
    changesPending: () => number;
  }) {
    this.#policy = options.policy;
    this.#enqueue = options.enqueue;
    this.#cut = options.cut;
    this.#changesPending = options.changesPending;
  }

  /** writing is the background snapshot write in flight, if any. */
  get writing(): Promise<void> | undefined {
    return this.#writing;
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

  /** start queues a background snapshot unless one is queued or being written. */
  start(): void {
    if (this.#queued || this.#writing) return;
    this.#queued = true;
    this.#enqueue(async () => {
      this.#queued = false;
      const write = await this.#cut();
      if (!write) return;
      this.#writing = write()
        .catch(() => undefined) // left to the next compaction; an ingest that would overrun the ring snapshots in the foreground
        .finally(() => {
          this.#writing = undefined;
        });
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
