import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import {
  auditRecord,
  DEFAULT_RULES,
  FTP_LOG_FORMATS,
  parseFtpLog,
  parseFtpLogBatches,
  writeTransferLine,
  type AuditRules,
  type FtpLogFormat,
  type FtpRecord,
} from '#lib/ftp/index.ts';
import { openInput } from '../input.ts';
import { EXIT_BROKEN_PIPE, parseFlags, RecordOutput, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops ftp parse [file|-] [--format ${FTP_LOG_FORMATS.join('|')}] [--server NAME] [--zone Europe/Paris]
       cmp-ops ftp audit [file|-] [same options] [--known-users a,b] [--failed-logins 5/10]`;

/** run implements `cmp-ops ftp parse|audit`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'parse' && verb !== 'audit') throw new UsageError(USAGE);
  const { flags, positionals } = parseFlags(rest);
  const one = (name: string) => flags.get(name)?.at(-1);
  const format = one('format') ?? 'auto';
  if (!(FTP_LOG_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`unknown format "${format}"; ${USAGE}`);
  const path = positionals[0];
  const fileTime =
    path && path !== '-'
      ? DateTime.fromJSDate(statSync(resolve(io.cwd, path), { throwIfNoEntry: false })?.mtime ?? new Date())
      : DateTime.utc();
  const options = {
    server: one('server') ?? 'ftp',
    zone: one('zone') ?? 'UTC',
    format: format as FtpLogFormat,
    fileTime,
  };
  let problems = 0;
  if (verb === 'parse') {
    // Transfers go out through a writer that knows their shape, in large blocks: the JSON is JSON.stringify's.
    const output = new RecordOutput(io.stdout);
    const json = output.json;
    for await (const batch of parseFtpLogBatches(await openInput(path, io), options)) {
      for (const r of batch) {
        if (r.kind === 'transfer') writeTransferLine(json, r);
        else if (r.kind === 'reject') {
          problems++;
          io.stderr.write(`line ${r.line}: ${r.reason}\n`);
        } else json.valueLine(r);
      }
      await output.settle();
      if (output.closed) return EXIT_BROKEN_PIPE;
    }
    return problems ? 1 : 0;
  }
  const records: AsyncIterable<FtpRecord> = parseFtpLog(await openInput(path, io), options);
  const [count, minutes] = (one('failed-logins') ?? '5/10').split('/').map(Number) as [number, number];
  if (!(count > 0 && minutes > 0)) throw new UsageError('--failed-logins is COUNT/MINUTES, e.g. 5/10');
  const known = one('known-users');
  const rules: AuditRules = {
    ...DEFAULT_RULES,
    failedLogins: { count, windowMinutes: minutes },
    ...(known ? { knownUsers: known.split(',') } : {}),
  };
  const memory = { failures: {} };
  for await (const r of records) {
    if (r.kind === 'reject') {
      io.stderr.write(`line ${r.line}: ${r.reason}\n`);
      continue;
    }
    for (const finding of auditRecord(r, rules, memory)) {
      problems++;
      writeJsonLine(io.stdout, finding);
    }
  }
  return problems ? 1 : 0;
}
