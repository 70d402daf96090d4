import { createHaPair, replicaIdProblem, replicaStateStore } from '#lib/alerting/router/ha-pair.ts';
import {
  createAlertRouter,
  createRouterApi,
  defaultMaxActiveAlerts,
  OVERLOAD_RETRY_AFTER_S,
  routingSource,
} from '#lib/alerting/router/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import type { FunctionDeps, Handler, Logger } from '#lib/runtime/index.ts';
import { probeConditionalWrites, type ObjectStore } from '#lib/storage/index.ts';

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
}

export const configSchema = {
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
    // the replica's name (its own state prefix); the pod's HOSTNAME when unset
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
  },
};

/**
 * haReplicaId is the name a replica keeps its own state under: HA_REPLICA_ID, else the pod's HOSTNAME (a new pod
 * starts afresh; docs/alerting.md#high-availability says what that costs).
 */
export function haReplicaId(config: Pick<AlertRouterConfig, 'HA_REPLICA_ID' | 'HOSTNAME'>): string {
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
  const replica = haReplicaId(config);
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

type Deps = Pick<FunctionDeps<AlertRouterConfig>, 'config' | 'state'> & {
  store?: ObjectStore;
  clock?: FunctionDeps<AlertRouterConfig>['clock'];
  /** run as one of a pair (haModeAtStart decided it): own state under the replica id, shared log, lease, silences. */
  pair?: boolean;
  random?: () => number;
  ackKey?: () => string | undefined;
  log?: Logger;
};

/**
 * createHandler builds alert-router's edge over its core (lib/alerting/router): alerts in (our alerts, API v2
 * bodies, forwarded Alertmanager webhooks), silences, acknowledgements and cron ticks, served by the route table.
 */
export function createHandler(deps: Deps): Handler {
  const c = deps.config;
  const routing = routingSource({
    ...(c.ROUTING_CONFIG ? { routingConfig: c.ROUTING_CONFIG } : {}),
    webhookReceivers: c.WEBHOOK_RECEIVERS,
    ...(c.NOTIFICATIONS_FILE ? { notificationsFile: c.NOTIFICATIONS_FILE } : {}),
    ...(deps.store ? { store: deps.store } : {}),
    stateBucket: c.STATE_BUCKET,
  });
  const clock = deps.clock ? () => deps.clock!.millis() : Date.now;
  const ha = deps.pair
    ? createHaPair({
        state: deps.state,
        replica: haReplicaId(c),
        claimTtlMs: Math.max(c.HA_CLAIM_TTL_MS ?? 60000, 2 * (c.DELIVERY_TIMEOUT_MS ?? 10000)),
        leaseTtlMs: c.HA_LEASE_TTL_MS ?? 180000,
        timeoutMs: c.HA_STORE_TIMEOUT_MS ?? 2000,
        ...(deps.log ? { log: deps.log } : {}),
      })
    : undefined;
  const router = createAlertRouter({
    state: ha ? replicaStateStore(deps.state, ha.replica) : deps.state,
    clock,
    ...(ha ? { ha } : {}),
    routing,
    settings: {
      externalURL: c.EXTERNAL_URL,
      resolveTimeoutMs: c.RESOLVE_TIMEOUT_MS,
      retry: {
        maxAttempts: c.RETRY_MAX_ATTEMPTS,
        baseMs: c.RETRY_BASE_MS,
        capMs: 15 * 60_000,
        random: deps.random ?? Math.random,
      },
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
    },
    ...(deps.ackKey ? { ackKey: deps.ackKey } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const api = createRouterApi(router, deps.ackKey);
  if (!ha) return api;
  // the cron tick reaches one replica through the gateway: each replica of a pair ticks itself
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    const log = deps.log;
    router
      .routing()
      .then(() =>
        router.tick(clock(), {
          signal: AbortSignal.timeout(c.REQUEST_DEADLINE_MS ?? 25000),
          log: log ?? (silentLog as unknown as Logger),
        }),
      )
      .catch((err) => log?.warn({ err }, 'self tick failed'))
      .finally(() => (ticking = false));
  }, c.HA_TICK_MS ?? 60000);
  timer.unref();
  const settle = api.settle;
  api.settle = async () => {
    clearInterval(timer);
    await settle?.();
  };
  return api;
}

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
