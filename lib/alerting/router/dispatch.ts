import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { AlertmanagerConfig, Receiver, RouteNode } from '../config/alertmanager-config.ts';
import { groupKey, groupLabels, matchRoutes } from '../config/routes.ts';
import { fingerprintLabels } from '../fingerprint.ts';
import { buildWebhookPayload, ZERO_TIME, type WebhookAlert } from '../webhook-payload.ts';
import { buildInhibitor } from './inhibit.ts';
import { silencedBy } from './silences.ts';
import type { GroupState, OutboxEntry, RouterState, StoredAlert } from './state.ts';
import { timeMute } from './time-mute.ts';

/** DispatchOptions are what the pure core needs beyond the routing configuration. */
export interface DispatchOptions {
  externalURL: string;
  /** mutedPolicy: `delay` holds a time-muted notification until the interval ends; `drop` does as Alertmanager. */
  mutedPolicy(receiver: string): 'delay' | 'drop';
  newId?: () => string;
}

/** routeIndex maps Route.ID() to the compiled route, for groups stored by id. */
export function routeIndex(root: RouteNode): Map<string, RouteNode> {
  const index = new Map<string, RouteNode>();
  const walk = (r: RouteNode) => {
    index.set(r.id, r);
    r.routes.forEach(walk);
  };
  walk(root);
  return index;
}

// Membership of a group's fingerprints, kept beside the stored array: `includes` on groups of thousands of alerts
// made every ingest quadratic. Built on first use; a group whose array is replaced (flush) gets a fresh set.
const members = new WeakMap<GroupState, { list: string[]; set: Set<string> }>();
function addMember(group: GroupState, fp: string): void {
  let m = members.get(group);
  if (!m || m.list !== group.fingerprints) {
    m = { list: group.fingerprints, set: new Set(group.fingerprints) };
    members.set(group, m);
  }
  if (m.set.has(fp)) return;
  m.set.add(fp);
  group.fingerprints.push(fp);
}

/** timeOf parses an RFC 3339 time; the alerts of one batch mostly share theirs, so the last two are remembered. */
const lastParsed = { start: ['', 0] as [string, number], end: ['', 0] as [string, number] };
function timeOf(text: string, memo: [string, number]): number {
  if (memo[0] !== text) {
    memo[0] = text;
    memo[1] = Date.parse(text);
  }
  return memo[1];
}

function stored(alert: Alert, now: number): StoredAlert {
  const endsAt = alert.endsAt && alert.endsAt !== ZERO_TIME ? timeOf(alert.endsAt, lastParsed.end) : Number.MAX_SAFE_INTEGER;
  return { labels: alert.labels, annotations: alert.annotations ?? {}, startsAt: (alert.startsAt ? timeOf(alert.startsAt, lastParsed.start) : NaN) || now, endsAt, generatorURL: alert.generatorURL ?? '', updatedAt: now };
}

/**
 * ingestAlerts stores alerts as Alertmanager does (same fingerprint = same alert, refreshed, never duplicated; a
 * resolved one that fires again later is a new episode) and puts each in the aggregation group of every route it
 * matches. A new group first flushes after its group_wait (the earliest of those: firstNewFlushAt); nothing else
 * that nextDue looks at changes.
 */
export function ingestAlerts(state: RouterState, alerts: Alert[], config: AlertmanagerConfig, now: number): { fingerprints: string[]; newGroups: number; firstNewFlushAt?: number } {
  const fingerprints: string[] = [];
  let newGroups = 0;
  let firstNewFlushAt = Infinity;
  for (const alert of alerts) {
    const fp = fingerprintLabels(alert.labels);
    fingerprints.push(fp);
    const incoming = stored(alert, now);
    const existing = state.alerts[fp];
    if (existing && !(existing.endsAt <= now && incoming.startsAt > existing.endsAt)) {
      existing.startsAt = Math.min(existing.startsAt, incoming.startsAt);
      existing.endsAt = incoming.endsAt;
      existing.annotations = incoming.annotations;
      existing.generatorURL = incoming.generatorURL || existing.generatorURL;
      existing.updatedAt = now;
    } else state.alerts[fp] = incoming;
    const resolved = state.alerts[fp]!.endsAt <= now;
    for (const route of matchRoutes(config.route, alert.labels)) {
      const key = groupKey(route, alert.labels);
      let group = state.groups[key];
      if (!group) {
        if (resolved) continue; // nothing to say about an alert nobody heard fire
        group = { key, routeId: route.id, receiver: route.receiver, labels: groupLabels(route, alert.labels), fingerprints: [], createdAt: now, nextFlushAt: now + route.groupWaitMs };
        state.groups[key] = group;
        newGroups++;
        firstNewFlushAt = Math.min(firstNewFlushAt, group.nextFlushAt);
      }
      addMember(group, fp);
    }
  }
  return firstNewFlushAt === Infinity ? { fingerprints, newGroups } : { fingerprints, newGroups, firstNewFlushAt };
}

const isSubset = (a: string[], b: string[]) => {
  const set = new Set(b);
  return a.every((x) => set.has(x));
};

/** needsUpdate is Alertmanager's DedupStage decision (notify/notify.go). */
export function needsUpdate(last: GroupState['last'], firing: string[], resolved: string[], sendResolved: boolean, repeatMs: number, now: number): boolean {
  if (!last) return firing.length > 0;
  if (!isSubset(firing, last.firing)) return true;
  if (firing.length === 0) return last.firing.length > 0;
  if (sendResolved && !isSubset(resolved, last.resolved)) return true;
  return last.at + repeatMs <= now;
}

function toWebhook(fp: string, a: StoredAlert, now: number): WebhookAlert {
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

/** groupPayload renders a group's current firing alerts for a receiver (escalation steps reuse it). */
export function groupPayload(state: RouterState, group: GroupState, receiver: string, now: number, externalURL: string) {
  const firing = group.fingerprints.filter((fp) => state.alerts[fp] && state.alerts[fp]!.endsAt > now).sort((x, y) => alertOrder(state.alerts[x]!, state.alerts[y]!));
  const alerts = firing.map((fp) => toWebhook(fp, state.alerts[fp]!, now));
  return { ...buildWebhookPayload({ receiver, groupLabels: group.labels, alerts, externalURL }), groupKey: group.key };
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

export interface FlushReport {
  flushed: number;
  notified: number;
  deferred: number;
  muted: number;
  entries: OutboxEntry[];
}

/**
 * flushDue runs every group whose time has come through Alertmanager's pipeline: inhibition, silences, time
 * intervals (deferred to the interval's end, or dropped, per receiver), then the dedup decision against the
 * group's notification log. Each notification becomes one outbox entry per integration; the log is written at the
 * decision, so a crash after it still delivers (the outbox is saved with it) and never decides twice.
 */
export function flushDue(state: RouterState, config: AlertmanagerConfig, now: number, options: DispatchOptions): FlushReport {
  const report: FlushReport = { flushed: 0, notified: 0, deferred: 0, muted: 0, entries: [] };
  const due = Object.values(state.groups).filter((g) => g.nextFlushAt <= now);
  if (due.length === 0) return report;
  const routes = routeIndex(config.route);
  const inhibitor = buildInhibitor(config.inhibitRules, state.alerts, now);
  const newId = options.newId ?? randomUUID;
  for (const group of due) {
    const route = routes.get(group.routeId);
    const receiver = config.receivers.get(group.receiver);
    if (!route || !receiver) {
      delete state.groups[group.key]; // the configuration changed: the alerts regroup when they are re-sent
      continue;
    }
    report.flushed++;
    group.fingerprints = group.fingerprints.filter((fp) => state.alerts[fp]);
    const muteWindow = timeMute(config, route, now);
    if (muteWindow) {
      if (options.mutedPolicy(group.receiver) === 'delay') {
        group.deferredUntil = muteWindow.until ?? now + route.groupIntervalMs;
        group.nextFlushAt = group.deferredUntil;
        report.deferred++;
      } else {
        group.nextFlushAt = now + route.groupIntervalMs;
        report.muted++;
      }
      continue;
    }
    delete group.deferredUntil;
    const visible = group.fingerprints.filter((fp) => !silencedBy(state, state.alerts[fp]!.labels, now) && !inhibitor(state.alerts[fp]!, fp));
    const firing = visible.filter((fp) => state.alerts[fp]!.endsAt > now).sort();
    const resolved = visible.filter((fp) => state.alerts[fp]!.endsAt <= now).sort();
    const list = integrations(receiver);
    const sendResolved = list.some((i) => i.sendResolved);
    if (needsUpdate(group.last, firing, resolved, sendResolved, route.repeatIntervalMs, now)) {
      const alerts = [...firing, ...resolved].sort((x, y) => alertOrder(state.alerts[x]!, state.alerts[y]!)).map((fp) => toWebhook(fp, state.alerts[fp]!, now));
      for (const integration of list) {
        let payloadAlerts = integration.sendResolved ? alerts : alerts.filter((a) => a.status === 'firing');
        if (payloadAlerts.length === 0) continue;
        let truncated = 0;
        if (integration.maxAlerts > 0 && payloadAlerts.length > integration.maxAlerts) {
          truncated = payloadAlerts.length - integration.maxAlerts;
          payloadAlerts = payloadAlerts.slice(0, integration.maxAlerts);
        }
        const payload = { ...buildWebhookPayload({ receiver: group.receiver, groupLabels: group.labels, alerts: payloadAlerts, externalURL: options.externalURL }), groupKey: group.key, truncatedAlerts: truncated, status: (firing.length > 0 ? 'firing' : 'resolved') as 'firing' | 'resolved' };
        const entry: OutboxEntry = { id: newId(), groupKey: group.key, receiver: group.receiver, integration: integration.id, payload, createdAt: now, attempts: 0, nextAttemptAt: now };
        state.outbox.push(entry);
        report.entries.push(entry);
      }
      group.last = { firing, resolved, at: now };
      report.notified++;
    }
    // resolved alerts leave the group once flushed (Alertmanager deletes them after a flush); an empty group ends
    const gone = new Set(group.fingerprints.filter((fp) => state.alerts[fp]!.endsAt <= now));
    group.fingerprints = group.fingerprints.filter((fp) => !gone.has(fp));
    if (group.fingerprints.length === 0) delete state.groups[group.key];
    else group.nextFlushAt = now + route.groupIntervalMs;
  }
  return report;
}

/** gcAlerts forgets alerts that no group holds any more and that resolved more than `retentionMs` ago. */
export function gcAlerts(state: RouterState, now: number, retentionMs: number): number {
  const held = new Set(Object.values(state.groups).flatMap((g) => g.fingerprints));
  let removed = 0;
  for (const [fp, a] of Object.entries(state.alerts)) {
    if (held.has(fp) || a.endsAt > now - retentionMs) continue;
    delete state.alerts[fp];
    removed++;
  }
  return removed;
}

/** nextDue is the earliest time any group, outbox entry or running escalation needs the router again. */
export function nextDue(state: RouterState): number | undefined {
  let next = Infinity;
  for (const key in state.groups) next = Math.min(next, state.groups[key]!.nextFlushAt);
  for (const entry of state.outbox) next = Math.min(next, entry.nextAttemptAt);
  for (const key in state.escalations ?? {}) {
    const esc = state.escalations![key]!;
    if (!esc.ack && !esc.done) next = Math.min(next, esc.nextAt);
  }
  return next === Infinity ? undefined : next;
}
