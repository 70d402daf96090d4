// Parsing N xferlog lines (the shape vsftpd writes) against `mawk '{print $9, $NF}'` over the same file in the same
// run, and the parser's peak RSS as N grows (also with the heap capped, to show memory is bounded).
// Usage: npx tsx bench/ftp-parse.ts [N=1000000]
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { DateTime } from 'luxon';
import { parseFtpLogBatches } from '#lib/ftp/index.ts';

if (process.argv[2] === '--child') {
  let records = 0;
  let rejects = 0;
  const started = performance.now();
  for await (const batch of parseFtpLogBatches(createReadStream(process.argv[3]!, { highWaterMark: 1 << 20 }), { server: 'bench', zone: 'Europe/Paris', fileTime: DateTime.utc() })) {
    for (const r of batch) {
      if (r.kind === 'reject') rejects++;
      else records++;
    }
  }
  process.stdout.write(JSON.stringify({ records, rejects, seconds: (performance.now() - started) / 1000, rssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

async function writeLog(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2026, 10, 1) + i * 1000);
    const stamp = `${days[(d.getUTCDay() + 6) % 7]} Nov ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} 2026`;
    const line = `${stamp} ${1 + (i % 30)} 10.0.${i % 250}.${i % 200} ${1000 + i} /inbox/STS/deliveries/product_${i}.bin b _ i r sts ftp 0 * ${i % 50 ? 'c' : 'i'}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const dir = mkdtempSync(join(tmpdir(), 'ftp-bench-'));
const bundle = join(dir, 'bench.mjs');
buildSync({ entryPoints: [import.meta.filename], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
for (const n of [10_000, Number(process.argv[2] ?? 1_000_000)]) {
  const file = join(dir, `xferlog-${n}`);
  await writeLog(file, n);
  // best of three runs for both sides, so a stall of the shared machine does not decide the ratio
  let mawkSeconds = Infinity;
  let r = { records: 0, rejects: 0, seconds: Infinity, rssMiB: 0 };
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    execFileSync('mawk', ['{print $9, $NF}', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    mawkSeconds = Math.min(mawkSeconds, (performance.now() - t0) / 1000);
    const run = JSON.parse(spawnSync(process.execPath, [bundle, '--child', file], { encoding: 'utf8' }).stdout) as typeof r;
    if (run.seconds < r.seconds) r = { ...run, rssMiB: Math.max(run.rssMiB, r.rssMiB) };
  }
  const capped = spawnSync(process.execPath, ['--max-old-space-size=64', bundle, '--child', file], { encoding: 'utf8' });
  const c = capped.status === 0 ? (JSON.parse(capped.stdout) as { rssMiB: number }) : null;
  console.log(`${n} lines (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB): cmp-ops ${(n / r.seconds / 1000).toFixed(0)}k lines/s (${r.records} records, ${r.rejects} rejects), mawk ${(n / mawkSeconds / 1000).toFixed(0)}k lines/s → ratio ${(mawkSeconds / r.seconds).toFixed(2)}; peak RSS ${r.rssMiB.toFixed(0)} MiB; heap capped at 64 MiB: ${c ? `finished, peak RSS ${c.rssMiB.toFixed(0)} MiB` : 'FAILED'}`);
}
rmSync(dir, { recursive: true, force: true });
