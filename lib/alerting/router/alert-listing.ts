import { opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { matchesAll, MatcherError, parseMatcher, type Matcher } from '../config/matchers.ts';
import type { RouterState, StoredAlert } from './state.ts';

/** AlertQuery is GET /api/v2/alerts's query: Alertmanager's `filter` and `active`, and our paging (`limit`, `after`). */
export interface AlertQuery {
  matchers: Matcher[];
  /** include firing alerts (Alertmanager's `active`, true by default) and resolved ones not yet collected (`resolved`). */
  active: boolean;
  resolved: boolean;
  /** at most this many alerts per answer; the next page starts after the last fingerprint given. */
  limit?: number;
  after?: string;
}

/** MAX_PAGE is the largest `limit`; without one, every alert is listed (Alertmanager's answer), streamed. */
export const MAX_PAGE = 10_000;
/** SCAN_SLICE is how many alerts one event-loop turn looks at: a scan of 100 000 never holds other requests long. */
const SCAN_SLICE = 2000;

/** filterMatchers reads the `filter` parameters as matchers; each bad one is a problem naming `filter[i]`. */
export function filterMatchers(params: URLSearchParams, problems: ErrorDetail[]): Matcher[] {
  const matchers: Matcher[] = [];
  for (const [i, text] of params.getAll('filter').entries()) {
    try {
      matchers.push(parseMatcher(text));
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err;
      problems.push({ field: `filter[${i}]`, reason: err.message });
    }
  }
  return matchers;
}

/** queryFlag reads a `true`/`false` parameter (`fallback` when absent); anything else is a problem. */
export function queryFlag(params: URLSearchParams, name: string, fallback: boolean, problems: ErrorDetail[]): boolean {
  const v = params.get(name);
  if (v === null) return fallback;
  if (v !== 'true' && v !== 'false') problems.push({ field: name, reason: 'true or false' });
  return v === 'true';
}

/** throwIfProblems answers BAD_REQUEST naming every bad parameter of a query (`what`: alert, group). */
export function throwIfProblems(what: string, problems: ErrorDetail[]): void {
  if (problems.length > 0)
    throw opsError(
      'BAD_REQUEST',
      `bad ${what} query: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      problems,
    );
}

/** parseAlertQuery reads the query string; a bad matcher or limit is BAD_REQUEST naming the parameter. */
export function parseAlertQuery(params: URLSearchParams): AlertQuery {
  const problems: ErrorDetail[] = [];
  const query: AlertQuery = {
    matchers: filterMatchers(params, problems),
    active: queryFlag(params, 'active', true, problems),
    resolved: queryFlag(params, 'resolved', true, problems),
  };
  const limit = params.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE)
      problems.push({ field: 'limit', reason: `an integer from 1 to ${MAX_PAGE}` });
    else query.limit = Number(limit);
  }
  const after = params.get('after');
  if (after !== null) {
    if (!/^[0-9a-f]{16}$/.test(after)) problems.push({ field: 'after', reason: 'a fingerprint (16 hex digits)' });
    else query.after = after;
  }
  throwIfProblems('alert', problems);
  return query;
}

/** AlertPage is the fingerprints to list, in order, and the cursor of the next page when there is one. */
export interface AlertPage {
  fingerprints: string[];
  next?: string;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * selectAlerts scans the state a slice per event-loop turn and picks the alerts the query asks for: with a limit,
 * the first `limit` fingerprints in order after `after`; without, every match in the state's order. The scan stops
 * with the request's deadline (`signal`), before anything is answered.
 */
export async function selectAlerts(
  state: RouterState,
  query: AlertQuery,
  now: number,
  signal: AbortSignal,
): Promise<AlertPage> {
  const keys = Object.keys(state.alerts);
  // With a limit only the `limit + 1` smallest matching fingerprints are kept (sorted, binary insertion): a page of
  // 100 000 alerts then costs one pass, not a sort of every match.
  const keep = query.limit === undefined ? Number.POSITIVE_INFINITY : query.limit + 1;
  const matches: string[] = [];
  for (let i = 0; i < keys.length; i += SCAN_SLICE) {
    if (i > 0) await turn();
    if (signal.aborted) throw signal.reason;
    for (const fp of keys.slice(i, i + SCAN_SLICE)) {
      const a = state.alerts[fp];
      if (!a || (query.after !== undefined && fp <= query.after)) continue;
      if (!(a.endsAt > now ? query.active : query.resolved)) continue;
      if (query.matchers.length > 0 && !matchesAll(query.matchers, a.labels)) continue;
      if (query.limit === undefined) matches.push(fp);
      else keepSmallest(matches, fp, keep);
    }
  }
  if (query.limit === undefined) return { fingerprints: matches };
  return matches.length > query.limit
    ? { fingerprints: matches.slice(0, query.limit), next: matches[query.limit - 1]! }
    : { fingerprints: matches };
}

/** keepSmallest inserts `fp` into the sorted `kept` when it is among the `size` smallest seen, dropping the largest. */
function keepSmallest(kept: string[], fp: string, size: number): void {
  if (kept.length === size && fp >= kept[size - 1]!) return;
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kept[mid]! < fp) lo = mid + 1;
    else hi = mid;
  }
  kept.splice(lo, 0, fp);
  if (kept.length > size) kept.pop();
}

/** gettableAlert renders a stored alert as API v2's gettableAlert lists it. */
export function gettableAlert(fp: string, a: StoredAlert, now: number): Record<string, unknown> {
  return {
    fingerprint: fp,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: new Date(a.endsAt).toISOString(),
    status: { state: a.endsAt > now ? 'active' : 'resolved' },
  };
}

/**
 * alertListingStream is the JSON array of a page, made a slice at a time as the socket takes it (no whole-answer
 * string); it ends early with an error when the request's deadline passes, so a late answer is never complete.
 */
export function alertListingStream(
  state: RouterState,
  page: AlertPage,
  now: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  let i = 0;
  let listed = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (signal.aborted) return controller.error(signal.reason);
      const parts: string[] = [];
      for (const fp of page.fingerprints.slice(i, i + SCAN_SLICE)) {
        const a = state.alerts[fp];
        if (a) parts.push(JSON.stringify(gettableAlert(fp, a, now)));
      }
      let text = i === 0 ? '[' : '';
      if (parts.length > 0) text += `${listed > 0 ? ',' : ''}${parts.join(',')}`;
      listed += parts.length;
      i += SCAN_SLICE;
      if (i >= page.fingerprints.length) {
        controller.enqueue(Buffer.from(`${text}]\n`));
        controller.close();
      } else controller.enqueue(Buffer.from(text));
    },
  });
}
