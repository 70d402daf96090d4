import { createFileNotifier, createWebhookNotifier, dispatchAlerts, normalizeAlerts, type Notifier } from '#lib/alerting/index.ts';
import { json, readJson, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';

/** AlertRouterConfig is alert-router's own configuration. */
export interface AlertRouterConfig {
  WEBHOOK_RECEIVERS: Array<{ name: string; url: string }>;
  NOTIFICATIONS_FILE?: string;
  EXTERNAL_URL: string;
  RESOLVE_TIMEOUT_MS: number;
}

export const configSchema = {
  properties: {
    WEBHOOK_RECEIVERS: {
      type: 'array',
      items: { type: 'object', required: ['name', 'url'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, url: { type: 'string', pattern: '^https?://' } } },
      default: [],
    },
    NOTIFICATIONS_FILE: { type: 'string' },
    EXTERNAL_URL: { type: 'string', default: 'http://127.0.0.1:8080/function/alert-router' },
    RESOLVE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 300000 },
  },
};

/** buildNotifiers turns the configured receivers into notifiers (webhooks, plus the local stack's JSONL file). */
export function buildNotifiers(config: AlertRouterConfig): Notifier[] {
  const notifiers = config.WEBHOOK_RECEIVERS.map((r) => createWebhookNotifier(r.name, r.url));
  if (config.NOTIFICATIONS_FILE) notifiers.push(createFileNotifier('local-file', config.NOTIFICATIONS_FILE));
  return notifiers;
}

/** createHandler builds alert-router's edge: a batch of Alertmanager v2 alerts in, each episode notified once. */
export function createHandler(deps: Pick<FunctionDeps<AlertRouterConfig>, 'config' | 'state'>): Handler {
  const notifiers = buildNotifiers(deps.config);
  return async (req, ctx) => {
    const body = await readJson(req);
    if (body === undefined && ctx.topic === 'cron-function') return json({ tick: true, flushed: 0 });
    const now = ctx.now().toJSDate();
    const alerts = normalizeAlerts(body, now, deps.config.RESOLVE_TIMEOUT_MS);
    const result = await dispatchAlerts(alerts, { state: deps.state, notifiers, now, externalURL: deps.config.EXTERNAL_URL }, ctx.signal);
    ctx.log.info({ received: result.received, notified: result.notified, duplicates: result.duplicates }, 'alerts dispatched');
    return json(result);
  };
}
