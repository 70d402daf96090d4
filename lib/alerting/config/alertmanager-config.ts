import { isOpsError, opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import { parseYamlWithLines, withLines, type YamlSource } from '#lib/runtime/yaml.ts';
import { parseDuration } from './duration.ts';
import { MatcherError, newMatcher, parseMatchers, sortMatchers, matchersString, type Matcher } from './matchers.ts';
import { configSchema } from './schema.ts';
import { IntervalError, parseIntervalSpec, type RawSpec, type TimeIntervalSpec } from './time-intervals.ts';

/** RouteNode is one compiled node of the routing tree, options already inherited from its parents. */
export interface RouteNode {
  /** key is Alertmanager's Route.Key(): the parents' matchers joined by `/` (root `{}`), used in group keys. */
  key: string;
  /** id adds the sibling index so two routes with equal matchers stay distinct (Route.ID()). */
  id: string;
  matchers: Matcher[];
  receiver: string;
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  continue: boolean;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteNode[];
  /** line of the route in the file, for messages. */
  line?: number;
}

export interface WebhookReceiver {
  url: string;
  sendResolved: boolean;
  maxAlerts: number;
}
export interface SlackReceiver {
  apiUrl: string;
  channel?: string;
  username?: string;
  title?: string;
  text?: string;
  sendResolved: boolean;
}
export interface EmailReceiver {
  to: string;
  from: string;
  smarthost: string;
  hello: string;
  authUsername?: string;
  authPassword?: string;
  requireTls: boolean;
  headers: Record<string, string>;
  sendResolved: boolean;
}
export interface PagerDutyReceiver {
  routingKey: string;
  url: string;
  severity?: string;
  source?: string;
  sendResolved: boolean;
}

export interface Receiver {
  name: string;
  webhook: WebhookReceiver[];
  slack: SlackReceiver[];
  email: EmailReceiver[];
  pagerduty: PagerDutyReceiver[];
  /** file taps (JSON lines), added by the runtime for the local stack, never read from the YAML. */
  file?: Array<{ path: string }>;
  /** integrations present in the file that cmp-ops does not deliver (listed at load time). */
  unsupported: string[];
}

export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

export interface AlertmanagerConfig {
  resolveTimeoutMs: number;
  route: RouteNode;
  receivers: Map<string, Receiver>;
  inhibitRules: InhibitRule[];
  timeIntervals: Map<string, TimeIntervalSpec[]>;
  /** the cmp-ops extension section, validated by its own module. */
  extension: Record<string, unknown>;
  source: YamlSource;
}

interface RawRoute {
  receiver?: string;
  group_by?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: string[];
  continue?: boolean;
  routes?: RawRoute[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
}
interface RawConfig {
  global?: Record<string, unknown> & {
    resolve_timeout?: string;
    smtp_from?: string;
    smtp_hello?: string;
    smtp_smarthost?: string;
    smtp_auth_username?: string;
    smtp_auth_password?: string;
    smtp_require_tls?: boolean;
    slack_api_url?: string;
    pagerduty_url?: string;
  };
  route: RawRoute;
  inhibit_rules?: Array<{
    source_match?: Record<string, string>;
    source_match_re?: Record<string, string>;
    source_matchers?: string[];
    target_match?: Record<string, string>;
    target_match_re?: Record<string, string>;
    target_matchers?: string[];
    equal?: string[];
  }>;
  receivers?: Array<Record<string, unknown> & { name: string }>;
  time_intervals?: Array<{ name: string; time_intervals?: RawSpec[] }>;
  mute_time_intervals?: Array<{ name: string; time_intervals?: RawSpec[] }>;
  cmp_ops?: Record<string, unknown>;
}

const validateShape = compileValidator<RawConfig>(configSchema, 'alertmanager.yml');
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DEFAULTS = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000 };

class Problems {
  readonly list: ErrorDetail[] = [];
  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }
}

function duration(text: string | undefined, field: string, problems: Problems): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) problems.add(field, `not a valid duration string: ${JSON.stringify(text)}`);
  return ms;
}

function checkUrl(url: string | undefined, field: string, problems: Problems): void {
  if (url === undefined) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    problems.add(field, `invalid URL ${JSON.stringify(url)}`);
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    problems.add(field, `unsupported scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))} for URL`);
}

// prefix names the fields: `<route>/` gives match, match_re, matchers; `<rule>/source_` gives source_match, …
function mapMatchers(
  eq: Record<string, string> | undefined,
  re: Record<string, string> | undefined,
  list: string[] | undefined,
  prefix: string,
  problems: Problems,
): Matcher[] {
  const out: Matcher[] = [];
  const guard = (f: () => void, where: string) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err;
      problems.add(where, err.message);
    }
  };
  for (const [name, value] of Object.entries(eq ?? {}))
    guard(() => {
      if (!LABEL_NAME.test(name)) throw new MatcherError(`invalid label name ${JSON.stringify(name)}`);
      out.push(newMatcher('=', name, value));
    }, `${prefix}match/${name}`);
  for (const [name, value] of Object.entries(re ?? {}))
    guard(() => {
      if (!LABEL_NAME.test(name)) throw new MatcherError(`invalid label name ${JSON.stringify(name)}`);
      out.push(newMatcher('=~', name, value));
    }, `${prefix}match_re/${name}`);
  (list ?? []).forEach((text, i) => guard(() => void out.push(...parseMatchers(text)), `${prefix}matchers/${i}`));
  return out;
}

function compileRoute(
  raw: RawRoute,
  parent: RouteNode | undefined,
  pointer: string,
  index: number,
  problems: Problems,
  source: YamlSource,
): RouteNode {
  const matchers = sortMatchers(mapMatchers(raw.match, raw.match_re, raw.matchers, `${pointer}/`, problems));
  const groupByAll = raw.group_by?.includes('...') ?? false;
  if (raw.group_by) {
    if (groupByAll && raw.group_by.length > 1)
      problems.add(
        `${pointer}/group_by`,
        'cannot have wildcard group_by (`...`) and other other labels at the same time',
      );
    const seen = new Set<string>();
    raw.group_by.forEach((l, i) => {
      if (l === '...') return;
      if (!LABEL_NAME.test(l))
        problems.add(`${pointer}/group_by/${i}`, `invalid label name ${JSON.stringify(l)} in group_by list`);
      if (seen.has(l)) problems.add(`${pointer}/group_by/${i}`, `duplicated label ${JSON.stringify(l)} in group_by`);
      seen.add(l);
    });
  }
  const groupWait = duration(raw.group_wait, `${pointer}/group_wait`, problems);
  const groupInterval = duration(raw.group_interval, `${pointer}/group_interval`, problems);
  const repeatInterval = duration(raw.repeat_interval, `${pointer}/repeat_interval`, problems);
  if (groupInterval === 0) problems.add(`${pointer}/group_interval`, 'group_interval cannot be zero');
  if (repeatInterval === 0) problems.add(`${pointer}/repeat_interval`, 'repeat_interval cannot be zero');
  const key = `${parent ? `${parent.key}/` : ''}${matchersString(matchers)}`;
  const node: RouteNode = {
    key,
    id: parent ? `${key}/${index}` : key,
    matchers,
    receiver: raw.receiver ?? parent?.receiver ?? '',
    groupBy: raw.group_by && !groupByAll ? [...raw.group_by] : (parent?.groupBy ?? []),
    groupByAll: raw.group_by ? groupByAll : (parent?.groupByAll ?? false),
    groupWaitMs: groupWait ?? parent?.groupWaitMs ?? DEFAULTS.groupWaitMs,
    groupIntervalMs: groupInterval || parent?.groupIntervalMs || DEFAULTS.groupIntervalMs,
    repeatIntervalMs: repeatInterval || parent?.repeatIntervalMs || DEFAULTS.repeatIntervalMs,
    continue: raw.continue ?? false,
    muteTimeIntervals: raw.mute_time_intervals ?? [],
    activeTimeIntervals: raw.active_time_intervals ?? [],
    routes: [],
  };
  const line = source.lineOf(pointer);
  if (line !== undefined) node.line = line;
  node.routes = (raw.routes ?? []).map((child, i) =>
    compileRoute(child, node, `${pointer}/routes/${i}`, i, problems, source),
  );
  return node;
}

function walk(node: RouteNode, pointer: string, visit: (n: RouteNode, pointer: string) => void): void {
  visit(node, pointer);
  node.routes.forEach((c, i) => walk(c, `${pointer}/routes/${i}`, visit));
}

function compileReceivers(raw: RawConfig, problems: Problems): Map<string, Receiver> {
  const g = raw.global ?? {};
  const receivers = new Map<string, Receiver>();
  (raw.receivers ?? []).forEach((r, i) => {
    const at = `/receivers/${i}`;
    if (!r.name) problems.add(`${at}/name`, 'missing name in receiver');
    if (receivers.has(r.name))
      problems.add(`${at}/name`, `notification config name ${JSON.stringify(r.name)} is not unique`);
    const receiver: Receiver = { name: r.name, webhook: [], slack: [], email: [], pagerduty: [], unsupported: [] };
    for (const [k, list] of Object.entries(r)) {
      if (k === 'name' || !Array.isArray(list)) continue;
      // biome-ignore lint/suspicious/noExplicitAny: receiver configs are untyped YAML, checked field by field below
      list.forEach((c: Record<string, any>, j: number) => {
        const f = `${at}/${k}/${j}`;
        const sendResolved = c.send_resolved;
        if (k === 'webhook_configs') {
          if (!c.url && !c.url_file) problems.add(f, 'one of url or url_file must be configured');
          if (c.url && c.url_file) problems.add(f, 'at most one of url & url_file must be configured');
          checkUrl(c.url, `${f}/url`, problems);
          receiver.webhook.push({ url: c.url ?? '', sendResolved: sendResolved ?? true, maxAlerts: c.max_alerts ?? 0 });
        } else if (k === 'slack_configs') {
          const apiUrl = c.api_url ?? g.slack_api_url;
          if (!apiUrl) problems.add(f, 'no global Slack API URL set either inline or in a file');
          checkUrl(apiUrl, `${f}/api_url`, problems);
          receiver.slack.push({
            apiUrl: apiUrl ?? '',
            channel: c.channel,
            username: c.username,
            title: c.title,
            text: c.text,
            sendResolved: sendResolved ?? false,
          });
        } else if (k === 'email_configs') {
          if (!c.to) problems.add(f, 'missing to address in email config');
          const smarthost = c.smarthost ?? g.smtp_smarthost;
          const from = c.from ?? g.smtp_from;
          if (!smarthost) problems.add(f, 'no global SMTP smarthost set');
          if (!from) problems.add(f, 'no global SMTP from set');
          if (smarthost && !/^[^:\s]+:\d+$|^\[[^\]]+\]:\d+$/.test(smarthost))
            problems.add(`${f}/smarthost`, `address ${smarthost}: missing port in address`);
          const headers: Record<string, string> = {};
          for (const [h, v] of Object.entries((c.headers ?? {}) as Record<string, string>)) {
            const name =
              h.charAt(0).toUpperCase() +
              h
                .slice(1)
                .toLowerCase()
                .replace(/-(.)/g, (_m, x: string) => `-${x.toUpperCase()}`);
            if (headers[name] !== undefined)
              problems.add(`${f}/headers`, `duplicate header ${JSON.stringify(name)} in email config`);
            headers[name] = v;
          }
          receiver.email.push({
            to: c.to ?? '',
            from: from ?? '',
            smarthost: smarthost ?? '',
            hello: c.hello ?? g.smtp_hello ?? 'localhost',
            authUsername: c.auth_username ?? g.smtp_auth_username,
            authPassword: c.auth_password ?? g.smtp_auth_password,
            requireTls: c.require_tls ?? g.smtp_require_tls ?? true,
            headers,
            sendResolved: sendResolved ?? false,
          });
        } else if (k === 'pagerduty_configs') {
          const key = c.routing_key ?? c.service_key;
          if (!key && !c.routing_key_file && !c.service_key_file)
            problems.add(f, 'missing service or routing key in PagerDuty config');
          const url = c.url ?? g.pagerduty_url ?? 'https://events.pagerduty.com/v2/enqueue';
          checkUrl(url, `${f}/url`, problems);
          receiver.pagerduty.push({
            routingKey: key ?? '',
            url,
            severity: c.severity,
            source: c.source,
            sendResolved: sendResolved ?? true,
          });
        } else receiver.unsupported.push(k);
      });
    }
    receivers.set(r.name, receiver);
  });
  return receivers;
}

/**
 * loadAlertmanagerConfig reads an alertmanager.yml as Alertmanager 0.25 does and rejects what it rejects, each
 * problem with its line: unknown keys, bad durations, matchers or regexes, undefined receivers and time intervals,
 * non-http(s) URLs, a root route with matchers or without a receiver. Throws ROUTING_INVALID.
 */
export function loadAlertmanagerConfig(text: string, name = 'alertmanager.yml'): AlertmanagerConfig {
  const source = parseYamlWithLines<unknown>(text, name, 'ROUTING_INVALID');
  let raw: RawConfig;
  try {
    raw = validateShape(source.value ?? {});
  } catch (err) {
    if (!isOpsError(err)) throw err;
    const details = withLines(
      err.details.map((d) =>
        d.reason === 'is not an allowed property'
          ? { ...d, reason: `field ${d.field?.split('/').at(-1)} not found` }
          : d,
      ),
      source,
    );
    throw opsError(
      'ROUTING_INVALID',
      `${name}: ${details.map((d) => `line ${d.line ?? '?'}: ${d.reason}${d.reason.startsWith('field') ? '' : ` (${d.field})`}`).join('; ')}`,
      details,
    );
  }
  const problems = new Problems();
  const resolveTimeoutMs = duration(raw.global?.resolve_timeout, '/global/resolve_timeout', problems) ?? 300_000;
  if (raw.global?.slack_api_url) checkUrl(raw.global.slack_api_url, '/global/slack_api_url', problems);
  const timeIntervals = new Map<string, TimeIntervalSpec[]>();
  for (const [list, key] of [
    [raw.mute_time_intervals, 'mute_time_intervals'],
    [raw.time_intervals, 'time_intervals'],
  ] as const) {
    (list ?? []).forEach((ti, i) => {
      if (timeIntervals.has(ti.name))
        problems.add(`/${key}/${i}/name`, `time interval ${JSON.stringify(ti.name)} is not unique`);
      try {
        timeIntervals.set(ti.name, (ti.time_intervals ?? []).map(parseIntervalSpec));
      } catch (err) {
        if (!(err instanceof IntervalError)) throw err;
        problems.add(`/${key}/${i}`, err.message);
      }
    });
  }
  const route = compileRoute(raw.route, undefined, '/route', 0, problems, source);
  if (!raw.route.receiver) problems.add('/route', 'root route must specify a default receiver');
  if (route.matchers.length > 0) problems.add('/route', 'root route must not have any matchers');
  if (route.muteTimeIntervals.length > 0)
    problems.add('/route/mute_time_intervals', 'root route must not have any mute time intervals');
  if (route.activeTimeIntervals.length > 0)
    problems.add('/route/active_time_intervals', 'root route must not have any active time intervals');
  const receivers = compileReceivers(raw, problems);
  walk(route, '/route', (n, pointer) => {
    if (n.receiver && !receivers.has(n.receiver))
      problems.add(`${pointer}/receiver`, `undefined receiver ${JSON.stringify(n.receiver)} used in route`);
    for (const [list, key] of [
      [n.muteTimeIntervals, 'mute_time_intervals'],
      [n.activeTimeIntervals, 'active_time_intervals'],
    ] as const) {
      list.forEach((t, i) => {
        if (!timeIntervals.has(t))
          problems.add(`${pointer}/${key}/${i}`, `undefined time interval ${JSON.stringify(t)} used in route`);
      });
    }
  });
  const inhibitRules = (raw.inhibit_rules ?? []).map((r, i) => {
    const at = `/inhibit_rules/${i}`;
    const source = mapMatchers(r.source_match, r.source_match_re, r.source_matchers, `${at}/source_`, problems);
    const target = mapMatchers(r.target_match, r.target_match_re, r.target_matchers, `${at}/target_`, problems);
    (r.equal ?? []).forEach((l, j) => {
      if (!LABEL_NAME.test(l))
        problems.add(`${at}/equal/${j}`, `invalid label name ${JSON.stringify(l)} in equal list`);
    });
    return { source, target, equal: r.equal ?? [] };
  });
  if (problems.list.length > 0) {
    const details = withLines(problems.list, source);
    throw opsError(
      'ROUTING_INVALID',
      `${name}: ${details.map((d) => `line ${d.line ?? '?'}: ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return { resolveTimeoutMs, route, receivers, inhibitRules, timeIntervals, extension: raw.cmp_ops ?? {}, source };
}
