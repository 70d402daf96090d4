import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { AlertmanagerConfig, RouteNode } from '../config/alertmanager-config.ts';
import { groupKey, groupLabels, matchRoutes } from '../config/routes.ts';
import { fingerprintLabels } from '../fingerprint.ts';
import { buildWebhookPayload, ZERO_TIME } from '../webhook-payload.ts';
import { alertOrder, notifyPipeline, runStages, storedToWebhook } from './notify-stages.ts';
import type { notificationKey } from './notification-log.ts';
import type { GroupState, OutboxEntry, RouterState, StoredAlert } from './state.ts';

/** DispatchOptions are what the pure core needs beyond the routing configuration. */
export interface DispatchOptions {
  externalURL: string;
  /** mutedPolicy: `delay` holds a time-muted notification until the interval ends; `drop` does as Alertmanager. */
  mutedPolicy(receiver: string): 'delay' | 'drop';
  newId?: () => string;
  /** set when the router runs as a pair: every notification's outbox entries carry their notification-log key. */
  notificationKey?: typeof notificationKey;
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

// How many alerts a state holds, kept beside it once asked for (Object.keys of 100 000 alerts on every ingest would
// cost more than the ingest): ingestAlerts and gcAlerts, the only ones that add or remove alerts, keep it in step.
const alertCounts = new WeakMap<RouterState, number>();
/** alertCount is how many alerts (firing, or resolved and not yet collected) the state holds. */
export function alertCount(state: RouterState): number {
  let n = alertCounts.get(state);
  if (n === undefined) alertCounts.set(state, (n = Object.keys(state.alerts).length));
  return n;
}
const countChange = (state: RouterState, by: number) => {
  const n = alertCounts.get(state);
  if (n !== undefined) alertCounts.set(state, n + by);
};

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
  const endsAt =
    alert.endsAt && alert.endsAt !== ZERO_TIME ? timeOf(alert.endsAt, lastParsed.end) : Number.MAX_SAFE_INTEGER;
  return {
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: (alert.startsAt ? timeOf(alert.startsAt, lastParsed.start) : NaN) || now,
    endsAt,
    generatorURL: alert.generatorURL ?? '',
    updatedAt: now,
  };
}

/**
 * ingestAlerts stores alerts as Alertmanager does (same fingerprint = same alert, refreshed, never duplicated; a
 * resolved one that fires again later is a new episode) and puts each in the aggregation group of every route it
 * matches. A new group first flushes after its group_wait (the earliest of those: firstNewFlushAt); nothing else
 * that nextDue looks at changes.
 */
export function ingestAlerts(
  state: RouterState,
  alerts: Alert[],
  config: AlertmanagerConfig,
  now: number,
): { fingerprints: string[]; newGroups: number; firstNewFlushAt?: number } {
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
    } else {
      if (!existing) countChange(state, 1);
      state.alerts[fp] = incoming;
    }
    const resolved = state.alerts[fp]!.endsAt <= now;
    for (const route of matchRoutes(config.route, alert.labels)) {
      const key = groupKey(route, alert.labels);
      let group = state.groups[key];
      if (!group) {
        if (resolved) continue; // nothing to say about an alert nobody heard fire
        group = {
          key,
          routeId: route.id,
          receiver: route.receiver,
          labels: groupLabels(route, alert.labels),
          fingerprints: [],
          createdAt: now,
          nextFlushAt: now + route.groupWaitMs,
        };
        state.groups[key] = group;
        newGroups++;
        firstNewFlushAt = Math.min(firstNewFlushAt, group.nextFlushAt);
      }
      addMember(group, fp);
    }
  }
  return firstNewFlushAt === Infinity ? { fingerprints, newGroups } : { fingerprints, newGroups, firstNewFlushAt };
}

/** groupPayload renders a group's current firing alerts for a receiver (escalation steps reuse it). */
export function groupPayload(
  state: RouterState,
  group: GroupState,
  receiver: string,
  now: number,
  externalURL: string,
) {
  const firing = group.fingerprints
    .filter((fp) => state.alerts[fp] && state.alerts[fp]!.endsAt > now)
    .sort((x, y) => alertOrder(state.alerts[x]!, state.alerts[y]!));
  const alerts = firing.map((fp) => storedToWebhook(fp, state.alerts[fp]!, now));
  return { ...buildWebhookPayload({ receiver, groupLabels: group.labels, alerts, externalURL }), groupKey: group.key };
}

/** FlushReport counts what a flush did: groups run, notifications decided, deferred and dropped by time intervals. */
export interface FlushReport {
  flushed: number;
  notified: number;
  deferred: number;
  muted: number;
  entries: OutboxEntry[];
}

/**
 * flushDue runs every group whose time has come through the notify pipeline (notify-stages.ts): time intervals
 * (deferred to the interval's end, or dropped, per receiver), inhibition, silences, then the dedup decision against
 * the group's notification log and one outbox entry per integration. The log is written at the decision, so a crash
 * after it still delivers (the outbox is saved with it) and never decides twice.
 */
export function flushDue(
  state: RouterState,
  config: AlertmanagerConfig,
  now: number,
  options: DispatchOptions,
): FlushReport {
  const report: FlushReport = { flushed: 0, notified: 0, deferred: 0, muted: 0, entries: [] };
  const due = Object.values(state.groups).filter((g) => g.nextFlushAt <= now);
  if (due.length === 0) return report;
  const routes = routeIndex(config.route);
  const stages = notifyPipeline({
    state,
    config,
    externalURL: options.externalURL,
    mutedPolicy: options.mutedPolicy,
    newId: options.newId ?? randomUUID,
    entries: report.entries,
    ...(options.notificationKey ? { notificationKey: options.notificationKey } : {}),
  });
  for (const group of due) {
    const route = routes.get(group.routeId);
    const receiver = config.receivers.get(group.receiver);
    if (!route || !receiver) {
      delete state.groups[group.key]; // the configuration changed: the alerts regroup when they are re-sent
      continue;
    }
    report.flushed++;
    group.fingerprints = group.fingerprints.filter((fp) => state.alerts[fp]);
    const outcome = runStages(stages, { group, route, receiver, alerts: group.fingerprints }, now);
    if ('stopped' in outcome && outcome.stopped !== 'unchanged') {
      report[outcome.stopped]++;
      continue;
    }
    if ('next' in outcome) report.notified++;
    // resolved alerts leave the group once flushed (Alertmanager deletes them after a flush); an empty group ends
    group.fingerprints = group.fingerprints.filter((fp) => state.alerts[fp]!.endsAt > now);
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
  countChange(state, -removed);
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
