// `cmp-ops netbackup parse` of N -all_columns lines (built in the documented field order) written to a file, as a
// user runs it, against a mawk program writing the same jobs as JSON lines of their 22 main fields, interleaved
// for several rounds (medians); the command's peak RSS, and the same run with the heap capped (memory is bounded).
// Usage: npm run build && npx tsx bench/netbackup-parse.ts [N=500000] [rounds=5]
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allColumnsLine } from '../test/helpers/netbackup-lines.ts';
import { interleave, spread, timeProcess, verdict } from './measure.ts';

const n = Number(process.argv[2] ?? 500_000);
const rounds = Number(process.argv[3] ?? 5);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'cmp-ops.mjs');
if (!existsSync(join(root, 'dist', 'cli.mjs'))) throw new Error('run npm run build first');

// The 22 leading -all_columns fields (jobid … classtype), strings escaped as JSON wants.
const MAWK_PROGRAM = `
function s(v) { gsub(/\\\\/, "\\\\\\\\", v); gsub(/"/, "\\\\\\"", v); return "\\"" v "\\"" }
function n(v) { return v == "" ? "null" : v }
BEGIN { FS = "," }
{ print "{\\"jobId\\":" n($1) ",\\"type\\":" n($2) ",\\"state\\":" n($3) ",\\"status\\":" n($4) ",\\"policy\\":" s($5) ",\\"schedule\\":" s($6) ",\\"client\\":" s($7) ",\\"mediaServer\\":" s($8) ",\\"started\\":" n($9) ",\\"elapsedSeconds\\":" n($10) ",\\"ended\\":" n($11) ",\\"storageUnit\\":" s($12) ",\\"try\\":" n($13) ",\\"operation\\":" n($14) ",\\"kilobytes\\":" n($15) ",\\"files\\":" n($16) ",\\"pathLastWritten\\":" s($17) ",\\"percent\\":" n($18) ",\\"pid\\":" n($19) ",\\"owner\\":" s($20) ",\\"subtype\\":" n($21) ",\\"classType\\":" n($22) "}" }
`;

async function writeReport(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const variants = [
    allColumnsLine({ jobid: 1, client: 'cgcu-win01', fileList: ['C:\\', 'D:\\Data, archive'], status: 0 }),
    allColumnsLine({
      jobid: 1,
      status: 58,
      tries: [
        { started: 1, elapsed: 30, ended: 31, status: 58, lines: ['a', 'b', 'c'] },
        { started: 90, elapsed: 30, ended: 120, status: 58 },
      ],
    }),
    allColumnsLine({ jobid: 1, state: 1, status: '', ended: '0000000000' }),
    allColumnsLine({ jobid: 1, schedule: '-', kbytes: 0 }),
  ].map((l) => l.slice(l.indexOf(',')));
  for (let i = 0; i < lines; i++) {
    if (!out.write(`${i + 1}${variants[i % variants.length]}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(path)) for (const byte of chunk as Buffer) if (byte === 10) count++;
  return count;
}

const dir = mkdtempSync(join(tmpdir(), 'nb-bench-'));
try {
  const file = join(dir, `jobs-${n}.txt`);
  await writeReport(file, n);
  const program = join(dir, 'jobs.awk');
  writeFileSync(program, MAWK_PROGRAM);
  const ours = join(dir, 'ours.jsonl');
  const theirs = join(dir, 'mawk.jsonl');
  const r = interleave(rounds, {
    mawk: () => timeProcess('mawk', ['-f', program, file], { outFile: theirs }),
    cmpOps: () => timeProcess(process.execPath, [cli, 'netbackup', 'parse', file], { outFile: ours }),
  });
  const [jobs, mawks] = [await countLines(ours), await countLines(theirs)];
  if (jobs !== n || mawks !== n) throw new Error(`expected ${n} JSON lines, cmp-ops wrote ${jobs}, mawk ${mawks}`);
  const capped = timeProcess(process.execPath, ['--max-old-space-size=64', cli, 'netbackup', 'parse', file], {
    outFile: ours,
  });
  const mib = (path: string) => (statSync(path).size / 2 ** 20).toFixed(0);
  console.log(`${n} lines (${mib(file)} MiB in, ${mib(ours)} MiB of JSON out), ${rounds} interleaved rounds, medians`);
  console.log(
    `netbackup parse to a file: cmp-ops ${r.cmpOps.seconds.toFixed(2)} s ${spread(r.cmpOps)} vs mawk JSON of 22 fields ${r.mawk.seconds.toFixed(2)} s ${spread(r.mawk)} → ${verdict(r.mawk.seconds / r.cmpOps.seconds, '≥ 0.50')}`,
  );
  console.log(
    `peak RSS of cmp-ops: ${r.cmpOps.rssMiB.toFixed(0)} MiB; with the heap capped at 64 MiB: finished in ${capped.seconds.toFixed(2)} s, peak RSS ${capped.rssMiB.toFixed(0)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
