import { createHash } from 'node:crypto';
import type { Logger } from '#lib/runtime/logger.ts';
import type { StateStore } from '#lib/storage/index.ts';

/** HA_PREFIX is where the objects a pair of routers share live: the notification log, the lease, silences, acks. */
export const HA_PREFIX = 'alert-router/ha/';
const NFLOG_PREFIX = `${HA_PREFIX}nflog/`;

/** NotifiedAlert is what identifies an alert inside a notification: its fingerprint and its episode (startsAt). */
export interface NotifiedAlert {
  fingerprint: string;
  startsAt: number;
}

/**
 * notificationKey is the shared notification-log key of one notification to one integration. Both replicas compute
 * it alone from what they decided: the group key, the receiver and integration, the firing and resolved alerts (each
 * with its startsAt, so a new episode of the same alert is a new notification) and the repeat window
 * (⌊decision time / repeat_interval⌋, so a repeat is a new notification too).
 */
export function notificationKey(n: {
  groupKey: string;
  receiver: string;
  integration: string;
  firing: NotifiedAlert[];
  resolved: NotifiedAlert[];
  decidedAt: number;
  repeatIntervalMs: number;
}): string {
  const set = (alerts: NotifiedAlert[]) =>
    alerts.map((a) => `${a.fingerprint}@${a.startsAt}`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const window = Math.floor(n.decidedAt / Math.max(1, n.repeatIntervalMs));
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        n.groupKey,
        n.receiver,
        n.integration,
        set(n.firing),
        set(n.resolved),
        n.repeatIntervalMs,
        window,
      ]),
    )
    .digest('hex');
  return `${NFLOG_PREFIX}${digest}.json`;
}

/** ClaimRecord is a notification-log entry: who claimed the notification, when, and when it was sent. */
export interface ClaimRecord {
  owner: string;
  claimedAt: number;
  sentAt?: number;
  groupKey: string;
  receiver: string;
  integration: string;
}

/** Claim is the log's answer to "may I send this?": send (and why), skip (the peer sent it) or look again later. */
export type Claim =
  | { send: true; why: 'created' | 'own' | 'taken-over' | 'fail-open' }
  | { send: false; why: 'sent' }
  | { send: false; why: 'peer-sending'; retryAt: number };

/** NotificationLog is the pair's shared notification log (see createNotificationLog). */
export interface NotificationLog {
  claim(key: string, about: Omit<ClaimRecord, 'owner' | 'claimedAt' | 'sentAt'>, now: number): Promise<Claim>;
  /** markSent records that the claimed notification went out, so the peer never takes it over. */
  markSent(key: string, now: number): Promise<void>;
}

const isConflict = (err: unknown): boolean => (err as { code?: string }).code === 'CONFLICT';

/** withTimeout bounds a store call: an unreachable store must not hold a notification longer than `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what}: no answer in ${ms} ms`), { code: 'TIMEOUT' })),
      ms,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * createNotificationLog is the notification log two router replicas share in the state bucket, one object per
 * notification (notificationKey). The first replica to create the entry (`If-None-Match: *`) sends; the other
 * skips it, or, when the claim is older than `claimTtlMs` and still not marked sent (its owner died between claim
 * and send), takes it over with an `If-Match` write and sends it: at least once when a replica dies, exactly once
 * while both live. A replica's own retry renews its claim the same way, so a send always follows a write that won.
 * When the store does not answer (an error other than a lost precondition, or no answer in `timeoutMs`) the log
 * fails open: the notification is sent, as Alertmanager sends when its peers cannot be reached.
 */
export function createNotificationLog(options: {
  state: StateStore;
  replica: string;
  claimTtlMs: number;
  timeoutMs: number;
  log?: Logger;
}): NotificationLog {
  const { state, replica, claimTtlMs, timeoutMs } = options;
  /** the claims this replica holds: their record and etag, for the `sent` mark. */
  const held = new Map<string, { record: ClaimRecord; etag: string }>();
  const bounded = <T>(work: Promise<T>, what: string) => withTimeout(work, timeoutMs, what);
  const failOpen = (key: string, err: unknown): Claim => {
    options.log?.warn({ key, err }, 'notification log unreachable: sending anyway (fail open)');
    return { send: true, why: 'fail-open' };
  };
  const take = async (key: string, record: ClaimRecord, condition: { ifMatch: string } | { ifNoneMatch: '*' }) => {
    const { etag } = await bounded(state.write(key, record, condition), `notification log ${key}`);
    held.set(key, { record, etag });
  };

  return {
    async claim(key, about, now) {
      const mine: ClaimRecord = { owner: replica, claimedAt: now, ...about };
      try {
        await take(key, mine, { ifNoneMatch: '*' });
        return { send: true, why: 'created' };
      } catch (err) {
        if (!isConflict(err)) return failOpen(key, err);
      }
      try {
        const current = await bounded(state.read<ClaimRecord>(key), `notification log ${key}`);
        // a conflict on a key that is absent: RGW's 500 on a write it did not make; one more create decides
        if (!current) {
          await take(key, mine, { ifNoneMatch: '*' });
          return { send: true, why: 'created' };
        }
        const c = current.value;
        if (c.sentAt !== undefined) return { send: false, why: 'sent' };
        if (c.owner !== replica && c.claimedAt + claimTtlMs > now)
          return { send: false, why: 'peer-sending', retryAt: c.claimedAt + claimTtlMs };
        // my own retry, or a claim its owner left unsent past its time: whoever's write wins sends
        await take(key, { ...c, owner: replica, claimedAt: now }, { ifMatch: current.etag });
        return { send: true, why: c.owner === replica ? 'own' : 'taken-over' };
      } catch (err) {
        if (isConflict(err)) return { send: false, why: 'peer-sending', retryAt: now + claimTtlMs };
        return failOpen(key, err);
      }
    },
    async markSent(key, now) {
      const claim = held.get(key);
      if (!claim) return; // sent without a claim (fail open): nothing to mark
      held.delete(key);
      try {
        await bounded(
          state.write(key, { ...claim.record, sentAt: now }, { ifMatch: claim.etag }),
          `notification log ${key}`,
        );
      } catch (err) {
        // the peer may take the claim over after claimTtlMs and send it again: at least once, never lost
        options.log?.warn({ key, err }, 'notification sent but not marked in the log: the peer may send it again');
      }
    },
  };
}
