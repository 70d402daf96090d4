import { gatewayUrl, invokeToken } from '../gateway.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops dead-letters list
       cmp-ops dead-letters retry ID
Notifications alert-router gave up on (docs/alerting.md#dead-letters). retry sends one again once its receiver is
fixed: exit 0 when delivered, 1 when it failed again. Through the gateway (--gateway, $GATEWAY_URL) or --router URL.`;

/** run implements `cmp-ops dead-letters list|retry ID` over alert-router's /api/v1/dead-letters. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest);
  const base = (flags.get('router')?.at(-1) ?? `${gatewayUrl(flags, io)}/function/alert-router`).replace(/\/+$/, '');
  const call = async (method: string, path: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${invokeToken(io)}`, 'content-type': 'application/json' },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`alert-router answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  };
  if (action === 'list' && positionals.length === 0) {
    for (const letter of (await call('GET', '/api/v1/dead-letters')) as unknown[]) writeJsonLine(io.stdout, letter);
    return 0;
  }
  if (action === 'retry' && positionals.length === 1) {
    const result = (await call('POST', `/api/v1/dead-letters/${encodeURIComponent(positionals[0]!)}/retry`)) as {
      outcome?: string;
    };
    writeJsonLine(io.stdout, result);
    return result.outcome === 'delivered' ? 0 : 1;
  }
  throw new UsageError(USAGE);
}
