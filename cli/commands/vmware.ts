import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Secret } from '#lib/runtime/secrets.ts';
import {
  createVsphereClient,
  DEFAULT_EXPECTATIONS,
  evaluateInventory,
  parseExpectations,
  readInventory,
  type Inventory,
  type VsphereDialect,
  type VsphereExpectations,
} from '#lib/vsphere/index.ts';
import { renderTable } from '../input.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops vmware check --url https://VCENTER --user USER --password-file FILE [--expect FILE.yaml] [--ca FILE.pem] [--api auto|api|rest] [--timeout-ms N] [--format json|text]
Prints the inventory summary, then one finding per line (VMNotRunning, VMHostDisconnected, DatastoreLow, VMToolsNotRunning).
Exit 0 nothing found, 1 findings, 2 bad usage or vCenter unreadable. Holds (holdMinutes) apply to installation-watch only.`;

function readText(path: string, io: CliIO, what: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** summarize counts the inventory by state, the first record `vmware check` prints. */
export function summarize(inventory: Inventory, vcenter: string): Record<string, unknown> {
  const count = (values: string[]) => {
    const counts: Record<string, number> = {};
    for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
    return counts;
  };
  const sized = inventory.datastores.filter((d) => typeof d.capacity === 'number' && typeof d.free_space === 'number');
  return {
    kind: 'Inventory',
    vcenter,
    dialect: inventory.dialect,
    vms: { total: inventory.vms.length, ...count(inventory.vms.map((v) => v.power_state)) },
    hosts: { total: inventory.hosts.length, ...count(inventory.hosts.map((h) => h.connection_state)) },
    datastores: {
      total: inventory.datastores.length,
      capacityBytes: sized.reduce((s, d) => s + d.capacity!, 0),
      freeBytes: sized.reduce((s, d) => s + d.free_space!, 0),
    },
  };
}

/** run implements `cmp-ops vmware check`: one read of vCenter, judged against the expectations file. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'check') throw new UsageError(USAGE);
  const { flags, positionals } = parseFlags(rest);
  const one = (name: string) => flags.get(name)?.at(-1);
  const url = one('url');
  const user = one('user');
  const passwordFile = one('password-file');
  const format = one('format') ?? 'json';
  const dialect = (one('api') ?? 'auto') as VsphereDialect;
  const timeoutMs = Number(one('timeout-ms') ?? 30000);
  if (!url || !user || !passwordFile || positionals.length > 0) throw new UsageError(USAGE);
  if (format !== 'json' && format !== 'text') throw new UsageError('--format is json or text');
  if (!['auto', 'api', 'rest'].includes(dialect)) throw new UsageError('--api is auto, api or rest');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000)
    throw new UsageError('--timeout-ms is an integer of at least 1000');
  const expectFile = one('expect');
  let expectations: VsphereExpectations = DEFAULT_EXPECTATIONS;
  if (expectFile) {
    try {
      expectations = parseExpectations(readText(expectFile, io, 'expectations'), expectFile);
    } catch (err) {
      const details = (err as { details?: Array<{ line?: number; field?: string; reason: string }> }).details ?? [];
      for (const d of details)
        io.stderr.write(`${expectFile}${d.line ? `:${d.line}` : ''}: ${d.field ? `${d.field} ` : ''}${d.reason}\n`);
      throw err;
    }
  }
  const caFile = one('ca');
  const password = new Secret(readText(passwordFile, io, 'password file').replace(/\r?\n$/, ''));
  const client = createVsphereClient({
    url,
    username: new Secret(user),
    password,
    dialect,
    timeoutMs,
    ...(caFile ? { ca: readText(caFile, io, 'CA bundle') } : {}),
  });
  let inventory: Inventory;
  try {
    inventory = await readInventory(client, expectations);
  } finally {
    client.close();
  }
  const findings = evaluateInventory(inventory, expectations);
  const summary = summarize(inventory, new URL(url).hostname);
  if (format === 'text') {
    const s = summary as { vms: Record<string, number>; hosts: Record<string, number>; datastores: { total: number } };
    io.stdout.write(
      `${summary.vcenter} (${inventory.dialect}): ${s.vms.total} VMs (${s.vms.POWERED_ON ?? 0} on), ${s.hosts.total} hosts (${s.hosts.CONNECTED ?? 0} connected), ${s.datastores.total} datastores\n`,
    );
    if (findings.length > 0)
      io.stdout.write(
        renderTable(
          ['SEVERITY', 'ALERT', 'SUBSYSTEM', 'OBJECT', 'SUMMARY'],
          findings.map((f) => [f.severity, f.kind, f.subsystem, Object.values(f.labels).join(','), f.summary]),
        ),
      );
    io.stdout.write(`${findings.length} finding(s)\n`);
  } else {
    writeJsonLine(io.stdout, summary);
    for (const f of findings)
      writeJsonLine(io.stdout, {
        kind: f.kind,
        severity: f.severity,
        subsystem: f.subsystem,
        labels: f.labels,
        summary: f.summary,
        description: f.description,
      });
  }
  return findings.length > 0 ? 1 : 0;
}
