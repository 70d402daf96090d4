import type { RouteNode } from './alertmanager-config.ts';
import { matchesAll } from './matchers.ts';

/**
 * matchRoutes is Alertmanager's Route.Match (dispatch/route.go): depth first; a matching child without `continue`
 * ends the search among its siblings; a node none of whose children matched handles the alert itself.
 */
export function matchRoutes(route: RouteNode, labels: Record<string, string>): RouteNode[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: RouteNode[] = [];
  for (const child of route.routes) {
    const found = matchRoutes(child, labels);
    all.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  if (all.length === 0) all.push(route);
  return all;
}

function goQuote(v: string): string {
  return JSON.stringify(v).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

/** groupLabels picks the route's group_by labels present on the alert (all labels for `...`). */
export function groupLabels(route: RouteNode, labels: Record<string, string>): Record<string, string> {
  if (route.groupByAll) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.groupBy) if (labels[name] !== undefined) out[name] = labels[name]!;
  return out;
}

/** labelSetString prints a label set as Go's model.LabelSet.String(): sorted, `{a="x", b="y"}`. */
export function labelSetString(labels: Record<string, string>): string {
  return `{${Object.keys(labels).sort().map((k) => `${k}=${goQuote(labels[k]!)}`).join(', ')}}`;
}

/** groupKey is Alertmanager's aggregation group key: `<route key>:<group labels>`. */
export function groupKey(route: RouteNode, labels: Record<string, string>): string {
  return `${route.key}:${labelSetString(groupLabels(route, labels))}`;
}
