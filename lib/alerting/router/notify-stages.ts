import type { AlertmanagerConfig, Receiver, RouteNode } from '../config/alertmanager-config.ts';
import { buildWebhookPayload, ZERO_TIME, type WebhookAlert } from '../webhook-payload.ts';
import { buildInhibitor } from './inhibit.ts';
import { silencedBy } from './silences.ts';
import type { GroupState, OutboxEntry, RouterState, StoredAlert } from './state.ts';
import { timeMute } from './time-mute.ts';
import type { notificationKey } from './notification-log.ts';

/**
 * GroupFlush is one group on its way through the notify pipeline: the alerts still to be told (fingerprints) and,
 * once the dedup stage has decided, the firing and resolved ones the notification carries.
 */
export interface GroupFlush {
  group: GroupState;
  route: RouteNode;
  receiver: Receiver;
  alerts: string[];
  firing?: string[];
  resolved?: string[];
}

/** StageOutcome is what a stage did with a group: passed it on, or stopped it (and why, for the flush report). */
export type StageOutcome = { next: GroupFlush } | { stopped: 'deferred' | 'muted' | 'unchanged' };

/** NotifyStage is one step of the pipeline (Alertmanager's notify.Stage): it sees one group at a time. */
export interface NotifyStage {
  readonly name: string;
  exec(flush: GroupFlush, now: number): StageOutcome;
}

/** StageContext is what the stages of one flush share: the state, the configuration and the flush options. */
export interface StageContext {
  state: RouterState;
  config: AlertmanagerConfig;
  externalURL: string;
  /** `delay` holds a time-muted notification until the interval ends; `drop` does as Alertmanager. */
  mutedPolicy(receiver: string): 'delay' | 'drop';
  newId: () => string;
  /** every outbox entry the outbox stage makes is also pushed here (the flush report). */
  entries: OutboxEntry[];
  /** set when the router runs as a pair: the shared notification-log key of each entry (notification-log.ts). */
  notificationKey?: typeof notificationKey;
}

/**
 * timeMuteStage holds a group whose route is muted by its mute_time_intervals (or outside its
 * active_time_intervals): deferred until the interval ends, or dropped for receivers that keep Alertmanager's rule.
 */
export function timeMuteStage(ctx: StageContext): NotifyStage {
  return {
    name: 'TimeMuteStage',
    exec(flush, now) {
      const { group, route } = flush;
      const window = timeMute(ctx.config, route, now);
      if (!window) {
        delete group.deferredUntil;
        return { next: flush };
      }
      if (ctx.mutedPolicy(group.receiver) === 'delay') {
        group.deferredUntil = window.until ?? now + route.groupIntervalMs;
        group.nextFlushAt = group.deferredUntil;
        return { stopped: 'deferred' };
      }
      group.nextFlushAt = now + route.groupIntervalMs;
      return { stopped: 'muted' };
    },
  };
}

/** inhibitStage drops the alerts an inhibit rule mutes (the sources are indexed once per flush, on first use). */
export function inhibitStage(ctx: StageContext): NotifyStage {
  let inhibitor: ReturnType<typeof buildInhibitor> | undefined;
  return {
    name: 'InhibitStage',
    exec(flush, now) {
      inhibitor ??= buildInhibitor(ctx.config.inhibitRules, ctx.state.alerts, now);
      const muted = inhibitor;
      return { next: { ...flush, alerts: flush.alerts.filter((fp) => !muted(ctx.state.alerts[fp]!, fp)) } };
    },
  };
}

/** silenceStage drops the alerts an active silence matches. */
export function silenceStage(ctx: StageContext): NotifyStage {
  return {
    name: 'SilenceStage',
    exec(flush, now) {
      return {
        next: {
          ...flush,
          alerts: flush.alerts.filter((fp) => !silencedBy(ctx.state, ctx.state.alerts[fp]!.labels, now)),
        },
      };
    },
  };
}

const isSubset = (a: string[], b: string[]) => {
  const set = new Set(b);
  return a.every((x) => set.has(x));
};

/** needsUpdate is Alertmanager's DedupStage decision (notify/notify.go). */
export function needsUpdate(
  last: GroupState['last'],
  firing: string[],
  resolved: string[],
  sendResolved: boolean,
  repeatMs: number,
  now: number,
): boolean {
  if (!last) return firing.length > 0;
  if (!isSubset(firing, last.firing)) return true;
  if (firing.length === 0) return last.firing.length > 0;
  if (sendResolved && !isSubset(resolved, last.resolved)) return true;
  return last.at + repeatMs <= now;
}

/** integrations lists a receiver's deliveries as `kind/index` with their send_resolved. */
export function integrations(receiver: Receiver): Array<{ id: string; sendResolved: boolean; maxAlerts: number }> {
  return [
    ...receiver.webhook.map((w, i) => ({ id: `webhook/${i}`, sendResolved: w.sendResolved, maxAlerts: w.maxAlerts })),
    ...receiver.slack.map((s, i) => ({ id: `slack/${i}`, sendResolved: s.sendResolved, maxAlerts: 0 })),
    ...receiver.email.map((e, i) => ({ id: `email/${i}`, sendResolved: e.sendResolved, maxAlerts: 0 })),
    ...receiver.pagerduty.map((p, i) => ({ id: `pagerduty/${i}`, sendResolved: p.sendResolved, maxAlerts: 0 })),
    ...(receiver.file ?? []).map((_f, i) => ({ id: `file/${i}`, sendResolved: true, maxAlerts: 0 })),
  ];
}

/** dedupStage splits the visible alerts into firing and resolved and stops the group when the log says it was told. */
export function dedupStage(ctx: StageContext): NotifyStage {
  return {
    name: 'DedupStage',
    exec(flush, now) {
      const alerts = ctx.state.alerts;
      const firing = flush.alerts.filter((fp) => alerts[fp]!.endsAt > now).sort();
      const resolved = flush.alerts.filter((fp) => alerts[fp]!.endsAt <= now).sort();
      const sendResolved = integrations(flush.receiver).some((i) => i.sendResolved);
      if (!needsUpdate(flush.group.last, firing, resolved, sendResolved, flush.route.repeatIntervalMs, now))
        return { stopped: 'unchanged' };
      return { next: { ...flush, firing, resolved } };
    },
  };
}

/** storedToWebhook renders a stored alert as the webhook payload carries it. */
export function storedToWebhook(fp: string, a: StoredAlert, now: number): WebhookAlert {
  const resolved = a.endsAt <= now;
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: resolved ? new Date(a.endsAt).toISOString() : ZERO_TIME,
    generatorURL: a.generatorURL,
    fingerprint: fp,
  };
}

/** labelsBefore is prometheus/common LabelSet.Before: compare sorted names, then values, then size. */
function labelsBefore(a: Record<string, string>, b: Record<string, string>): number {
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
    if (ak[i] !== bk[i]) return ak[i]! < bk[i]! ? -1 : 1;
    const av = a[ak[i]!]!;
    const bv = b[bk[i]!]!;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return ak.length - bk.length;
}

/** alertOrder is Alertmanager's AlertSlice order inside a notification: job, then instance, then the label sets. */
export function alertOrder(a: StoredAlert, b: StoredAlert): number {
  for (const key of ['job', 'instance']) {
    const [ai, bi] = [a.labels[key], b.labels[key]];
    if (ai === undefined && bi === undefined) continue;
    if (ai === undefined) return 1;
    if (bi === undefined) return -1;
    if (ai !== bi) return ai < bi ? -1 : 1;
  }
  return labelsBefore(a.labels, b.labels);
}

/**
 * outboxStage turns the decided notification into one outbox entry per integration (max_alerts and send_resolved
 * applied) and writes the group's notification log at the decision, so a crash after it never decides twice.
 */
export function outboxStage(ctx: StageContext): NotifyStage {
  return {
    name: 'OutboxStage',
    exec(flush, now) {
      const { group } = flush;
      const alerts = ctx.state.alerts;
      const firing = flush.firing ?? [];
      const resolved = flush.resolved ?? [];
      const told = [...firing, ...resolved]
        .sort((x, y) => alertOrder(alerts[x]!, alerts[y]!))
        .map((fp) => storedToWebhook(fp, alerts[fp]!, now));
      for (const integration of integrations(flush.receiver)) {
        let payloadAlerts = integration.sendResolved ? told : told.filter((a) => a.status === 'firing');
        if (payloadAlerts.length === 0) continue;
        let truncated = 0;
        if (integration.maxAlerts > 0 && payloadAlerts.length > integration.maxAlerts) {
          truncated = payloadAlerts.length - integration.maxAlerts;
          payloadAlerts = payloadAlerts.slice(0, integration.maxAlerts);
        }
        const payload = {
          ...buildWebhookPayload({
            receiver: group.receiver,
            groupLabels: group.labels,
            alerts: payloadAlerts,
            externalURL: ctx.externalURL,
          }),
          groupKey: group.key,
          truncatedAlerts: truncated,
          status: (firing.length > 0 ? 'firing' : 'resolved') as 'firing' | 'resolved',
        };
        const entry: OutboxEntry = {
          id: ctx.newId(),
          groupKey: group.key,
          receiver: group.receiver,
          integration: integration.id,
          payload,
          createdAt: now,
          attempts: 0,
          nextAttemptAt: now,
        };
        if (ctx.notificationKey) {
          const episode = (fp: string) => ({ fingerprint: fp, startsAt: alerts[fp]!.startsAt });
          entry.nflogKey = ctx.notificationKey({
            groupKey: group.key,
            receiver: group.receiver,
            integration: integration.id,
            firing: firing.map(episode),
            resolved: resolved.map(episode),
            decidedAt: now,
            repeatIntervalMs: flush.route.repeatIntervalMs,
          });
        }
        ctx.state.outbox.push(entry);
        ctx.entries.push(entry);
      }
      group.last = { firing, resolved, at: now };
      return { next: flush };
    },
  };
}

/**
 * notifyPipeline is the order of the stages, in one place. Alertmanager's is inhibit, time, silence, dedup, notify;
 * the time stage comes first here because it holds the whole group, whatever the alerts, so nothing is filtered for it.
 */
export function notifyPipeline(ctx: StageContext): NotifyStage[] {
  return [timeMuteStage(ctx), inhibitStage(ctx), silenceStage(ctx), dedupStage(ctx), outboxStage(ctx)];
}

/** runStages passes a group through the stages in order until one stops it. */
export function runStages(stages: NotifyStage[], flush: GroupFlush, now: number): StageOutcome {
  let current = flush;
  for (const stage of stages) {
    const outcome = stage.exec(current, now);
    if ('stopped' in outcome) return outcome;
    current = outcome.next;
  }
  return { next: current };
}
