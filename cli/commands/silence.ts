import { parseMatcher, MatcherError } from '#lib/alerting/config/matchers.ts';
import { parseDuration } from '#lib/alerting/config/duration.ts';
import { gatewayUrl, invokeToken } from '../gateway.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops silence add name=value|name=~regex|name!=value… --comment TEXT [--author WHO] [--duration 2h] [--start ISO]
       cmp-ops silence list
       cmp-ops silence expire ID
Talks to alert-router's API v2 through the gateway (--gateway, $GATEWAY_URL) or --router URL.`;

/** run implements `cmp-ops silence add|list|expire` over alert-router's Alertmanager API v2 paths. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest);
  const one = (n: string) => flags.get(n)?.at(-1);
  const base = (one('router') ?? `${gatewayUrl(flags, io)}/function/alert-router`).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${invokeToken(io)}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw new Error(`alert-router answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  };
  if (action === 'add') {
    const comment = one('comment');
    if (!comment || positionals.length === 0) throw new UsageError(USAGE);
    const matchers = positionals.map((p) => {
      try {
        const m = parseMatcher(p);
        return {
          name: m.name,
          value: m.value,
          isRegex: m.type === '=~' || m.type === '!~',
          isEqual: m.type === '=' || m.type === '=~',
        };
      } catch (err) {
        if (err instanceof MatcherError) throw new UsageError(`${p}: ${err.message}`);
        throw err;
      }
    });
    const duration = parseDuration(one('duration') ?? '1h');
    if (!duration) throw new UsageError(`--duration ${one('duration')}: not a duration (2h, 30m, 1d)`);
    const startsAt = one('start') ? new Date(one('start')!) : new Date();
    if (Number.isNaN(startsAt.getTime())) throw new UsageError(`--start ${one('start')}: not an ISO time`);
    const reply = await call('POST', '/api/v2/silences', {
      matchers,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + duration).toISOString(),
      createdBy: one('author') ?? io.env.USER ?? 'cmp-ops',
      comment,
    });
    writeJsonLine(io.stdout, reply);
    return 0;
  }
  if (action === 'list') {
    for (const s of (await call('GET', '/api/v2/silences')) as unknown[]) writeJsonLine(io.stdout, s);
    return 0;
  }
  if (action === 'expire' && positionals[0]) {
    writeJsonLine(io.stdout, await call('DELETE', `/api/v2/silence/${encodeURIComponent(positionals[0])}`));
    return 0;
  }
  throw new UsageError(USAGE);
}
