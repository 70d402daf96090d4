import type { ErrorDetail } from '#lib/runtime/errors.ts';
import type { AlertmanagerConfig } from '../config/alertmanager-config.ts';
import { compileAnchored, matchesAll, type Matcher } from '../config/matchers.ts';
import { filterMatchers, gettableAlert, queryFlag, throwIfProblems } from './alert-listing.ts';
import { routeIndex } from './dispatch.ts';
import { buildInhibitor } from './inhibit.ts';
import { silencedBy } from './silences.ts';
import type { RouterState } from './state.ts';
import { timeMute } from './time-mute.ts';

/**
 * GroupQuery is GET /api/v2/alerts/groups's query, as Alertmanager's OpenAPI names it: `filter` matchers, a
 * `receiver` regex (anchored), and `active`, `silenced`, `inhibited`, `muted` (all true by default) to keep or drop
 * alerts in those states.
 */
export interface GroupQuery {
  matchers: Matcher[];
  receiver?: RegExp;
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  muted: boolean;
}

/** parseGroupQuery reads the query string; a bad matcher, regex or flag is BAD_REQUEST naming the parameter. */
export function parseGroupQuery(params: URLSearchParams): GroupQuery {
  const problems: ErrorDetail[] = [];
  const query: GroupQuery = {
    matchers: filterMatchers(params, problems),
    active: queryFlag(params, 'active', true, problems),
    silenced: queryFlag(params, 'silenced', true, problems),
    inhibited: queryFlag(params, 'inhibited', true, problems),
    muted: queryFlag(params, 'muted', true, problems),
  };
  const receiver = params.get('receiver');
  if (receiver !== null) {
    try {
      query.receiver = compileAnchored(receiver);
    } catch (err) {
      problems.push({ field: 'receiver', reason: `not a regular expression: ${(err as Error).message}` });
    }
  }
  throwIfProblems('group', problems);
  return query;
}

/** AlertGroup is API v2's alertGroup, plus alert-router's `groupKey` (what POST /api/v1/ack takes). */
export interface AlertGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  groupKey: string;
  alerts: Array<Record<string, unknown>>;
}

/**
 * listAlertGroups is alert-router's aggregation groups as Alertmanager's groups endpoint lists them: the firing
 * alerts of each group (resolved ones are left out), each with its status — `suppressed` when an active silence,
 * an inhibit rule or the route's time interval mutes it, with the ids (first matching silence) or interval names —
 * and groups left empty by the query dropped. Groups are ordered by labels then receiver; alerts by start, then
 * fingerprint.
 */
export function listAlertGroups(
  state: RouterState,
  config: AlertmanagerConfig,
  query: GroupQuery,
  now: number,
): AlertGroup[] {
  const routes = routeIndex(config.route);
  const inhibitor = buildInhibitor(config.inhibitRules, state.alerts, now);
  const status = new Map<string, { silencedBy: string[]; inhibitedBy: string[] }>();
  const groups: Array<AlertGroup & { order: string }> = [];
  for (const group of Object.values(state.groups)) {
    if (query.receiver && !query.receiver.test(group.receiver)) continue;
    const route = routes.get(group.routeId);
    const window = route ? timeMute(config, route, now) : undefined;
    const mutedBy = window ? [window.interval] : [];
    if (mutedBy.length > 0 && !query.muted) continue;
    const members = group.fingerprints
      .flatMap((fp) => {
        const a = state.alerts[fp];
        return a && a.endsAt > now ? [{ fp, a }] : [];
      })
      .sort((x, y) => x.a.startsAt - y.a.startsAt || (x.fp < y.fp ? -1 : 1));
    const alerts: AlertGroup['alerts'] = [];
    for (const { fp, a } of members) {
      let known = status.get(fp);
      if (!known) {
        const silence = silencedBy(state, a.labels, now);
        const inhibitor_ = inhibitor(a, fp);
        known = { silencedBy: silence ? [silence] : [], inhibitedBy: inhibitor_ ? [inhibitor_] : [] };
        status.set(fp, known);
      }
      const suppressed = known.silencedBy.length > 0 || known.inhibitedBy.length > 0 || mutedBy.length > 0;
      if (!suppressed && !query.active) continue;
      if (known.silencedBy.length > 0 && !query.silenced) continue;
      if (known.inhibitedBy.length > 0 && !query.inhibited) continue;
      if (query.matchers.length > 0 && !matchesAll(query.matchers, a.labels)) continue;
      alerts.push({
        ...gettableAlert(fp, a, now),
        receivers: [{ name: group.receiver }],
        updatedAt: new Date(a.updatedAt).toISOString(),
        status: { state: suppressed ? 'suppressed' : 'active', ...known, mutedBy },
      });
    }
    if (alerts.length === 0) continue;
    groups.push({
      labels: group.labels,
      receiver: { name: group.receiver },
      groupKey: group.key,
      alerts,
      order: `${JSON.stringify(Object.entries(group.labels).sort())}\n${group.receiver}`,
    });
  }
  groups.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  return groups.map(({ order: _, ...g }) => g);
}

/** alertGroupsStream is the JSON array of the groups, a slice of groups at a time as the socket takes it. */
export function alertGroupsStream(groups: AlertGroup[], slice = 200): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const text = groups
        .slice(i, i + slice)
        .map((g) => JSON.stringify(g))
        .join(',');
      const head = i === 0 ? '[' : text ? ',' : '';
      i += slice;
      if (i >= groups.length) {
        controller.enqueue(Buffer.from(`${head}${text}]\n`));
        controller.close();
      } else controller.enqueue(Buffer.from(`${head}${text}`));
    },
  });
}
