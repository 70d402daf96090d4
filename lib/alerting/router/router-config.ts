import type { Logger } from '#lib/runtime/logger.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { probeConditionalWrites, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import { replicaIdProblem } from './ha-pair.ts';
import { defaultMaxActiveAlerts, OVERLOAD_RETRY_AFTER_S } from './ingest-bound.ts';
import { claimReplicaSlot, type ReplicaSlot } from './replica-slot.ts';
import type { RouterSettings } from './router-service.ts';

/** AlertRouterConfig is alert-router's own configuration (docs/alerting.md). */
export interface AlertRouterConfig {
  ROUTING_CONFIG?: string;
  WEBHOOK_RECEIVERS: Array<{ name: string; url: string }>;
  NOTIFICATIONS_FILE?: string;
  EXTERNAL_URL: string;
  RESOLVE_TIMEOUT_MS: number;
  RETRY_MAX_ATTEMPTS: number;
  RETRY_BASE_MS: number;
  FALLBACK_RECEIVER?: string;
  DROP_MUTED_RECEIVERS: string[];
  DELIVERY_TIMEOUT_MS: number;
  API_V2_ACK: 'accepted' | 'written';
  JOURNAL_LINGER_MS: number;
  MAX_ACTIVE_ALERTS?: number;
  MEMORY_LIMIT_MIB: number;
  INGEST_QUEUE_MAX: number;
  HA_MODE: 'off' | 'on' | 'auto';
  HA_REPLICA_ID?: string;
  HOSTNAME?: string;
  HA_CLAIM_TTL_MS: number;
  HA_LEASE_TTL_MS: number;
  HA_TICK_MS: number;
  HA_STORE_TIMEOUT_MS: number;
  HA_SLOTS: number;
  HA_SLOT_TTL_MS: number;
  HA_SLOT_WAIT_MS: number;
}

/** alertRouterConfigSchema validates AlertRouterConfig from the function's environment, with its defaults. */
export const alertRouterConfigSchema = {
  properties: {
    ROUTING_CONFIG: { type: 'string', pattern: '^(state|file):.+' },
    WEBHOOK_RECEIVERS: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'url'],
        additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1 }, url: { type: 'string', pattern: '^https?://' } },
      },
      default: [],
    },
    NOTIFICATIONS_FILE: { type: 'string' },
    EXTERNAL_URL: { type: 'string', default: 'http://127.0.0.1:8080/function/alert-router' },
    RESOLVE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 300000 },
    RETRY_MAX_ATTEMPTS: { type: 'integer', minimum: 1, maximum: 100, default: 8 },
    RETRY_BASE_MS: { type: 'integer', minimum: 100, default: 30000 },
    FALLBACK_RECEIVER: { type: 'string', minLength: 1 },
    DROP_MUTED_RECEIVERS: { type: 'array', items: { type: 'string' }, default: [] },
    DELIVERY_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 10000 },
    // POST /api/v2/alerts answers once the body is validated, then applies and journals it (Alertmanager's contract:
    // its senders re-send), or only once it is written; POST / (our functions, which send once) always waits
    API_V2_ACK: { type: 'string', enum: ['accepted', 'written'], default: 'accepted' },
    // accepted ingests are gathered into one journal write at most this often (a stop writes at once)
    JOURNAL_LINGER_MS: { type: 'integer', minimum: 0, maximum: 1000, default: 25 },
    // the storm bound (docs/alerting.md#overload): alerts held before new ones get 429, by default from the memory limit
    MAX_ACTIVE_ALERTS: { type: 'integer', minimum: 1 },
    MEMORY_LIMIT_MIB: { type: 'integer', minimum: 64, default: 256 },
    INGEST_QUEUE_MAX: { type: 'integer', minimum: 1, default: 128 },
    // a pair of replicas (docs/alerting.md#high-availability): off = one replica, as before; on = a pair, refused on
    // a store that ignores conditional writes; auto = a pair when the store enforces them, one replica otherwise
    HA_MODE: { type: 'string', enum: ['off', 'on', 'auto'], default: 'off' },
    // a fixed replica name (its own state prefix); unset, the pod claims a replica slot (HA_SLOTS) under its HOSTNAME
    HA_REPLICA_ID: { type: 'string' },
    HOSTNAME: { type: 'string' },
    // a claimed notification not marked sent after this long is taken over by the peer (> DELIVERY_TIMEOUT_MS)
    HA_CLAIM_TTL_MS: { type: 'integer', minimum: 1000, default: 60000 },
    // the escalation lease: a dead holder's lease is taken over after this long
    HA_LEASE_TTL_MS: { type: 'integer', minimum: 1000, default: 180000 },
    // each replica ticks itself this often (the cron tick reaches one replica through the gateway)
    HA_TICK_MS: { type: 'integer', minimum: 50, default: 60000 },
    // a coordination read or write that takes longer fails open (the notification is sent)
    HA_STORE_TIMEOUT_MS: { type: 'integer', minimum: 50, default: 2000 },
    // without HA_REPLICA_ID a pod claims one of HA_SLOTS replica slots by lease and adopts the state left in it
    HA_SLOTS: { type: 'integer', minimum: 1, maximum: 16, default: 2 },
    HA_SLOT_TTL_MS: { type: 'integer', minimum: 1000, default: 30000 },
    // a surge pod waits this long for a slot to be released or to expire before it refuses to start
    HA_SLOT_WAIT_MS: { type: 'integer', minimum: 0, default: 120000 },
  },
};

/**
 * haModeAtStart decides at cold start whether this process runs as one of a pair: HA_MODE off is one replica; on and
 * auto probe the store's conditional writes (probeConditionalWrites). Without them `on` refuses to start
 * (CONFIG_INVALID: two replicas would each send and overwrite each other's silences) and `auto` warns and runs alone.
 */
export async function haModeAtStart(
  config: Pick<AlertRouterConfig, 'HA_MODE' | 'HA_REPLICA_ID' | 'HOSTNAME'> & { STATE_BUCKET: string },
  store: ObjectStore,
  log?: Logger,
): Promise<boolean> {
  if (config.HA_MODE === 'off') return false;
  const replica = podName(config);
  const support = await probeConditionalWrites(store, config.STATE_BUCKET, `alert-router/ha/probe-${replica}`);
  if (support.ifNoneMatch && support.ifMatch) {
    log?.info({ replica }, 'alert-router runs as one of a pair: the state bucket enforces conditional writes');
    return true;
  }
  const why = `the state bucket ignores ${support.ifNoneMatch ? '' : 'If-None-Match'}${support.ifNoneMatch || support.ifMatch ? '' : ' and '}${support.ifMatch ? '' : 'If-Match'} (s3rver does): a pair cannot coordinate there`;
  if (config.HA_MODE === 'on')
    throw opsError('CONFIG_INVALID', `HA_MODE=on refused: ${why}; run one replica (HA_MODE=off, scale.max 1)`);
  log?.warn({ replica }, `HA_MODE=auto: ${why}; running as a single replica — do not scale alert-router past 1`);
  return false;
}

/** podName is what names this process among the replicas: HA_REPLICA_ID, else the pod's HOSTNAME (checked as a key part). */
function podName(config: Pick<AlertRouterConfig, 'HA_REPLICA_ID' | 'HOSTNAME'>): string {
  const id = config.HA_REPLICA_ID ?? config.HOSTNAME;
  if (!id)
    throw opsError('CONFIG_INVALID', 'HA_MODE needs HA_REPLICA_ID or HOSTNAME', [
      { field: 'HA_REPLICA_ID', reason: 'is required' },
    ]);
  const problem = replicaIdProblem(id);
  if (problem)
    throw opsError('CONFIG_INVALID', `HA_REPLICA_ID ${id} ${problem}`, [{ field: 'HA_REPLICA_ID', reason: problem }]);
  return id;
}

/**
 * replicaAtStart names the state a replica of a pair keeps: a fixed HA_REPLICA_ID as it is; otherwise a replica slot
 * claimed by lease for this pod (claimReplicaSlot), so the pod that replaces a dead or rolled one adopts its state.
 */
export async function replicaAtStart(
  config: Pick<AlertRouterConfig, 'HA_REPLICA_ID' | 'HOSTNAME' | 'HA_SLOTS' | 'HA_SLOT_TTL_MS' | 'HA_SLOT_WAIT_MS'> & {
    HA_STORE_TIMEOUT_MS?: number;
  },
  state: StateStore,
  now: () => number,
  log?: Logger,
): Promise<{ replica: string; slot?: ReplicaSlot }> {
  const pod = podName(config);
  if (config.HA_REPLICA_ID) return { replica: pod };
  const slot = await claimReplicaSlot({
    state,
    pod,
    slots: config.HA_SLOTS ?? 2,
    ttlMs: config.HA_SLOT_TTL_MS ?? 30000,
    timeoutMs: config.HA_STORE_TIMEOUT_MS ?? 2000,
    waitMs: config.HA_SLOT_WAIT_MS ?? 120000,
    now,
    ...(log ? { log } : {}),
  });
  return { replica: slot.replica, slot };
}

/** routerSettings are the router's limits and policies from its configuration (RouterSettings). */
export function routerSettings(c: AlertRouterConfig, random: () => number): RouterSettings {
  return {
    externalURL: c.EXTERNAL_URL,
    resolveTimeoutMs: c.RESOLVE_TIMEOUT_MS,
    retry: { maxAttempts: c.RETRY_MAX_ATTEMPTS, baseMs: c.RETRY_BASE_MS, capMs: 15 * 60_000, random },
    deliveryTimeoutMs: c.DELIVERY_TIMEOUT_MS,
    ...(c.FALLBACK_RECEIVER ? { fallbackReceiver: c.FALLBACK_RECEIVER } : {}),
    dropMutedReceivers: c.DROP_MUTED_RECEIVERS,
    apiV2Ack: c.API_V2_ACK,
    journalLingerMs: c.JOURNAL_LINGER_MS,
    limits: {
      maxActiveAlerts: c.MAX_ACTIVE_ALERTS ?? defaultMaxActiveAlerts(c.MEMORY_LIMIT_MIB ?? 256),
      maxQueuedChanges: c.INGEST_QUEUE_MAX ?? 128,
      retryAfterSeconds: OVERLOAD_RETRY_AFTER_S,
    },
  };
}
