import type { RouteNode } from './alertmanager-config.ts';
import { matchesAll } from './matchers.ts';

/**
 * matchRoutes is Alertmanager's Route.Match (dispatch/route.go): depth first; a matching child without `continue`
 * ends the search among its siblings; a node none of whose children matched handles the alert itself.
 */
export function matchRoutes(route: RouteNode, labels: Record<string, string>): RouteNode[] {
  const all: RouteNode[] = [];
  collectRoutes(route, labels, all);
  return all;
}

/** collectRoutes appends the routes of `route`'s subtree that handle the alert; it answers whether any did. */
function collectRoutes(route: RouteNode, labels: Record<string, string>, into: RouteNode[]): boolean {
  if (!matchesAll(route.matchers, labels)) return false;
  const before = into.length;
  for (const child of route.routes) {
    if (collectRoutes(child, labels, into) && !child.continue) break;
  }
  if (into.length === before) into.push(route);
  return true;
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
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${goQuote(labels[k]!)}`)
    .join(', ')}}`;
}

// Group keys by route and group_by values: printing and quoting the label set for every alert of an ingest cost
// more than matching its route. Bounded: a route with more distinct groups than this starts a fresh cache.
const KEYS_CACHED = 4096;
const keyCache = new WeakMap<RouteNode, Map<string, string>>();

/** groupKey is Alertmanager's aggregation group key: `<route key>:<group labels>`. */
export function groupKey(route: RouteNode, labels: Record<string, string>): string {
  if (route.groupByAll) return `${route.key}:${labelSetString(labels)}`;
  // length-prefixed, so no value can pass for another; an absent label is not an empty one
  let values = '';
  for (const name of route.groupBy) {
    const value = labels[name];
    values += value === undefined ? '-|' : `${value.length}:${value}|`;
  }
  let cache = keyCache.get(route);
  if (!cache || cache.size >= KEYS_CACHED) keyCache.set(route, (cache = new Map()));
  let key = cache.get(values);
  if (key === undefined) cache.set(values, (key = `${route.key}:${labelSetString(groupLabels(route, labels))}`));
  return key;
}
