import { buildAlert, type Severity } from '#lib/alerting/alert.ts';
import { createGatewayClient, Secret } from '#lib/runtime/index.ts';
import { gatewayUrl, invokeToken } from '../gateway.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE =
  'usage: cmp-ops alert send alertname=NAME [label=value…] [--annotation key=value…] [--resolve] [--gateway URL]';

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
  if (!['critical', 'warning', 'info'].includes(severity))
    throw new UsageError('severity must be critical, warning or info');
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
  const token = invokeToken(io);
  const reply = await createGatewayClient(gatewayUrl(flags, io), () => new Secret(token)).invoke('alert-router', [
    alert,
  ]);
  writeJsonLine(io.stdout, { sent: alert, reply });
  return 0;
}
