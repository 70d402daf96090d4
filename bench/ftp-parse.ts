// `cmp-ops ftp parse` of N xferlog lines (the shape vsftpd writes) written to a file, as a user runs it, against a
// mawk program writing each transfer as a JSON line of its 17 fields, interleaved for several rounds (medians); the
// command's peak RSS, and the same run with the heap capped (memory is bounded).
// Usage: npm run build && npx tsx bench/ftp-parse.ts [N=1000000] [rounds=5]
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, spread, timeProcess, verdict } from './measure.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'cmp-ops.mjs');
if (!existsSync(join(root, 'dist', 'cli.mjs'))) throw new Error('run npm run build first');

// xferlog's fields after the weekday: month, day, clock, year, transfer time, host, size, path, type, action,
// direction, access mode, user, service, authentication method, authenticated user, completion status.
const MAWK_PROGRAM = `
function s(v) { gsub(/\\\\/, "\\\\\\\\", v); gsub(/"/, "\\\\\\"", v); return "\\"" v "\\"" }
{ print "{\\"month\\":" s($2) ",\\"day\\":" $3 ",\\"clock\\":" s($4) ",\\"year\\":" $5 ",\\"seconds\\":" $6 ",\\"host\\":" s($7) ",\\"bytes\\":" $8 ",\\"path\\":" s($9) ",\\"type\\":" s($10) ",\\"action\\":" s($11) ",\\"direction\\":" s($12) ",\\"access\\":" s($13) ",\\"user\\":" s($14) ",\\"service\\":" s($15) ",\\"authMethod\\":" $16 ",\\"authUser\\":" s($17) ",\\"status\\":" s($18) "}" }
`;

async function writeLog(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  for (let i = 0; i < lines; i++) {
    const d = new Date(Date.UTC(2026, 10, 1) + i * 1000);
    const stamp = `${days[(d.getUTCDay() + 6) % 7]} Nov ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} 2026`;
    const line = `${stamp} ${1 + (i % 30)} 10.0.${i % 250}.${i % 200} ${1000 + i} /inbox/STS/deliveries/product_${i}.bin b _ i r sts ftp 0 * ${i % 50 ? 'c' : 'i'}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(path)) for (const byte of chunk as Buffer) if (byte === 10) count++;
  return count;
}

const dir = mkdtempSync(join(tmpdir(), 'ftp-bench-'));
try {
  const file = join(dir, `xferlog-${n}`);
  await writeLog(file, n);
  const program = join(dir, 'xferlog.awk');
  writeFileSync(program, MAWK_PROGRAM);
  const ours = join(dir, 'ours.jsonl');
  const theirs = join(dir, 'mawk.jsonl');
  const r = interleave(rounds, {
    mawk: () => timeProcess('mawk', ['-f', program, file], { outFile: theirs }),
    cmpOps: () =>
      timeProcess(process.execPath, [cli, 'ftp', 'parse', file, '--zone', 'Europe/Paris', '--server', 'bench'], {
        outFile: ours,
      }),
  });
  const [mine, mawks] = [await countLines(ours), await countLines(theirs)];
  if (mine !== n || mawks !== n) throw new Error(`expected ${n} JSON lines, cmp-ops wrote ${mine}, mawk ${mawks}`);
  const capped = timeProcess(
    process.execPath,
    ['--max-old-space-size=64', cli, 'ftp', 'parse', file, '--zone', 'Europe/Paris'],
    { outFile: ours },
  );
  const mib = (path: string) => (statSync(path).size / 2 ** 20).toFixed(0);
  console.log(`${n} lines (${mib(file)} MiB in, ${mib(ours)} MiB of JSON out), ${rounds} interleaved rounds, medians`);
  console.log(
    `ftp parse to a file: cmp-ops ${r.cmpOps.seconds.toFixed(2)} s ${spread(r.cmpOps)} vs mawk JSON of 17 fields ${r.mawk.seconds.toFixed(2)} s ${spread(r.mawk)} → ${verdict(r.mawk.seconds / r.cmpOps.seconds, '≥ 0.50')}`,
  );
  console.log(
    `peak RSS of cmp-ops: ${r.cmpOps.rssMiB.toFixed(0)} MiB; with the heap capped at 64 MiB: finished in ${capped.seconds.toFixed(2)} s, peak RSS ${capped.rssMiB.toFixed(0)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
