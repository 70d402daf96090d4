import type { Logger } from '#lib/runtime/logger.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { withTimeout } from './notification-log.ts';

/** LeaseRecord is the stored lease: who holds it and until when (the holder's clock). */
export interface LeaseRecord {
  holder: string;
  expiresAt: number;
  renewedAt: number;
}

/** LeaseState is what an acquire found: held by this replica or not, and the record as it stands. */
export interface LeaseState {
  held: boolean;
  holder?: string;
  expiresAt?: number;
  why: 'created' | 'renewed' | 'taken-over' | 'held-by-peer' | 'lost-race' | 'fail-open';
}

/** Lease is a lease object renewed by compare-and-swap (see createLease). */
export interface Lease {
  /** acquire renews the lease when this replica holds it or takes it when it expired; otherwise says who holds it. */
  acquire(now: number): Promise<LeaseState>;
}

const isConflict = (err: unknown): boolean => (err as { code?: string }).code === 'CONFLICT';

/**
 * createLease keeps a lease at `key`: the first replica creates it (`If-None-Match: *`), its holder renews it with
 * an `If-Match` write of a later expiry, and once it expired (a dead holder stops renewing) any replica takes it
 * over the same way; of two that try at once, the write that wins holds it. When the store does not answer the
 * lease fails open (held), as alert-router sends rather than stays silent when it cannot coordinate.
 */
export function createLease(options: {
  state: StateStore;
  key: string;
  replica: string;
  ttlMs: number;
  timeoutMs: number;
  log?: Logger;
}): Lease {
  const { state, key, replica, ttlMs, timeoutMs } = options;
  const bounded = <T>(work: Promise<T>) => withTimeout(work, timeoutMs, `lease ${key}`);
  return {
    async acquire(now) {
      const mine: LeaseRecord = { holder: replica, expiresAt: now + ttlMs, renewedAt: now };
      try {
        const current = await bounded(state.read<LeaseRecord>(key));
        if (!current) {
          await bounded(state.write(key, mine, { ifNoneMatch: '*' }));
          return { held: true, holder: replica, expiresAt: mine.expiresAt, why: 'created' };
        }
        const c = current.value;
        if (c.holder !== replica && c.expiresAt > now)
          return { held: false, holder: c.holder, expiresAt: c.expiresAt, why: 'held-by-peer' };
        await bounded(state.write(key, mine, { ifMatch: current.etag }));
        return {
          held: true,
          holder: replica,
          expiresAt: mine.expiresAt,
          why: c.holder === replica ? 'renewed' : 'taken-over',
        };
      } catch (err) {
        if (isConflict(err)) return { held: false, why: 'lost-race' };
        options.log?.warn({ key, err }, 'lease unreachable: acting as its holder (fail open)');
        return { held: true, why: 'fail-open' };
      }
    },
  };
}
