import { randomUUID } from 'node:crypto';
import { opsError } from '#lib/runtime/errors.ts';
import type { Logger } from '#lib/runtime/logger.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { normalizeAlerts } from '../ingest.ts';
import { acknowledge, advanceEscalations, signAck, startEscalations } from '../oncall/escalation.ts';
import { alertCount, flushDue, gcAlerts, ingestAlerts } from './dispatch.ts';
import { admitIngest, type Admission, type IngestLimits } from './ingest-bound.ts';
import { deliverDue, ownAlertEntries, requeueDeadLetter, type RetryPolicy } from './outbox.ts';
import { createRouterStore, type ChangeWork, type RouterStore } from './router-store.ts';
import type { Routing } from './routing-source.ts';
import { sendTo } from './senders.ts';
import type { HaPair } from './ha-pair.ts';
import { notificationKey } from './notification-log.ts';
import { expireSilence, gcSilences, upsertSilence, type PostableSilence } from './silences.ts';
import type { Escalation, RouterState } from './state.ts';

/** RouterSettings are the router's limits and policies, from its configuration (docs/alerting.md#configuration). */
export interface RouterSettings {
  externalURL: string;
  resolveTimeoutMs: number;
  retry: RetryPolicy;
  deliveryTimeoutMs: number;
  fallbackReceiver?: string;
  dropMutedReceivers: string[];
  /** `accepted`: POST /api/v2/alerts answers once validated; `written`: once journaled, like POST /. */
  apiV2Ack: 'accepted' | 'written';
  journalLingerMs: number;
  /** the storm policy: how many alerts and queued changes the router takes before it answers 429. */
  limits: IngestLimits;
}

/** RunContext is what one request lends a run: its deadline signal and its logger. */
export interface RunContext {
  signal: AbortSignal;
  log: Logger;
}

/** RunReport counts what a flush-and-deliver run did (the answer to a tick or an ingest that was due). */
export interface RunReport {
  notifications: number;
  escalationsStarted: number;
  escalationSteps: number;
  deferred: number;
  delivered: number;
  retrying: number;
  paced: number;
  deadLetters: number;
  outbox: number;
}

const ACK_TTL_MS = 7 * 86_400_000;
const USER_AGENT = 'cmp-ops-alert-router/0.1';
const ALERT_RETENTION_MS = 15 * 60_000;
const SILENCE_RETENTION_MS = 5 * 86_400_000;

/** AlertRouter is the router's core behind its HTTP API: every operation reads or changes the stored state. */
export interface AlertRouter {
  /** routing loads the routing in force (once per request: a cold start replays the journal with it). */
  routing(): Promise<Routing>;
  read(): Promise<RouterState>;
  /** ingest applies a batch (journaled alone when nothing is due); `early` answers before it is applied when allowed. */
  ingest(
    body: unknown,
    bodyText: string,
    now: number,
    early: boolean,
    ctx: RunContext,
  ): Promise<Record<string, unknown>>;
  tick(now: number, ctx: RunContext): Promise<RunReport>;
  acknowledge(groupKey: string, by: string, now: number, note?: string): Promise<Escalation | undefined>;
  upsertSilence(input: PostableSilence, now: number): Promise<string>;
  expireSilence(id: string, now: number): Promise<void>;
  /**
   * retryDeadLetter puts a dead letter back in the outbox and delivers it at once: `delivered`, or where it stands
   * now (`retrying` with its backoff, or a dead letter again); undefined when no dead letter has that id.
   */
  retryDeadLetter(
    id: string,
    now: number,
    ctx: RunContext,
  ): Promise<{ id: string; outcome: 'delivered' | 'retrying' | 'dead'; lastError?: string } | undefined>;
  /** settle resolves once accepted work is applied and written (a stop). */
  settle(): Promise<void>;
}

/** createAlertRouter wires the store, the routing and the pipeline into the router's operations. */
export function createAlertRouter(deps: {
  state: StateStore;
  routing: () => Promise<Routing>;
  settings: RouterSettings;
  ackKey?: () => string | undefined;
  log?: Logger;
  /**
   * set when the router runs as one of a pair (docs/alerting.md#high-availability): `state` is then the replica's
   * own, and the pair shares the notification log, the escalation lease, silences and acknowledgements through this.
   */
  ha?: HaPair;
  /** the wall clock, for what has no request time (the pair's silence refresh on reads). */
  clock?: () => number;
}): AlertRouter {
  const ha = deps.ha;
  const clock = deps.clock ?? Date.now;
  const s = deps.settings;
  const dropMuted = new Set(s.dropMutedReceivers);
  // a cold start replays the journal's ingests with the routing of the request that loads it, as a re-sent alert
  // would be routed (read once per request, not once per replayed record)
  let requestRouting: Routing | undefined;
  const store: RouterStore = createRouterStore({
    state: deps.state,
    replay: async (state, entry) => {
      const alerts =
        'alerts' in entry ? entry.alerts : normalizeAlerts(entry.body, new Date(entry.now), entry.resolveTimeoutMs);
      ingestAlerts(state, alerts, (requestRouting ?? (await deps.routing())).config, entry.now);
    },
    lingerMs: s.journalLingerMs,
    onUnstored: (ingests, err) =>
      deps.log?.error(
        { ingests, err },
        'accepted alerts could not be journaled: they are back when their senders re-send them',
      ),
  });
  const ackUrl = (groupKey: string, now: number): string | undefined => {
    const key = deps.ackKey?.();
    return key ? `${s.externalURL.replace(/\/+$/, '')}/ack?${signAck(key, groupKey, now + ACK_TTL_MS)}` : undefined;
  };

  /** flushAndDeliver decides what is due (flushes, escalation steps), saves the decision, then delivers the outbox. */
  async function flushAndDeliver(
    state: RouterState,
    { config, oncall }: Routing,
    now: number,
    ctx: RunContext,
    checkpoint: () => Promise<void>,
    renewLease = false,
  ): Promise<RunReport> {
    if (ha) await ha.syncSilences(state, now);
    const flushed = flushDue(state, config, now, {
      externalURL: s.externalURL,
      mutedPolicy: (r) => (dropMuted.has(r) ? 'drop' : 'delay'),
      ...(ha ? { notificationKey } : {}),
    });
    const escalationsStarted = startEscalations(state, oncall, now);
    // a pair: both replicas follow every escalation, only the lease holder sends its steps (the other drops them)
    const running = ha ? Object.values(state.escalations ?? {}).filter((e) => !e.ack && !e.done) : [];
    const stepDue = running.some((e) => e.nextAt <= now);
    if (stepDue) await ha!.applyAcks(state, now);
    const lease =
      ha && (stepDue || (renewLease && running.length > 0)) ? await ha.escalationLease.acquire(now) : undefined;
    const escalated = advanceEscalations(state, config, oncall, now, { externalURL: s.externalURL, newId: randomUUID });
    if (lease && !lease.held && escalated.length > 0) {
      const followed = new Set(escalated.map((e) => e.id));
      state.outbox = state.outbox.filter((e) => !followed.has(e.id));
    }
    // the decision is saved before it is delivered: a crash in between leaves it in the outbox, never lost
    if (flushed.entries.length > 0 || escalated.length > 0) await checkpoint();
    const delivery = await deliverDue(
      state,
      config,
      now,
      async (entry, sendCtx) => {
        const receiver = config.receivers.get(entry.receiver);
        if (!receiver) throw opsError('RECEIVER_REJECTED', `receiver ${entry.receiver} is no longer configured`);
        if (!ha || !entry.nflogKey) return sendTo(receiver, entry.integration, entry.payload, sendCtx);
        // a pair: whoever creates the notification-log entry sends; the other skips it (or takes over a dead claim)
        const about = { groupKey: entry.groupKey, receiver: entry.receiver, integration: entry.integration };
        const claim = await ha.nflog.claim(entry.nflogKey, about, now);
        if (!claim.send) return claim.why === 'sent' ? { sentByPeer: true } : { retryAt: claim.retryAt };
        await sendTo(receiver, entry.integration, entry.payload, sendCtx);
        await ha.nflog.markSent(entry.nflogKey, now);
      },
      {
        signal: ctx.signal,
        userAgent: USER_AGENT,
        externalURL: s.externalURL,
        timeoutMs: s.deliveryTimeoutMs,
        ...(s.fallbackReceiver ? { fallbackReceiver: s.fallbackReceiver } : {}),
        policy: s.retry,
        newId: randomUUID,
        ackUrl: (g) => ackUrl(g, now),
      },
    );
    for (const e of delivery.errors)
      ctx.log.warn(
        { receiver: e.receiver, integration: e.integration, retryable: e.retryable, err: e.error },
        'delivery failed',
      );
    if (delivery.paced > 0)
      ctx.log.info({ paced: delivery.paced }, 'chat messages held for a later run: one per second per webhook');
    return {
      notifications: flushed.notified,
      escalationsStarted,
      escalationSteps: escalated.length,
      deferred: flushed.deferred,
      delivered: delivery.delivered,
      retrying: delivery.retrying,
      paced: delivery.paced,
      deadLetters: delivery.dead,
      outbox: state.outbox.length,
    };
  }

  /**
   * refuse answers an ingest the storm policy turned away, and raises RouterOverloaded through the fallback receiver
   * once per overload (state.overload, cleared by a tick once the alerts held fall under 90 % of the bound).
   */
  let overloadQueued = false;
  /** alerts of ingests queued but not applied yet: the bound counts them as new (admitIngest). */
  let alertsQueued = 0;
  const refuse = (
    admission: Exclude<Admission, { admitted: true }>,
    routing: Routing,
    now: number,
    ctx: RunContext,
  ): never => {
    const why =
      admission.reason === 'queue'
        ? `${store.backlog()} changes are queued`
        : `it holds ${admission.held} alerts, its bound is ${s.limits.maxActiveAlerts}`;
    if (!overloadQueued && !store.current()?.overload) {
      overloadQueued = true;
      store
        .change(async (state, checkpoint) => {
          if (state.overload) return { value: undefined };
          state.overload = { since: now, held: alertCount(state) };
          state.outbox.push(
            ...ownAlertEntries(
              routing.config,
              s.fallbackReceiver,
              {
                labels: { alertname: 'RouterOverloaded', severity: 'critical', subsystem: 'CMP-OPS' },
                annotations: {
                  summary: `alert-router refuses new alerts (429): ${why}`,
                  description: `Senders are told to retry after ${s.limits.retryAfterSeconds} s; alerts already accepted are kept and re-sends of them still pass. MAX_ACTIVE_ALERTS=${s.limits.maxActiveAlerts}.`,
                },
                groupKey: '{}/router:{alertname="RouterOverloaded"}',
              },
              now,
              s.externalURL,
              randomUUID,
            ),
          );
          await checkpoint();
          return { value: await flushAndDeliver(state, routing, now, ctx, checkpoint) };
        })
        .catch((err) => deps.log?.error({ err }, 'RouterOverloaded could not be raised'))
        .finally(() => (overloadQueued = false));
    }
    throw Object.assign(
      opsError('ROUTER_OVERLOADED', `alert-router is overloaded: ${why}; retry after ${admission.retryAfterSeconds} s`),
      { retryAfterSeconds: admission.retryAfterSeconds },
    );
  };

  return {
    async routing() {
      return (requestRouting = await deps.routing());
    },
    async read() {
      const state = await store.read();
      if (ha) await ha.syncSilences(state, clock());
      return state;
    },
    async ingest(body, bodyText, now, early, ctx) {
      const routing = requestRouting ?? (await this.routing());
      const alerts = normalizeAlerts(body, new Date(now), s.resolveTimeoutMs);
      const admission = admitIngest(
        store.current(),
        alerts,
        { changes: store.backlog(), alerts: alertsQueued },
        s.limits,
      );
      if (!admission.admitted) refuse(admission, routing, now, ctx);
      alertsQueued += alerts.length;
      let counted = true;
      const applied = () => {
        if (counted) alertsQueued -= alerts.length;
        counted = false;
      };
      const answerBeforeWrite = early && s.apiV2Ack !== 'written';
      const journal = { now, resolveTimeoutMs: s.resolveTimeoutMs, body };
      const work: ChangeWork<Record<string, unknown>> = async (state, checkpoint) => {
        applied();
        const ingested = ingestAlerts(state, alerts, routing.config, now);
        const received = {
          received: alerts.length,
          fingerprints: ingested.fingerprints,
          newGroups: ingested.newGroups,
        };
        // nothing due (a group_wait still running, no retry, no escalation step): the ingest alone goes to the journal
        const due = store.nextDueAfterIngest(state, ingested.firstNewFlushAt);
        if (due === undefined || due > now) {
          return {
            value: {
              ...received,
              notifications: 0,
              escalationsStarted: 0,
              escalationSteps: 0,
              deferred: 0,
              delivered: 0,
              retrying: 0,
              paced: 0,
              deadLetters: 0,
              outbox: state.outbox.length,
            },
            journal,
            bodyText,
            answerBeforeWrite,
          };
        }
        return { value: { ...received, ...(await flushAndDeliver(state, routing, now, ctx, checkpoint)) } };
      };
      if (answerBeforeWrite && store.acceptsEarly()) {
        // accepted: answered once validated; applied and journaled in order right after (Alertmanager's contract)
        store.changeInBackground(
          work,
          (err) =>
            applied() ??
            deps.log?.error(
              { err, received: alerts.length },
              'accepted alerts could not be applied: they are back when their senders re-send them',
            ),
        );
        return { received: alerts.length, accepted: true };
      }
      const result = await store.change(work).finally(applied);
      ctx.log.info(
        {
          received: result.received,
          notifications: result.notifications,
          delivered: result.delivered,
          retrying: result.retrying,
        },
        'alerts routed',
      );
      return result;
    },
    async tick(now, ctx) {
      const routing = requestRouting ?? (await this.routing());
      const result = await store.change(async (state, checkpoint) => {
        const report = await flushAndDeliver(state, routing, now, ctx, checkpoint, true);
        gcAlerts(state, now, ALERT_RETENTION_MS);
        gcSilences(state, now, SILENCE_RETENTION_MS);
        if (state.overload && alertCount(state) < 0.9 * s.limits.maxActiveAlerts) delete state.overload;
        return { value: report };
      });
      ctx.log.info(result, 'tick');
      return result;
    },
    async acknowledge(groupKey, by, now, note) {
      const esc = await store.change(async (state) => ({ value: acknowledge(state, groupKey, by, now, note) }));
      // a pair: the lease holder may be the other replica; it reads this before its next step
      if (ha && esc?.ack) await ha.shareAck({ groupKey, ...esc.ack });
      return esc;
    },
    async upsertSilence(input, now) {
      if (!ha) return store.change(async (state) => ({ value: upsertSilence(state, input, now) }));
      const { id, silences } = await ha.upsertSilence(input, now);
      await store.change(async (state) => ({ value: void (state.silences = structuredClone(silences)) }));
      return id;
    },
    async expireSilence(id, now) {
      if (!ha) return store.change(async (state) => ({ value: expireSilence(state, id, now) }));
      const silences = await ha.expireSilence(id, now);
      await store.change(async (state) => ({ value: void (state.silences = structuredClone(silences)) }));
    },
    async retryDeadLetter(id, now, ctx) {
      const routing = requestRouting ?? (await this.routing());
      return store.change(async (state, checkpoint) => {
        const entry = requeueDeadLetter(state, id, now);
        if (!entry) return { value: undefined };
        await checkpoint(); // the requeued entry is stored before it is sent: a crash now still delivers it
        await flushAndDeliver(state, routing, now, ctx, checkpoint);
        const still = state.outbox.find((e) => e.id === id);
        const dead = state.deadLetters.find((d) => d.id === id);
        const outcome = still ? 'retrying' : dead ? 'dead' : 'delivered';
        const lastError = still?.lastError ?? dead?.lastError;
        return { value: { id, outcome, ...(lastError ? { lastError } : {}) } };
      });
    },
    settle: () => store.idle(),
  };
}
