import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAlert, type Severity } from '#lib/alerting/alert.ts';
import { createGatewayClient, Secret } from '#lib/runtime/index.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = 'usage: cmp-ops alert send alertname=NAME [label=value…] [--annotation key=value…] [--resolve] [--gateway URL]';

/** run implements `cmp-ops alert send`: it posts one alert to alert-router through the gateway. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'send') throw new UsageError(USAGE);
  const { flags, positionals } = parseFlags(rest, ['resolve']);
  const labels: Record<string, string> = {};
  for (const pair of positionals) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`label "${pair}" is not name=value; ${USAGE}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const annotations: Record<string, string> = {};
  for (const pair of flags.get('annotation') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`annotation "${pair}" is not key=value`);
    annotations[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const { alertname, severity = 'warning', subsystem = 'cmp-ops', ...others } = labels;
  if (!alertname) throw new UsageError(`alertname= is required; ${USAGE}`);
  if (!['critical', 'warning', 'info'].includes(severity)) throw new UsageError('severity must be critical, warning or info');
  const now = new Date().toISOString();
  const alert = buildAlert({
    alertname,
    severity: severity as Severity,
    subsystem,
    labels: others,
    summary: annotations.summary ?? alertname,
    description: annotations.description ?? '',
    startsAt: now,
    ...(flags.has('resolve') ? { resolvedAt: now } : {}),
  });
  alert.annotations = { ...alert.annotations, ...annotations };
  const gatewayUrl = flags.get('gateway')?.at(-1) ?? io.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
  const token = io.env.CMP_OPS_INVOKE_TOKEN ?? readLocalToken(io.cwd);
  if (!token) throw new UsageError('no invoke token: set CMP_OPS_INVOKE_TOKEN (the local stack writes it to .data/invoke-token)');
  const reply = await createGatewayClient(gatewayUrl, () => new Secret(token)).invoke('alert-router', [alert]);
  writeJsonLine(io.stdout, { sent: alert, reply });
  return 0;
}

function readLocalToken(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, '.data', 'invoke-token'), 'utf8').trim();
  } catch {
    return undefined;
  }
}
