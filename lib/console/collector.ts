import type { SourceReaders } from './read-sources.ts';
import type { SourceName, Snapshots } from './sources.ts';

/** CollectorSettings say, per source, how often the console re-reads it and how often the source itself changes. */
export interface CollectorSettings {
  /** pollMs: a page asked for after this long triggers a re-read (the page is answered from the last read). */
  pollMs: Record<SourceName, number>;
  /** cadenceMs: the producer's own cadence (its timer); a read older than twice this is shown as stale. */
  cadenceMs: Record<SourceName, number>;
  /** how long the first page waits for a source never read before answering without it. */
  firstReadWaitMs: number;
}

const NAMES: SourceName[] = ['alerts', 'deliveries', 'backups', 'ftp', 'installation'];

/**
 * Collector keeps the last read of every source and re-reads each one at most once at a time, in the background:
 * a page is rendered from memory, so its server time does not depend on the state bucket or alert-router, and a
 * failing source keeps showing its last data with the error and its age.
 */
export class Collector {
  readonly #snapshots: Snapshots;
  readonly #readAt = new Map<SourceName, number>();
  readonly #running = new Map<SourceName, Promise<void>>();
  #first: Promise<void> | undefined;

  constructor(
    readonly readers: SourceReaders,
    readonly settings: CollectorSettings,
    readonly now: () => number,
    readonly onError: (source: SourceName, err: unknown) => void = () => undefined,
  ) {
    this.#snapshots = Object.fromEntries(
      NAMES.map((n) => [n, { data: undefined, asOf: undefined, cadenceMs: settings.cadenceMs[n] }]),
    ) as unknown as Snapshots;
  }

  /** snapshots answers the last reads, starting background re-reads of the sources due; never read ones are awaited briefly. */
  async snapshots(): Promise<Snapshots> {
    const now = this.now();
    for (const name of NAMES) {
      const at = this.#readAt.get(name);
      if (at !== undefined && now - at >= this.settings.pollMs[name]) void this.refresh(name);
    }
    if (NAMES.some((name) => !this.#readAt.has(name))) {
      // the first reads (the largest: every verdict, every group) one after another, so their peaks do not add up
      this.#first ??= (async () => {
        for (const name of NAMES) if (!this.#readAt.has(name)) await this.refresh(name);
      })();
      await Promise.race([
        this.#first,
        new Promise((resolve) => setTimeout(resolve, this.settings.firstReadWaitMs).unref()),
      ]);
    }
    return this.#snapshots;
  }

  /** refresh re-reads one source now (joined when a read is already running); actions call it to show their effect. */
  refresh(name: SourceName): Promise<void> {
    const running = this.#running.get(name);
    if (running) return running;
    this.#readAt.set(name, this.now());
    const run = (async () => {
      try {
        const read = await this.readers[name](AbortSignal.timeout(Math.max(5_000, this.settings.pollMs[name] * 2)));
        const snapshot = this.#snapshots[name] as {
          data: unknown;
          asOf: number | undefined;
          error?: string;
          cadenceMs: number;
        };
        snapshot.data = read.data;
        snapshot.asOf = read.producedAt ?? this.now();
        delete snapshot.error;
      } catch (err) {
        this.#snapshots[name].error = (err as Error).message;
        this.onError(name, err);
      } finally {
        this.#running.delete(name);
      }
    })();
    this.#running.set(name, run);
    return run;
  }

  /** idle resolves when no read is running (tests, stop). */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()]);
  }
}
