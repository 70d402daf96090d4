import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import type { Alert } from '../alert.ts';

/** JOURNAL_PREFIX holds the ingests made since the last snapshot, a ring of records overwritten in turn. */
export const JOURNAL_PREFIX = 'alert-router/journal/';

/**
 * JournalEntry is one ingest as it was applied: replaying it on the snapshot gives the same state (ingest is pure).
 * It holds either the normalized alerts or the request body they were normalized from, with the time and resolve
 * timeout that normalization used.
 */
export type JournalEntry = { now: number; alerts: Alert[] } | { now: number; resolveTimeoutMs: number; body: unknown };

/** JournalRecord is one journal write: the ingests that arrived while the write before it was in flight. */
export interface JournalRecord {
  seq: number;
  entries: JournalEntry[];
}

/**
 * journalEntryText is an entry as JSON; given the request body's own text (valid JSON: it was just parsed), it is
 * spliced in as it came rather than serialized a second time.
 */
export function journalEntryText(entry: JournalEntry, bodyText?: string): string {
  if (bodyText === undefined || !('body' in entry)) return JSON.stringify(entry);
  return `{"now":${entry.now},"resolveTimeoutMs":${entry.resolveTimeoutMs},"body":${bodyText}}`;
}

/** journalSlotKey is the ring object a record goes to. */
export const journalSlotKey = (seq: number, ring: number): string =>
  `${JOURNAL_PREFIX}${String(seq % ring).padStart(4, '0')}.json`;

/** PendingRecord is a record not yet written: its entries as JSON text, who waits for it, how many were answered early. */
interface PendingRecord {
  seq: number;
  texts: string[];
  settles: Array<(err?: OpsError) => void>;
  early: number;
}

/**
 * JournalWriter appends entries to the journal ring, one write at a time: entries that arrive while a write is in
 * flight share the next record (group commit). A record holding only early-answered entries lingers up to `lingerMs`
 * after the previous write to gather more; an entry whose caller waits for it, or a drain, ends the linger.
 *
 * Its states: idle (nothing pending), gathering (an open record, no write yet), writing (one record in flight; the
 * open one, if any, waits behind it). Only `flushLoop` writes; `seal` closes the open record so that later entries
 * start the next one (a snapshot is cut at that boundary). A failed write fails every pending record with a
 * retryable error and reports it through `onFailure`; the writer is then unhealthy until a write succeeds, and the
 * next record reuses the failed one's number, so the records written are always numbered without gaps.
 */
export class JournalWriter {
  readonly #state: StateStore;
  readonly #ring: number;
  readonly #lingerMs: number;
  readonly #onFailure: (error: OpsError, earlyLost: number) => void;
  #pending: PendingRecord[] = [];
  #open: PendingRecord | undefined;
  #writing: Promise<void> | undefined;
  #nextSeq = 1;
  #bytesWritten = 0;
  #healthy = true;
  #earlyUnwritten = 0;
  #lastWriteAt = -Infinity;
  #endLinger: (() => void) | undefined;
  /** callers draining the writer (a stop, a cold load, a snapshot): nothing lingers while there are any. */
  #drainers = 0;

  constructor(options: {
    state: StateStore;
    ring: number;
    lingerMs: number;
    onFailure: (error: OpsError, earlyLost: number) => void;
  }) {
    this.#state = options.state;
    this.#ring = options.ring;
    this.#lingerMs = options.lingerMs;
    this.#onFailure = options.onFailure;
  }

  /** lastSeq is the last record number handed out (written or pending). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }
  /** bytesWritten counts the journal text written since the process started. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }
  /** healthy is false after a failed write, until a write succeeds. */
  get healthy(): boolean {
    return this.#healthy;
  }
  /** earlyUnwritten counts entries answered before their write whose record has not landed. */
  get earlyUnwritten(): number {
    return this.#earlyUnwritten;
  }
  /** busy says whether a record is pending or being written. */
  get busy(): boolean {
    return this.#writing !== undefined || this.#pending.length > 0;
  }

  /** continueAfter sets the next record number after what a cold start found stored. */
  continueAfter(seq: number): void {
    this.#nextSeq = seq + 1;
  }

  /** seal closes the open record: everything appended so far is in records ≤ the returned number. */
  seal(): number {
    this.#open = undefined;
    return this.lastSeq;
  }

  /** pendingUpTo says whether a record numbered ≤ seq is still unwritten. */
  pendingUpTo(seq: number): boolean {
    return this.#pending.some((r) => r.seq <= seq);
  }

  /** append adds an entry's text to the open record; the promise settles when that record is written (or fails). */
  append(text: string, early: boolean): Promise<void> {
    if (!this.#open) {
      this.#open = { seq: this.#nextSeq++, texts: [], settles: [], early: 0 };
      this.#pending.push(this.#open);
    }
    const record = this.#open;
    record.texts.push(text);
    if (early) {
      record.early++;
      this.#earlyUnwritten++;
    } else this.#endLinger?.();
    const written = new Promise<void>((resolve, reject) =>
      record.settles.push((err) => (err ? reject(err) : resolve())),
    );
    void this.flush();
    return written;
  }

  /** flush starts writing what is pending (unless a write runs already) and resolves when nothing is. */
  flush(): Promise<void> {
    if (!this.#writing && this.#pending.length > 0) {
      this.#writing = this.#flushLoop();
    }
    return this.#writing ?? Promise.resolve();
  }

  /** drain writes everything pending at once (no linger), also waiting for `alsoWaitFor`'s work (a snapshot write). */
  async drain(alsoWaitFor: () => Promise<void> | undefined = () => undefined): Promise<void> {
    this.#drainers++;
    try {
      for (let other = alsoWaitFor(); this.busy || other; other = alsoWaitFor()) {
        this.#endLinger?.();
        await Promise.all([this.flush(), other]);
      }
    } finally {
      this.#drainers--;
    }
  }

  async #flushLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const record = this.#pending[0]!;
      const lingering = this.#lastWriteAt + this.#lingerMs - performance.now();
      if (record.early === record.texts.length && lingering > 0 && this.#drainers === 0) await this.#linger(lingering);
      if (record === this.#open) this.#open = undefined; // sealed: later entries start the next record
      this.#lastWriteAt = performance.now();
      try {
        const text = `{"seq":${record.seq},"entries":[${record.texts.join(',')}]}\n`;
        await this.#state.writeText(journalSlotKey(record.seq, this.#ring), text);
        this.#bytesWritten += text.length;
        this.#healthy = true;
        this.#earlyUnwritten -= record.early;
        this.#pending.shift();
        for (const settle of record.settles) settle();
      } catch (err) {
        this.#failAll(
          opsError('STORAGE_UNAVAILABLE', `the alert journal could not be written: ${(err as Error).message}`),
        );
      }
    }
    // cleared in the same turn as the last check: an entry appended after it starts a new loop, never joins a finished one
    this.#writing = undefined;
  }

  #linger(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const endLinger = (this.#endLinger = done);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#endLinger === endLinger) self.#endLinger = undefined;
        resolve();
      }
    });
  }

  #failAll(error: OpsError): void {
    this.#healthy = false;
    const failed = this.#pending;
    this.#pending = [];
    this.#open = undefined;
    // the next record takes the number of the first that failed: written records stay numbered without gaps, which
    // a cold load relies on (it reads them in turn and stops at the first missing)
    if (failed[0]) this.#nextSeq = failed[0].seq;
    const early = failed.reduce((n, r) => n + r.early, 0);
    this.#earlyUnwritten -= early;
    this.#onFailure(error, early);
    for (const record of failed) for (const settle of record.settles) settle(error);
  }
}
