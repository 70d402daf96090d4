// Parsing N -all_columns lines (built in the documented field order) to normalized records, against
// `mawk -F, '{print $1,$4,$5,$7}'` over the same file in the same run; peak RSS of the parser as N grows.
// Usage: npx tsx bench/netbackup-parse.ts [N=1000000]   (the parser runs in a child process so RSS is its own)
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { parseNetBackupBatches } from '#lib/netbackup/index.ts';
import { allColumnsLine } from '../test/helpers/netbackup-lines.ts';

if (process.argv[2] === '--child') {
  let jobs = 0;
  let rejects = 0;
  const started = performance.now();
  for await (const batch of parseNetBackupBatches(createReadStream(process.argv[3]!, { highWaterMark: 1 << 20 }))) {
    for (const r of batch) {
      if (r.kind === 'job') jobs++;
      else rejects++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ jobs, rejects, seconds, rssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

async function writeFile(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const variants = [
    allColumnsLine({ jobid: 1, client: 'cgcu-win01', fileList: ['C:\\', 'D:\\Data, archive'], status: 0 }),
    allColumnsLine({ jobid: 1, status: 58, tries: [{ started: 1, elapsed: 30, ended: 31, status: 58, lines: ['a', 'b', 'c'] }, { started: 90, elapsed: 30, ended: 120, status: 58 }] }),
    allColumnsLine({ jobid: 1, state: 1, status: '', ended: '0000000000' }),
    allColumnsLine({ jobid: 1, schedule: '-', kbytes: 0 }),
  ].map((l) => l.slice(l.indexOf(',')));
  for (let i = 0; i < lines; i++) {
    if (!out.write(`${i + 1}${variants[i % variants.length]}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const sizes = [10_000, Number(process.argv[2] ?? 1_000_000)];
const dir = mkdtempSync(join(tmpdir(), 'nb-bench-'));
// The parser runs from an esbuild bundle (as in the function image), so its RSS is not the TypeScript loader's.
const bundle = join(dir, 'bench.mjs');
buildSync({ entryPoints: [import.meta.filename], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
for (const n of sizes) {
  const file = join(dir, `jobs-${n}.txt`);
  await writeFile(file, n);
  // best of three runs for both sides, interleaved, so a stall of the shared machine does not decide the ratio
  let mawkSeconds = Infinity;
  let r = { jobs: 0, rejects: 0, seconds: Infinity, rssMiB: 0 };
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    execFileSync('mawk', ['-F,', '{print $1,$4,$5,$7}', file], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    mawkSeconds = Math.min(mawkSeconds, (performance.now() - t0) / 1000);
    const child = spawnSync(process.execPath, [bundle, '--child', file], { encoding: 'utf8' });
    const run = JSON.parse(child.stdout) as typeof r;
    if (run.seconds < r.seconds) r = { ...run, rssMiB: Math.max(run.rssMiB, r.rssMiB) };
  }
  // Flat memory means bounded, not just small: the same parse with the old heap capped at 64 MiB must still finish.
  const capped = spawnSync(process.execPath, ['--max-old-space-size=64', bundle, '--child', file], { encoding: 'utf8' });
  const c = capped.status === 0 ? (JSON.parse(capped.stdout) as { rssMiB: number; seconds: number }) : null;
  const mb = statSync(file).size / 2 ** 20;
  console.log(`${n} lines (${mb.toFixed(0)} MiB): cmp-ops ${(n / r.seconds / 1000).toFixed(0)}k lines/s (${r.jobs} jobs, ${r.rejects} rejects), mawk ${(n / mawkSeconds / 1000).toFixed(0)}k lines/s → ratio ${(mawkSeconds / r.seconds).toFixed(2)}; peak RSS ${r.rssMiB.toFixed(0)} MiB; with the heap capped at 64 MiB: ${c ? `finished, peak RSS ${c.rssMiB.toFixed(0)} MiB, ${(n / c.seconds / 1000).toFixed(0)}k lines/s` : 'FAILED (memory grows with input)'}`);
}
rmSync(dir, { recursive: true, force: true });
