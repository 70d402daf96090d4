import {
  createAlertRouter,
  createRouterApi,
  defaultMaxActiveAlerts,
  OVERLOAD_RETRY_AFTER_S,
  routingSource,
} from '#lib/alerting/router/index.ts';
import type { FunctionDeps, Handler, Logger } from '#lib/runtime/index.ts';
import type { ObjectStore } from '#lib/storage/index.ts';

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
  },
};

type Deps = Pick<FunctionDeps<AlertRouterConfig>, 'config' | 'state'> & {
  store?: ObjectStore;
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
  const router = createAlertRouter({
    state: deps.state,
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
  return createRouterApi(router, deps.ackKey);
}
