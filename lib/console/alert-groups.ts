import { groupKey, matchesAll, matchRoutes, type InhibitRule } from '#lib/alerting/config/index.ts';
import { compileAnchored } from '#lib/alerting/config/index.ts';
import type { AlertsSource, RouterAlert, RouterSilence } from './sources.ts';

/** PreparedAlert is an active alert with what the page needs that depends only on one read of alert-router. */
export interface PreparedAlert {
  alert: RouterAlert;
  startsAtMs: number;
  /** the aggregation groups alert-router puts it in (one per matching route), with their receivers. */
  groups: Array<{ key: string; receiver: string; labels: Record<string, string> }>;
  silencedBy: string[];
  inhibitedBy?: string;
}

// A read of alert-router is prepared once and shared by every page drawn from it (filters apply afterwards).
const prepared = new WeakMap<AlertsSource, { at: number; alerts: PreparedAlert[] }>();

function silenceMatches(s: RouterSilence, labels: Record<string, string>): boolean {
  return s.matchers.every((m) => {
    const v = labels[m.name] ?? '';
    let hit: boolean;
    try {
      hit = m.isRegex ? compileAnchored(m.value).test(v) : v === m.value;
    } catch {
      return false;
    }
    return m.isEqual === false ? !hit : hit;
  });
}

/**
 * inhibitorFor is Alertmanager's inhibition as alert-router applies it: a target is muted while a firing source
 * with equal `equal` labels exists, and an alert matching both sides is not muted by another that also does.
 */
function inhibitorFor(rules: InhibitRule[], alerts: RouterAlert[]): (a: RouterAlert) => string | undefined {
  const index = rules.map((rule) => {
    const byKey = new Map<string, Array<{ fp: string; alsoTarget: boolean }>>();
    for (const a of alerts) {
      if (!matchesAll(rule.source, a.labels)) continue;
      const key = JSON.stringify(rule.equal.map((l) => a.labels[l] ?? ''));
      byKey.set(key, [...(byKey.get(key) ?? []), { fp: a.fingerprint, alsoTarget: matchesAll(rule.target, a.labels) }]);
    }
    return byKey;
  });
  return (a) => {
    for (const [i, rule] of rules.entries()) {
      if (!matchesAll(rule.target, a.labels)) continue;
      const both = matchesAll(rule.source, a.labels);
      const found = index[i]!.get(JSON.stringify(rule.equal.map((l) => a.labels[l] ?? '')))?.find(
        (s) => s.fp !== a.fingerprint && !(both && s.alsoTarget),
      );
      if (found) return found.fp;
    }
    return undefined;
  };
}

/** prepareAlerts groups the active alerts of one read as alert-router's routing does and marks silenced and inhibited ones. */
export function prepareAlerts(source: AlertsSource, now: number): PreparedAlert[] {
  const hit = prepared.get(source);
  // silences start and end by the clock: a cached preparation is reused for a minute at most
  if (hit && now - hit.at < 60_000) return hit.alerts;
  const active = source.alerts.filter((a) => a.status.state === 'active' && Date.parse(a.endsAt) > now);
  const silences = source.silences.filter(
    (s) => s.status.state === 'active' || (Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now),
  );
  const inhibitedBy = inhibitorFor(source.routing.config.inhibitRules, active);
  const alerts = active.map((alert): PreparedAlert => {
    const groups = matchRoutes(source.routing.config.route, alert.labels).map((route) => {
      const labels: Record<string, string> = {};
      if (route.groupByAll) Object.assign(labels, alert.labels);
      else for (const name of route.groupBy) if (alert.labels[name] !== undefined) labels[name] = alert.labels[name]!;
      return { key: groupKey(route, alert.labels), receiver: route.receiver, labels };
    });
    const inhibitor = inhibitedBy(alert);
    return {
      alert,
      startsAtMs: Date.parse(alert.startsAt),
      groups,
      silencedBy: silences.filter((s) => silenceMatches(s, alert.labels)).map((s) => s.id),
      ...(inhibitor ? { inhibitedBy: inhibitor } : {}),
    };
  });
  prepared.set(source, { at: now, alerts });
  return alerts;
}
