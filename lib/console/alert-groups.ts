import { matchesAll } from '#lib/alerting/config/index.ts';
import type { Filters } from './filters.ts';
import type { RouterGroup, RouterGroupAlert } from './sources.ts';

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };
/** severityRank orders severities worst first (unknown last). */
export const severityRank = (s: string | undefined): number => SEVERITY_RANK[s ?? ''] ?? 3;
/** SEVERITY_NAMES are the ranks' names, worst first. */
export const SEVERITY_NAMES = Object.keys(SEVERITY_RANK);

/** SelectedGroup is one of alert-router's groups with the alerts the filters keep, and what orders it. */
export interface SelectedGroup {
  group: RouterGroup;
  alerts: RouterGroupAlert[];
  severity: number;
  oldest: number;
}

/** GroupSelection is what the alerts panel shows that depends only on one read of the groups and the filters. */
export interface GroupSelection {
  /** distinct firing alerts (an alert routed to two receivers is in two groups, counted once). */
  active: number;
  matching: number;
  hiddenSilenced: number;
  bySeverity: Record<string, number>;
  labelNames: Set<string>;
  /** the groups with at least one alert kept, worst severity first, then the oldest. */
  groups: SelectedGroup[];
}

/** isMuted: silenced or inhibited, what "hide silenced" hides. */
export const isMuted = (a: RouterGroupAlert): boolean =>
  a.status.silencedBy.length > 0 || a.status.inhibitedBy.length > 0;

// A read of the groups is selected once per filter set and shared by every page drawn from it: the reader answers
// the same array while alert-router's answer is unchanged, so this cache lives as long as the data does.
const selections = new WeakMap<RouterGroup[], Map<string, GroupSelection>>();
const KEPT_FILTER_SETS = 32;

/** selectGroups applies the URL's filters to alert-router's groups (cached per read and filter set). */
export function selectGroups(groups: RouterGroup[], filters: Filters): GroupSelection {
  const key = JSON.stringify([filters.subsystems, filters.severities, filters.q, filters.showSilenced]);
  let byFilter = selections.get(groups);
  const hit = byFilter?.get(key);
  if (hit) return hit;
  const selection = select(groups, filters);
  if (!byFilter) selections.set(groups, (byFilter = new Map()));
  if (byFilter.size >= KEPT_FILTER_SETS) byFilter.delete(byFilter.keys().next().value!);
  byFilter.set(key, selection);
  return selection;
}

function select(groups: RouterGroup[], filters: Filters): GroupSelection {
  const seen = new Set<string>();
  const matched = new Set<string>();
  const hidden = new Set<string>();
  const bySeverity: Record<string, number> = { critical: 0, warning: 0, info: 0 };
  const labelNames = new Set<string>();
  const selected: SelectedGroup[] = [];
  for (const group of groups) {
    const kept: RouterGroupAlert[] = [];
    let severity = 3;
    let oldest = Infinity;
    for (const a of group.alerts) {
      const labels = a.labels;
      const first = !seen.has(a.fingerprint);
      if (first) {
        seen.add(a.fingerprint);
        for (const name in labels) labelNames.add(name);
      }
      if (filters.subsystems.length && !filters.subsystems.includes(labels.subsystem ?? '')) continue;
      if (filters.severities.length && !filters.severities.includes(labels.severity ?? '')) continue;
      if (filters.matchers.length && !matchesAll(filters.matchers, labels)) continue;
      if (!filters.showSilenced && isMuted(a)) {
        hidden.add(a.fingerprint);
        continue;
      }
      if (!matched.has(a.fingerprint)) {
        matched.add(a.fingerprint);
        const s = labels.severity ?? 'info';
        bySeverity[s] = (bySeverity[s] ?? 0) + 1;
      }
      kept.push(a);
      severity = Math.min(severity, severityRank(labels.severity));
      oldest = Math.min(oldest, Date.parse(a.startsAt));
    }
    if (kept.length > 0) selected.push({ group, alerts: kept, severity, oldest });
  }
  selected.sort((a, b) => a.severity - b.severity || a.oldest - b.oldest);
  return {
    active: seen.size,
    matching: matched.size,
    hiddenSilenced: hidden.size,
    bySeverity,
    labelNames,
    groups: selected,
  };
}

/** findAlert is a firing alert of the read by fingerprint (the silence form is prefilled from it). */
export function findAlert(groups: RouterGroup[], fingerprint: string): RouterGroupAlert | undefined {
  for (const g of groups) for (const a of g.alerts) if (a.fingerprint === fingerprint) return a;
  return undefined;
}
