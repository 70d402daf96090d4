// Hashing figures, measured in one run on the same file (size in MiB as the first argument, default 1024):
// - SHA-256 through `cmp-ops verify` (the CLI bundle) vs `openssl dgst -sha256`;
// - SHA-256 + MD5 in one pass vs the slower of the two alone;
// - peak RSS of the verify process (it must stay flat whatever the size).
// Usage: npm run build && npx tsx bench/hash.ts [MiB]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePatternFile } from './pattern-file.ts';

const mib = Number(process.argv[2] ?? 1024);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.mjs');
if (!existsSync(cli)) throw new Error('run npm run build first');
const file = join(tmpdir(), `cmp-ops-hash-bench-${mib}.bin`);
writePatternFile(file, mib);

function timed(command: string, args: string[]): { seconds: number; rssMiB: number; out: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} failed: ${r.stderr}`);
  const rssKiB = Number(r.stderr.trim().split('\n').at(-1));
  return { seconds: (performance.now() - started) / 1000, rssMiB: rssKiB / 1024, out: r.stdout };
}
const best = (f: () => { seconds: number; rssMiB: number; out: string }) => [f(), f()].sort((a, b) => a.seconds - b.seconds)[0]!;

const openssl = best(() => timed('openssl', ['dgst', '-sha256', file]));
const sha = best(() => timed(process.execPath, [cli, 'verify', file, '--algorithms', 'sha256']));
const md5 = best(() => timed(process.execPath, [cli, 'verify', file, '--algorithms', 'md5']));
const both = best(() => timed(process.execPath, [cli, 'verify', file, '--algorithms', 'sha256,md5']));
const rate = (s: number) => `${(mib / s).toFixed(0)} MiB/s`;
console.log(`file: ${mib} MiB`);
console.log(`sha256: cmp-ops verify ${rate(sha.seconds)} vs openssl dgst ${rate(openssl.seconds)} → ratio ${(openssl.seconds / sha.seconds).toFixed(2)} (goal ≥ 0.90)`);
console.log(`sha256+md5 one pass: ${both.seconds.toFixed(2)} s vs slower alone ${Math.max(sha.seconds, md5.seconds).toFixed(2)} s → ${(both.seconds / Math.max(sha.seconds, md5.seconds)).toFixed(2)}× (goal ≤ 1.15)`);
console.log(`peak RSS of cmp-ops verify: sha256 ${sha.rssMiB.toFixed(0)} MiB, sha256+md5 ${both.rssMiB.toFixed(0)} MiB (goal ≤ 150 MiB)`);
rmSync(file);
