import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import {
  DEFAULT_EVALUATION,
  evaluateJobs,
  NETBACKUP_FORMATS,
  parseNetBackup,
  parseNetBackupBatches,
  writeJobLine,
  type EvaluationConfig,
  type NetBackupFormat,
  type NetBackupJob,
} from '#lib/netbackup/index.ts';
import { openInput, renderTable } from '../input.ts';
import { EXIT_BROKEN_PIPE, parseFlags, RecordOutput, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops netbackup parse [file|-] [--format ${NETBACKUP_FORMATS.join('|')}] [--bp-conf FILE]
       cmp-ops netbackup summary [file|-] [--input-format …] [--rules FILE.json] [--now ISO] [--format json|text]`;

/** run implements `cmp-ops netbackup parse|summary`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest);
  const one = (name: string) => flags.get(name)?.at(-1);
  if (verb === 'parse') return parse(positionals[0], one('format') ?? 'auto', one('bp-conf'), io);
  if (verb === 'summary')
    return summary(
      positionals[0],
      one('input-format') ?? 'auto',
      one('format') ?? 'json',
      one('rules'),
      one('now'),
      io,
    );
  throw new UsageError(USAGE);
}

function checkFormat(format: string): NetBackupFormat {
  if (!(NETBACKUP_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`unknown format "${format}"; ${USAGE}`);
  return format as NetBackupFormat;
}

async function* records(path: string | undefined, format: NetBackupFormat, io: CliIO) {
  yield* parseNetBackup(await openInput(path, io), { format });
}

// Jobs go out through a writer that knows their shape, in large blocks: the JSON is JSON.stringify's, byte for byte.
async function parse(path: string | undefined, format: string, bpConf: string | undefined, io: CliIO): Promise<number> {
  const options = {
    format: checkFormat(format),
    ...(bpConf ? { bpConf: readFileSync(resolve(io.cwd, bpConf), 'utf8') } : {}),
  };
  const output = new RecordOutput(io.stdout);
  const json = output.json;
  let problems = 0;
  for await (const batch of parseNetBackupBatches(await openInput(path, io), options)) {
    for (const record of batch) {
      if (record.kind === 'job') {
        writeJobLine(json, record);
        if (record.class === 'failure' || record.class === 'partial') problems++;
      } else if (record.kind === 'reject') {
        problems++;
        io.stderr.write(`line ${record.line}: ${record.reason}\n`);
      } else json.valueLine(record);
    }
    await output.settle();
    if (output.closed) return EXIT_BROKEN_PIPE;
  }
  return problems > 0 ? 1 : 0;
}

async function summary(
  path: string | undefined,
  inputFormat: string,
  outputFormat: string,
  rulesFile: string | undefined,
  nowText: string | undefined,
  io: CliIO,
): Promise<number> {
  if (outputFormat !== 'json' && outputFormat !== 'text') throw new UsageError('--format is json or text');
  const rules: EvaluationConfig = {
    ...DEFAULT_EVALUATION,
    ...(rulesFile ? (JSON.parse(readFileSync(resolve(io.cwd, rulesFile), 'utf8')) as Partial<EvaluationConfig>) : {}),
  };
  const now = nowText ? DateTime.fromISO(nowText, { zone: 'utc' }) : DateTime.utc();
  if (!now.isValid) throw new UsageError(`--now "${nowText}" is not an ISO time`);
  const jobs: NetBackupJob[] = [];
  for await (const record of records(path, checkFormat(inputFormat), io)) {
    if (record.kind === 'job') jobs.push(record);
    else if (record.kind === 'reject') io.stderr.write(`line ${record.line}: ${record.reason}\n`);
  }
  const result = evaluateJobs(jobs, null, rules, now);
  const missed = result.alerts.filter((a) => a.labels.alertname === 'BackupMissed');
  if (outputFormat === 'text') {
    const rows = result.summary.map((r) => [
      r.policy,
      r.client,
      r.schedule,
      r.lastClass ?? '-',
      r.lastSuccess ?? 'never',
      r.lastAttempt ?? '-',
      String(r.consecutiveFailures),
      r.successRate === null ? '-' : `${Math.round(r.successRate * 100)}%`,
    ]);
    io.stdout.write(
      renderTable(['POLICY', 'CLIENT', 'SCHEDULE', 'LAST', 'LAST SUCCESS', 'LAST ATTEMPT', 'FAILS', 'RATE'], rows),
    );
    for (const alert of result.alerts)
      io.stdout.write(
        `${alert.labels.severity?.toUpperCase()} ${alert.labels.alertname}: ${alert.annotations.summary}\n`,
      );
  } else {
    for (const row of result.summary) writeJsonLine(io.stdout, row);
    for (const alert of result.alerts) writeJsonLine(io.stdout, { alert });
  }
  return result.summary.some((r) => r.lastClass === 'failure') || missed.length > 0 ? 1 : 0;
}
