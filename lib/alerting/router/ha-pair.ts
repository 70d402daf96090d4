import { createHash } from 'node:crypto';
import type { Logger } from '#lib/runtime/logger.ts';
import type { StateRecord, StateStore } from '#lib/storage/index.ts';
import { createNotificationLog, HA_PREFIX, type NotificationLog, withTimeout } from './notification-log.ts';
import { createLease, type Lease } from './replica-lease.ts';
import { expireSilence, gcSilences, upsertSilence, type PostableSilence } from './silences.ts';
import type { Escalation, RouterState, Silence } from './state.ts';

const ROUTER_PREFIX = 'alert-router/';
/** REPLICAS_PREFIX holds each replica's own snapshot and journal, under its replica id. */
export const REPLICAS_PREFIX = `${ROUTER_PREFIX}replicas/`;
const LEASE_KEY = `${HA_PREFIX}escalation-lease.json`;
const SILENCES_KEY = `${HA_PREFIX}silences.json`;
const ACKS_PREFIX = `${HA_PREFIX}acks/`;
const SILENCE_RETENTION_MS = 5 * 86_400_000;

/** replicaIdProblem says why a replica id cannot name a key prefix, or undefined when it can. */
export function replicaIdProblem(id: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(id)
    ? undefined
    : 'must be 1-63 letters, digits, dots, dashes or underscores (a pod name)';
}

/**
 * replicaStateStore is the state store a replica keeps its own snapshot and journal in: every `alert-router/…` key
 * lives under `alert-router/replicas/<replica>/…` instead, so two replicas never write each other's state.
 */
export function replicaStateStore(state: StateStore, replica: string): StateStore {
  const own = `${REPLICAS_PREFIX}${replica}/`;
  const map = (key: string) => (key.startsWith(ROUTER_PREFIX) ? `${own}${key.slice(ROUTER_PREFIX.length)}` : key);
  return {
    bucket: state.bucket,
    read: (key) => state.read(map(key)),
    create: (key, value) => state.create(map(key), value),
    write: (key, value, options) => state.write(map(key), value, options),
    writeText: (key, text, options) => state.writeText(map(key), text, options),
    update: (key, change, options) => state.update(map(key), change, options),
    async *list(prefix, options = {}) {
      const start = options.startAfter === undefined ? {} : { startAfter: map(options.startAfter) };
      for await (const key of state.list(map(prefix), start))
        yield key.startsWith(own) ? `${ROUTER_PREFIX}${key.slice(own.length)}` : key;
    },
    remove: (key) => state.remove(map(key)),
  };
}

/** SharedAck is an acknowledgement as the pair shares it. */
export interface SharedAck {
  groupKey: string;
  by: string;
  at: number;
  note?: string;
}

/** HaPair is what one replica of an alert-router pair uses to coordinate with the other (see createHaPair). */
export interface HaPair {
  readonly replica: string;
  readonly nflog: NotificationLog;
  /** escalationLease is held by the replica that sends escalation steps; the other follows them without sending. */
  readonly escalationLease: Lease;
  /** syncSilences replaces the state's silences by the shared ones (at most once per `silenceSyncMs` unless forced). */
  syncSilences(state: RouterState, now: number, force?: boolean): Promise<void>;
  /** upsertSilence validates and stores a silence in the shared set (If-Match update); returns its id and the set. */
  upsertSilence(input: PostableSilence, now: number): Promise<{ id: string; silences: Record<string, Silence> }>;
  expireSilence(id: string, now: number): Promise<Record<string, Silence>>;
  /** shareAck records an acknowledgement for the peer (which may hold the escalation lease). */
  shareAck(ack: SharedAck): Promise<void>;
  /** applyAcks takes the shared acknowledgements of this state's due escalations (each read once it is due). */
  applyAcks(state: RouterState, now: number): Promise<void>;
}

/** SharedSilences is the stored silence set of the pair. */
interface SharedSilences {
  silences: Record<string, Silence>;
}

const ackKey = (groupKey: string) => `${ACKS_PREFIX}${createHash('sha256').update(groupKey).digest('hex')}.json`;

/**
 * createHaPair coordinates one replica of an alert-router pair through the state bucket (docs/alerting.md#high-
 * availability): a create-only notification log, a lease for the escalation runner, silences kept as one shared
 * object updated with If-Match, and acknowledgements shared per group. `state` is the bucket's root state store (the
 * replica's own snapshot and journal go through replicaStateStore). `skewMs` is the clock difference tolerated
 * between the replicas: an acknowledgement counts for an escalation started up to that long after it.
 */
export function createHaPair(options: {
  state: StateStore;
  replica: string;
  claimTtlMs: number;
  leaseTtlMs: number;
  timeoutMs: number;
  silenceSyncMs?: number;
  skewMs?: number;
  log?: Logger;
}): HaPair {
  const { state, replica, timeoutMs } = options;
  const silenceSyncMs = options.silenceSyncMs ?? 1000;
  const skewMs = options.skewMs ?? 5000;
  let silencesSyncedAt = -Infinity;
  let silencesEtag: string | undefined;
  let silencesCache: Record<string, Silence> | undefined;
  const bounded = <T>(work: Promise<T>, what: string) => withTimeout(work, timeoutMs, what);

  const applySilences = (record: StateRecord<SharedSilences> | null, now: number) => {
    silencesSyncedAt = now;
    if (!record) return;
    silencesEtag = record.etag;
    silencesCache = record.value.silences;
  };
  const updateSilences = async (edit: (s: RouterState) => void, now: number) => {
    const next = await state.update<SharedSilences>(SILENCES_KEY, (current) => {
      const scratch = { silences: { ...(current?.silences ?? silencesCache ?? {}) } } as RouterState;
      edit(scratch);
      gcSilences(scratch, now, SILENCE_RETENTION_MS);
      return { silences: scratch.silences };
    });
    silencesCache = next!.silences;
    silencesEtag = undefined;
    silencesSyncedAt = now;
    return silencesCache;
  };

  return {
    replica,
    nflog: createNotificationLog({
      state,
      replica,
      claimTtlMs: options.claimTtlMs,
      timeoutMs,
      ...(options.log ? { log: options.log } : {}),
    }),
    escalationLease: createLease({
      state,
      key: LEASE_KEY,
      replica,
      ttlMs: options.leaseTtlMs,
      timeoutMs,
      ...(options.log ? { log: options.log } : {}),
    }),
    async syncSilences(routerState, now, force = false) {
      if (force || now - silencesSyncedAt >= silenceSyncMs) {
        try {
          const record = await bounded(state.read<SharedSilences>(SILENCES_KEY), 'shared silences');
          if (!record || record.etag !== silencesEtag) applySilences(record, now);
          else silencesSyncedAt = now;
        } catch (err) {
          // fail open: the last silences known stay in force rather than none
          options.log?.warn({ err }, 'shared silences unreachable: keeping the last ones known');
        }
      }
      if (silencesCache) routerState.silences = structuredClone(silencesCache);
    },
    async upsertSilence(input, now) {
      let id = '';
      const silences = await updateSilences((scratch) => {
        id = upsertSilence(scratch, input, now);
      }, now);
      return { id, silences };
    },
    expireSilence: (id, now) => updateSilences((scratch) => expireSilence(scratch, id, now), now),
    async shareAck(ack) {
      await state.write(ackKey(ack.groupKey), ack);
    },
    async applyAcks(routerState, now) {
      const due = Object.values(routerState.escalations ?? {}).filter(
        (e: Escalation) => !e.ack && !e.done && e.nextAt <= now,
      );
      for (const esc of due) {
        try {
          const shared = await bounded(state.read<SharedAck>(ackKey(esc.groupKey)), 'shared acknowledgement');
          // an acknowledgement of an earlier escalation of the same group does not stop this one
          if (shared && shared.value.at >= esc.startedAt - skewMs)
            esc.ack = {
              by: shared.value.by,
              at: shared.value.at,
              ...(shared.value.note ? { note: shared.value.note } : {}),
            };
        } catch (err) {
          options.log?.warn({ err, groupKey: esc.groupKey }, 'shared acknowledgement unreachable: escalating on');
        }
      }
    },
  };
}
