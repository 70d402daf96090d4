import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '#lib/runtime/logger.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { withTimeout } from './notification-log.ts';
import type { LeaseRecord } from './replica-lease.ts';

/** SLOTS_PREFIX holds one lease object per replica slot: `alert-router/ha/slots/slot-<n>.json`. */
export const SLOTS_PREFIX = 'alert-router/ha/slots/';

/** ReplicaSlot is the slot a pod holds: its name (the replica's state prefix), renewed and released by the pod. */
export interface ReplicaSlot {
  replica: string;
  /** renew extends the lease; false when another pod holds the slot now (this one must stop using its state). */
  renew(now: number): Promise<boolean>;
  /** release ends the lease at once, so the pod that replaces this one takes the slot without waiting for it. */
  release(): Promise<void>;
}

const isConflict = (err: unknown) => (err as { code?: string }).code === 'CONFLICT';

/**
 * claimReplicaSlot gives a pod one of `slots` replica names (`slot-0`, `slot-1`…) by lease, so a replacement pod
 * adopts the state the pod before it left in that slot instead of starting empty under a new pod name. A slot is
 * free when its lease is absent, expired, released, or already this pod's (a restarted container); it is taken
 * with a conditional write, so of two pods that try at once one wins. Unlike the escalation lease this one never
 * fails open: two pods in one slot would write one state. With every slot held (a rolling update's surge pod), the
 * claim retries every `retryMs` until `waitMs` has passed, then fails with the holders named.
 */
export async function claimReplicaSlot(options: {
  state: StateStore;
  pod: string;
  slots: number;
  ttlMs: number;
  timeoutMs: number;
  now: () => number;
  waitMs: number;
  retryMs?: number;
  log?: Logger;
}): Promise<ReplicaSlot> {
  const { state, pod, ttlMs, now } = options;
  const bounded = <T>(work: Promise<T>, what: string) => withTimeout(work, options.timeoutMs, what);
  const keyOf = (replica: string) => `${SLOTS_PREFIX}${replica}.json`;
  const names = Array.from({ length: options.slots }, (_, i) => `slot-${i}`);
  const tryClaim = async (replica: string): Promise<{ etag: string } | { holder: string }> => {
    const key = keyOf(replica);
    const mine: LeaseRecord = { holder: pod, expiresAt: now() + ttlMs, renewedAt: now() };
    const current = await bounded(state.read<LeaseRecord>(key), `slot ${replica}`);
    try {
      if (!current) return await bounded(state.write(key, mine, { ifNoneMatch: '*' }), `slot ${replica}`);
      const c = current.value;
      if (c.holder !== pod && c.expiresAt > now()) return { holder: c.holder };
      return await bounded(state.write(key, mine, { ifMatch: current.etag }), `slot ${replica}`);
    } catch (err) {
      if (isConflict(err)) return { holder: 'a pod that claimed it at the same moment' };
      throw err;
    }
  };
  const deadline = now() + options.waitMs;
  for (;;) {
    const holders: string[] = [];
    // the slot this pod held before (a restarted container keeps its pod name) first, then the others in order
    const records = await Promise.all(names.map((n) => bounded(state.read<LeaseRecord>(keyOf(n)), `slot ${n}`)));
    const own = records.findIndex((r) => r?.value.holder === pod);
    for (const replica of own > 0 ? [names[own]!, ...names.filter((_, i) => i !== own)] : names) {
      const got = await tryClaim(replica);
      if ('holder' in got) {
        holders.push(`${replica} by ${got.holder}`);
        continue;
      }
      options.log?.info({ replica, pod }, 'replica slot claimed: this pod keeps its state under it');
      return slotHandle(replica, got.etag);
    }
    if (now() >= deadline)
      throw new Error(`no free alert-router replica slot after ${options.waitMs} ms: ${holders.join(', ')}`);
    options.log?.warn({ holders }, 'every replica slot is held: waiting for one to be released or to expire');
    await sleep(options.retryMs ?? 2000);
  }

  function slotHandle(replica: string, claimedEtag: string): ReplicaSlot {
    let etag = claimedEtag;
    const key = keyOf(replica);
    return {
      replica,
      async renew(at) {
        const record: LeaseRecord = { holder: pod, expiresAt: at + ttlMs, renewedAt: at };
        try {
          etag = (await bounded(state.write(key, record, { ifMatch: etag }), `slot ${replica}`)).etag;
          return true;
        } catch (err) {
          if (isConflict(err)) return false; // taken over: this pod was silent past the lease
          options.log?.warn({ replica, err }, 'replica slot not renewed (store unreachable): trying again');
          return true;
        }
      },
      async release() {
        const record: LeaseRecord = { holder: pod, expiresAt: 0, renewedAt: now() };
        await bounded(state.write(key, record, { ifMatch: etag }), `slot ${replica}`).catch(() => undefined);
      },
    };
  }
}

/**
 * keepReplicaSlot renews a slot every `intervalMs` (a third of its lease) and calls `onLost` once another pod
 * holds it: the caller stops (exits), since two pods in one slot would write one state. It returns the stop.
 */
export function keepReplicaSlot(
  slot: ReplicaSlot,
  options: { intervalMs: number; now: () => number; onLost: () => void },
): () => Promise<void> {
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = slot.renew(options.now()).then((held) => {
      if (!held) {
        clearInterval(timer);
        options.onLost();
      }
    });
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await renewing.catch(() => undefined);
    await slot.release();
  };
}
