import { createHaPair, replicaStateStore } from '#lib/alerting/router/ha-pair.ts';
import { createAlertRouter, createRouterApi, routingSource } from '#lib/alerting/router/index.ts';
import { routerSettings, type AlertRouterConfig } from '#lib/alerting/router/router-config.ts';
import { startSelfTick } from '#lib/alerting/router/self-tick.ts';
import type { FunctionDeps, Handler, Logger } from '#lib/runtime/index.ts';
import type { ObjectStore } from '#lib/storage/index.ts';

export {
  alertRouterConfigSchema as configSchema,
  haModeAtStart,
  replicaAtStart,
  type AlertRouterConfig,
} from '#lib/alerting/router/router-config.ts';

type Deps = Pick<FunctionDeps<AlertRouterConfig>, 'config' | 'state'> & {
  store?: ObjectStore;
  clock?: FunctionDeps<AlertRouterConfig>['clock'];
  /** run as one of a pair (haModeAtStart decided it): own state under `replica`, shared log, lease, silences. */
  pair?: boolean;
  /** the replica's name in a pair (replicaAtStart: HA_REPLICA_ID, or the replica slot this pod claimed). */
  replica?: string;
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
        replica: deps.replica ?? c.HA_REPLICA_ID ?? c.HOSTNAME ?? 'replica',
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
    settings: routerSettings(c, deps.random ?? Math.random),
    ...(deps.ackKey ? { ackKey: deps.ackKey } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const api = createRouterApi(router, deps.ackKey);
  if (!ha) return api;
  const stopTicking = startSelfTick(router, {
    intervalMs: c.HA_TICK_MS ?? 60000,
    deadlineMs: c.REQUEST_DEADLINE_MS ?? 25000,
    now: clock,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const settle = api.settle;
  api.settle = async () => {
    stopTicking();
    await settle?.();
  };
  return api;
}
