import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { runSweep, subsystemResolver, type SweepReport, type SweepTarget } from '#lib/integrity/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';
import { storeFromEnv } from '../s3.ts';

const USAGE =
  'usage: cmp-ops sweep bucket[/prefix]… [--budget-seconds N] [--concurrency N] [--stale-pending-minutes N] [--format json|text]';

/**
 * run implements `cmp-ops sweep`: the integrity sweep from a shell, invocation after invocation until it completes
 * (a progress line per step on a terminal). Alerts are printed, not sent: an operator reads them here.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv);
  const one = (name: string, fallback: string) => flags.get(name)?.at(-1) ?? fallback;
  if (positionals.length === 0) throw new UsageError(USAGE);
  const targets: SweepTarget[] = positionals.map((p) => ({
    bucket: p.split('/')[0]!,
    prefix: p.includes('/') ? p.slice(p.indexOf('/') + 1) : '',
  }));
  const store = storeFromEnv(io);
  const state = createStateStore(store, io.env.STATE_BUCKET ?? 'cmp-ops-state');
  const alerts: unknown[] = [];
  const budgetMs = Number(one('budget-seconds', '60')) * 1000;
  const settings = {
    targets,
    budgetMs,
    maxObjects: Number.MAX_SAFE_INTEGER,
    concurrency: Number(one('concurrency', '4')),
    stalePendingMinutes: Number(one('stale-pending-minutes', '1440')),
    leaseMs: budgetMs + 60_000,
  };
  if (![budgetMs, settings.concurrency, settings.stalePendingMinutes].every((n) => Number.isFinite(n) && n > 0))
    throw new UsageError(USAGE);
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const runId = randomUUID();
  let report: SweepReport;
  for (let step = 1; ; step++) {
    const started = performance.now();
    report = await runSweep(
      {
        store,
        state,
        alerts: { send: async (a) => void alerts.push(...a) },
        now: () => DateTime.utc(),
        elapsedMs: () => performance.now() - started,
        subsystemOf: subsystemResolver({}),
      },
      settings,
      runId,
    );
    if (tty)
      io.stderr.write(
        `\rsweep step ${step}: ${report.objects} objects, ${(report.bytes / 2 ** 20).toFixed(1)} MiB, drift ${JSON.stringify(report.counts)}   `,
      );
    if (report.status !== 'checkpointed') break;
  }
  if (tty) io.stderr.write('\n');
  if (one('format', 'json') === 'text') {
    io.stdout.write(
      `sweep ${report.status}: ${report.objects} objects, ${report.bytes} bytes; modified ${report.counts.modified}, missing ${report.counts.missing}, unverified ${report.counts.unverified}, stale-pending ${report.counts['stale-pending']}\n`,
    );
  } else {
    writeJsonLine(io.stdout, report);
    for (const alert of alerts) writeJsonLine(io.stdout, { alert });
  }
  if (report.status === 'skipped') return 1;
  return Object.values(report.counts).some((n) => n > 0) ? 1 : 0;
}
