import type { InhibitRule } from '../config/alertmanager-config.ts';
import { matchesAll } from '../config/matchers.ts';
import type { StoredAlert } from './state.ts';

/**
 * buildInhibitor is Alertmanager's inhibitor: a target alert is muted while a firing source alert has equal values
 * for every `equal` label (missing = empty). An alert matching both sides is only inhibited by sources that do not
 * themselves match the target side (no self-inhibition). Sources are indexed once per evaluation, by the values of
 * their `equal` labels, so checking N targets costs N lookups, not N × sources.
 */
export function buildInhibitor(
  rules: InhibitRule[],
  alerts: Record<string, StoredAlert>,
  now: number,
): (target: StoredAlert, fp: string) => string | undefined {
  const indexes = rules.map((rule) => {
    const byKey = new Map<string, Array<{ fp: string; alsoTarget: boolean }>>();
    for (const [fp, a] of Object.entries(alerts)) {
      if (a.endsAt <= now || !matchesAll(rule.source, a.labels)) continue;
      const key = JSON.stringify(rule.equal.map((l) => a.labels[l] ?? ''));
      const list = byKey.get(key) ?? [];
      list.push({ fp, alsoTarget: matchesAll(rule.target, a.labels) });
      byKey.set(key, list);
    }
    return byKey;
  });
  return (target, fp) => {
    for (const [i, rule] of rules.entries()) {
      if (!matchesAll(rule.target, target.labels)) continue;
      const targetIsSource = matchesAll(rule.source, target.labels);
      const sources = indexes[i]!.get(JSON.stringify(rule.equal.map((l) => target.labels[l] ?? ''))) ?? [];
      const found = sources.find((s) => s.fp !== fp && !(targetIsSource && s.alsoTarget));
      if (found) return found.fp;
    }
    return undefined;
  };
}
