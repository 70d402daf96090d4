// Hashing figures, measured in one run on the same file (size in MiB as the first argument, default 1024), each
// command run as a user runs it, interleaved with its reference for several rounds (medians):
// - SHA-256 through `cmp-ops verify FILE --algorithms sha256` (the CLI bundle) vs `openssl dgst -sha256 FILE`;
// - SHA-256 + MD5 in one pass vs the slower of the two alone;
// - peak RSS of the verify process (it must stay flat whatever the size).
// Usage: npm run build && npx tsx bench/hash.ts [MiB] [rounds=5]
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, spread, timeProcess, verdict } from './measure.ts';
import { writePatternFile } from './pattern-file.ts';

const mib = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 5);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'cmp-ops.mjs');
if (!existsSync(join(root, 'dist', 'cli.mjs'))) throw new Error('run npm run build first');
const file = join(tmpdir(), `cmp-ops-hash-bench-${mib}-${process.pid}.bin`);
writePatternFile(file, mib);
try {
  const verify = (algorithms: string) => () =>
    timeProcess(process.execPath, [cli, 'verify', file, '--algorithms', algorithms]);
  const r = interleave(rounds, {
    openssl: () => timeProcess('openssl', ['dgst', '-sha256', file]),
    sha256: verify('sha256'),
    md5: verify('md5'),
    both: verify('sha256,md5'),
  });
  const expected = timeProcess('openssl', ['dgst', '-sha256', '-r', file]).out.split(' ')[0];
  const ours = JSON.parse(timeProcess(process.execPath, [cli, 'verify', file, '--algorithms', 'sha256']).out) as {
    digests: { sha256: string };
  };
  if (ours.digests.sha256 !== expected)
    throw new Error(`digests differ: cmp-ops ${ours.digests.sha256}, openssl ${expected}`);
  const rate = (s: number) => `${(mib / s).toFixed(0)} MiB/s`;
  const slower = Math.max(r.sha256.seconds, r.md5.seconds);
  console.log(`file: ${mib} MiB, ${rounds} interleaved rounds, medians`);
  console.log(
    `sha256: cmp-ops verify ${rate(r.sha256.seconds)} ${spread(r.sha256)} vs openssl dgst ${rate(r.openssl.seconds)} ${spread(r.openssl)} → ${verdict(r.openssl.seconds / r.sha256.seconds, '≥ 1.00')}`,
  );
  console.log(
    `sha256+md5 one pass: ${r.both.seconds.toFixed(2)} s ${spread(r.both)} vs slower alone ${slower.toFixed(2)} s (md5 ${spread(r.md5)}) → ${verdict(r.both.seconds / slower, '≤ 1.10')}`,
  );
  console.log(
    `peak RSS of cmp-ops verify: sha256 ${r.sha256.rssMiB.toFixed(0)} MiB, sha256+md5 ${r.both.rssMiB.toFixed(0)} MiB (goal ≤ 150 MiB)`,
  );
} finally {
  rmSync(file, { force: true });
}
