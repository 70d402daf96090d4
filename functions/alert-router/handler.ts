import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { loadAlertmanagerConfig, type AlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { normalizeAlerts } from '#lib/alerting/ingest.ts';
import { acknowledge, advanceEscalations, loadOnCall, signAck, startEscalations, verifyAck, type OnCallConfig } from '#lib/alerting/oncall/index.ts';
import {
  createRouterStore, deliverDue, expireSilence, flushDue, gcAlerts, gcSilences, gettableSilence, ingestAlerts, nextDue, sendTo, silenceState, upsertSilence,
  type RetryPolicy, type RouterState,
} from '#lib/alerting/router/index.ts';
import { json, opsError, readJson, readJsonText, type FunctionDeps, type Handler, type Logger, type RequestContext } from '#lib/runtime/index.ts';
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
}

export const configSchema = {
  properties: {
    ROUTING_CONFIG: { type: 'string', pattern: '^(state|file):.+' },
    WEBHOOK_RECEIVERS: {
      type: 'array',
      items: { type: 'object', required: ['name', 'url'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, url: { type: 'string', pattern: '^https?://' } } },
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
  },
};

/**
 * compatRouting is the routing used without ROUTING_CONFIG: every alert its own group (`...`), notified at once to
 * the WEBHOOK_RECEIVERS; resolutions follow at the next call. It keeps the local stack immediate.
 */
export function compatRouting(receivers: Array<{ name: string; url: string }>): string {
  return stringify({
    route: { receiver: 'default', group_by: ['...'], group_wait: '0s', group_interval: '1ms', repeat_interval: '4h' },
    receivers: [{ name: 'default', ...(receivers.length ? { webhook_configs: receivers.map((r) => ({ url: r.url })) } : {}) }],
  });
}

type Deps = Pick<FunctionDeps<AlertRouterConfig>, 'config' | 'state'> & { store?: ObjectStore; random?: () => number; ackKey?: () => string | undefined; log?: Logger };
type Routing = { config: AlertmanagerConfig; oncall: OnCallConfig };

function routingLoader(deps: Deps): () => Promise<Routing> {
  const c = deps.config;
  const withTap = (config: AlertmanagerConfig): Routing => {
    if (c.NOTIFICATIONS_FILE) for (const r of config.receivers.values()) r.file = [{ path: c.NOTIFICATIONS_FILE }];
    return { config, oncall: loadOnCall(config) };
  };
  if (!c.ROUTING_CONFIG) {
    const config = withTap(loadAlertmanagerConfig(compatRouting(c.WEBHOOK_RECEIVERS), 'built-in routing'));
    return async () => config;
  }
  const [scheme, ...rest] = c.ROUTING_CONFIG.split(':');
  const where = rest.join(':');
  if (scheme === 'file') {
    const config = withTap(loadAlertmanagerConfig(readFileSync(where, 'utf8'), where));
    return async () => config;
  }
  let cached: { etag: string; routing: Routing } | undefined;
  return async () => {
    const store = deps.store;
    if (!store) throw opsError('CONFIG_INVALID', 'ROUTING_CONFIG=state:… needs the object store');
    const info = await store.stat(c.STATE_BUCKET, where);
    if (!info) throw opsError('CONFIG_INVALID', `routing configuration s3://${c.STATE_BUCKET}/${where} does not exist`);
    if (cached?.etag === info.etag) return cached.routing;
    const chunks: Buffer[] = [];
    for await (const chunk of await store.getStream(c.STATE_BUCKET, where)) chunks.push(Buffer.from(chunk as Uint8Array));
    cached = { etag: info.etag, routing: withTap(loadAlertmanagerConfig(Buffer.concat(chunks).toString('utf8'), where)) };
    return cached.routing;
  };
}

/**
 * createHandler builds alert-router: alerts in (our alerts, API v2 bodies, forwarded Alertmanager webhooks),
 * Alertmanager routing, grouping and timing with the state in the bucket, inhibition, silences (API v2 paths),
 * time-muted notifications delayed, and a persistent outbox delivered with retries and a dead-letter fallback.
 * Cron ticks flush the groups that are due: the tick interval bounds the timing error.
 */
export function createHandler(deps: Deps): Handler {
  const c = deps.config;
  const routing = routingLoader(deps);
  const drop = new Set(c.DROP_MUTED_RECEIVERS);
  const policy: RetryPolicy = { maxAttempts: c.RETRY_MAX_ATTEMPTS, baseMs: c.RETRY_BASE_MS, capMs: 15 * 60_000, random: deps.random ?? Math.random };
  const userAgent = 'cmp-ops-alert-router/0.1';
  // a cold start replays the journal's ingests with the routing of the request that loads it, as a re-sent alert
  // would be routed (read once per request, not once per replayed record)
  let requestRouting: Routing | undefined;
  const holder = createRouterStore({
    state: deps.state,
    replay: async (s, entry) => {
      const alerts = 'alerts' in entry ? entry.alerts : normalizeAlerts(entry.body, new Date(entry.now), entry.resolveTimeoutMs);
      ingestAlerts(s, alerts, (requestRouting ?? (await routing())).config, entry.now);
    },
    lingerMs: c.JOURNAL_LINGER_MS,
    onUnstored: (ingests, err) => deps.log?.error({ ingests, err }, 'accepted alerts could not be journaled: they are back when their senders re-send them'),
  });
  // nextDue of the state as the last ingest alone left it (set and cleared inside changes, which run one at a time)
  let dueAfterIngest: { state: RouterState; due: number | undefined } | undefined;
  // a change other than an ingest alone may move the next due time: it forgets what the last ingest worked out
  const bySnapshot = async <T>(value: T) => {
    dueAfterIngest = undefined;
    return { value };
  };

  const ACK_TTL_MS = 7 * 86_400_000;
  const ackUrl = (groupKey: string, now: number): string | undefined => {
    const key = deps.ackKey?.();
    return key ? `${c.EXTERNAL_URL.replace(/\/+$/, '')}/ack?${signAck(key, groupKey, now + ACK_TTL_MS)}` : undefined;
  };

  async function progress(state: RouterState, { config, oncall }: Routing, now: number, ctx: RequestContext, checkpoint: () => Promise<void>) {
    const flushed = flushDue(state, config, now, { externalURL: c.EXTERNAL_URL, mutedPolicy: (r) => (drop.has(r) ? 'drop' : 'delay') });
    const escalationsStarted = startEscalations(state, oncall, now);
    const escalated = advanceEscalations(state, config, oncall, now, { externalURL: c.EXTERNAL_URL, newId: randomUUID });
    // the decision is saved before it is delivered: a crash in between leaves it in the outbox, never lost
    if (flushed.entries.length > 0 || escalated.length > 0) await checkpoint();
    const delivery = await deliverDue(state, config, now, (entry, sendCtx) => {
      const receiver = config.receivers.get(entry.receiver);
      if (!receiver) throw opsError('RECEIVER_REJECTED', `receiver ${entry.receiver} is no longer configured`);
      return sendTo(receiver, entry.integration, entry.payload, sendCtx);
    }, { signal: ctx.signal, userAgent, externalURL: c.EXTERNAL_URL, timeoutMs: c.DELIVERY_TIMEOUT_MS, ...(c.FALLBACK_RECEIVER ? { fallbackReceiver: c.FALLBACK_RECEIVER } : {}), policy, newId: randomUUID, ackUrl: (g) => ackUrl(g, now) });
    for (const e of delivery.errors) ctx.log.warn({ receiver: e.receiver, integration: e.integration, retryable: e.retryable, err: e.error }, 'delivery failed');
    if (delivery.paced > 0) ctx.log.info({ paced: delivery.paced }, 'chat messages held for a later run: one per second per webhook');
    return { notifications: flushed.notified, escalationsStarted, escalationSteps: escalated.length, deferred: flushed.deferred, delivered: delivery.delivered, retrying: delivery.retrying, paced: delivery.paced, deadLetters: delivery.dead, outbox: state.outbox.length };
  }

  const handler: Handler = async (req, ctx) => {
    const url = new URL(req.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const now = ctx.nowMs();
    const config = (requestRouting = await routing());
    if (path === '/ack' && (req.method === 'GET' || req.method === 'POST')) {
      // public: the HMAC signature of the link is the credential (index.ts isPublic)
      const key = deps.ackKey?.();
      if (!key) throw opsError('NOT_FOUND', 'acknowledgement links are not enabled (secret cmp-ops-ack-key)');
      const checked = verifyAck(key, url.searchParams, now);
      if ('reason' in checked) throw opsError('UNAUTHORIZED', `acknowledgement link refused: ${checked.reason}`);
      const by = url.searchParams.get('by') ?? 'link';
      const esc = await holder.change(async (s) => bySnapshot(acknowledge(s, checked.groupKey, by, now)));
      if (!esc) throw opsError('NOT_FOUND', 'nothing to acknowledge: the group resolved or never escalated');
      return json({ acknowledged: checked.groupKey, by: esc.ack!.by, at: new Date(esc.ack!.at).toISOString() });
    }
    if (path === '/api/v1/ack' && req.method === 'POST') {
      const body = (await readJson(req)) as { groupKey?: unknown; by?: unknown; note?: unknown } | undefined;
      if (typeof body?.groupKey !== 'string' || typeof body.by !== 'string') throw opsError('BAD_REQUEST', 'ack needs groupKey and by', [{ field: '/groupKey', reason: 'string required' }, { field: '/by', reason: 'string required' }]);
      const esc = await holder.change(async (s) => bySnapshot(acknowledge(s, body.groupKey as string, body.by as string, now, typeof body.note === 'string' ? body.note : undefined)));
      if (!esc) throw opsError('NOT_FOUND', `no escalation for group ${body.groupKey}`);
      return json({ acknowledged: esc.groupKey, by: esc.ack!.by, notified: esc.notified });
    }
    if (path === '/api/v1/escalations' && req.method === 'GET') {
      return json(Object.values((await holder.read()).escalations ?? {}));
    }
    if (path === '/api/v2/silences' && req.method === 'GET') {
      return json(Object.values((await holder.read()).silences).map((s) => gettableSilence(s, now)));
    }
    if (path === '/api/v2/silences' && req.method === 'POST') {
      const body = (await readJson(req)) as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw opsError('BAD_REQUEST', 'a silence is a JSON object', [{ field: '/', reason: 'must be object' }]);
      const silenceID = await holder.change(async (s) => bySnapshot(upsertSilence(s, body, now)));
      return json({ silenceID });
    }
    const silence = /^\/api\/v2\/silence\/([0-9a-f-]{36})$/.exec(path);
    if (silence && req.method === 'DELETE') {
      await holder.change(async (s) => bySnapshot(expireSilence(s, silence[1]!, now)));
      return json({ expired: silence[1] });
    }
    if (silence && req.method === 'GET') {
      const s = (await holder.read()).silences[silence[1]!];
      if (!s) throw opsError('NOT_FOUND', `silence ${silence[1]} not found`);
      return json({ ...gettableSilence(s, now), state: silenceState(s, now) });
    }
    if (path === '/api/v2/alerts' && req.method === 'GET') {
      return json(Object.entries((await holder.read()).alerts).map(([fp, a]) => ({ fingerprint: fp, labels: a.labels, annotations: a.annotations, startsAt: new Date(a.startsAt).toISOString(), endsAt: new Date(a.endsAt).toISOString(), status: { state: a.endsAt > now ? 'active' : 'resolved' } })));
    }
    if (req.method !== 'POST' || (path !== '/' && path !== '/api/v2/alerts')) throw opsError('NOT_FOUND', `no route for ${req.method} ${path}`);
    const { value: body, text: bodyText } = await readJsonText(req);
    if (body === undefined && ctx.topic === 'cron-function') {
      const result = await holder.change(async (s, checkpoint) => {
        dueAfterIngest = undefined;
        const r = await progress(s, config, now, ctx, checkpoint);
        gcAlerts(s, now, 15 * 60_000);
        gcSilences(s, now, 5 * 86_400_000);
        return { value: r };
      });
      ctx.log.info(result, 'tick');
      return json({ tick: true, ...result });
    }
    const alerts = normalizeAlerts(body, new Date(now), c.RESOLVE_TIMEOUT_MS);
    const answerBeforeWrite = path === '/api/v2/alerts' && c.API_V2_ACK !== 'written';
    // the journal keeps the body as it came (valid JSON: it was just parsed) and what normalizing it used
    const journal = { now, resolveTimeoutMs: c.RESOLVE_TIMEOUT_MS, body };
    const journalText = () => `{"now":${now},"resolveTimeoutMs":${c.RESOLVE_TIMEOUT_MS},"body":${bodyText}}`;
    const ingest = async (s: RouterState, checkpoint: () => Promise<void>) => {
      const ingested = ingestAlerts(s, alerts, config.config, now);
      const received = { received: alerts.length, fingerprints: ingested.fingerprints, newGroups: ingested.newGroups };
      // nothing due (a group_wait still running, no retry, no escalation step): the ingest alone goes to the journal.
      // After an ingest alone, the next due time is the one before or a new group's first flush: no scan of every group.
      const before = dueAfterIngest?.state === s ? dueAfterIngest.due : nextDue(s);
      const due = Math.min(before ?? Infinity, ingested.firstNewFlushAt ?? Infinity);
      dueAfterIngest = { state: s, due: due === Infinity ? undefined : due };
      if (due > now) return { value: { ...received, notifications: 0, escalationsStarted: 0, escalationSteps: 0, deferred: 0, delivered: 0, retrying: 0, paced: 0, deadLetters: 0, outbox: s.outbox.length }, journal, journalText: journalText(), answerBeforeWrite };
      dueAfterIngest = undefined;
      return { value: { ...received, ...(await progress(s, config, now, ctx, checkpoint)) } };
    };
    if (answerBeforeWrite && holder.acceptsEarly()) {
      // accepted: answered once validated; applied and journaled in order right after (Alertmanager's contract)
      holder.changeInBackground(ingest, (err) => deps.log?.error({ err, received: alerts.length }, 'accepted alerts could not be applied: they are back when their senders re-send them'));
      return json({ received: alerts.length, accepted: true });
    }
    const result = await holder.change(ingest);
    ctx.log.info({ received: result.received, notifications: result.notifications, delivered: result.delivered, retrying: result.retrying }, 'alerts routed');
    return json(result);
  };
  handler.settle = holder.idle;
  return handler;
}
