// Verifying an object through the embedded S3-protocol server (s3rver, as in the local stack) against a plain GET of
// the same object from the same server (`curl -o /dev/null` on a presigned URL), in the same run; and the peak RSS of
// the verifying process, which must stay flat whatever the size.
// Both sides run as users run them, interleaved for several rounds (medians).
// Usage: npm run build && npx tsx bench/s3-verify.ts [MiB=1024] [rounds=5]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, spread, timeProcess, verdict } from './measure.ts';
import { writePatternFile } from './pattern-file.ts';
import { startS3Child } from './s3-child.ts';
import { createMinioClient, createMinioStore } from '#lib/storage/index.ts';
import { Secret } from '#lib/runtime/index.ts';

const KEYS = { accessKey: 'benchkey', secretKey: 'benchsecret' };

const mib = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 5);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'cmp-ops.mjs');
if (!existsSync(join(root, 'dist', 'cli.mjs'))) throw new Error('run npm run build first');
const dir = mkdtempSync(join(tmpdir(), 's3-verify-bench-'));
// The server runs in its own process, so the client being measured does not share its event loop.
const server = await startS3Child(dir, KEYS, ['inbox', 'cmp-ops-state']);
const endpoint = server.endpoint;
try {
  const client = createMinioClient({
    endpoint,
    region: 'us-east-1',
    accessKey: new Secret(KEYS.accessKey),
    secretKey: new Secret(KEYS.secretKey),
  });
  const store = createMinioStore(client);
  // s3rver has no multipart listing (minio-js needs it for large streams): the object goes up in one presigned PUT.
  const file = join(dir, 'big.bin');
  writePatternFile(file, mib);
  const put = spawnSync(
    'curl',
    ['-sS', '-f', '-T', file, await client.presignedPutObject('inbox', 'bench/big.bin', 3600)],
    { encoding: 'utf8' },
  );
  if (put.status !== 0) throw new Error(`upload failed: ${put.stderr}`);
  rmSync(file);
  if ((await store.stat('inbox', 'bench/big.bin'))?.size !== mib * 2 ** 20) throw new Error('object size differs');
  const url = await client.presignedGetObject('inbox', 'bench/big.bin', 3600);
  const env = { ...process.env, S3_ENDPOINT: endpoint, S3_ACCESS_KEY: KEYS.accessKey, S3_SECRET_KEY: KEYS.secretKey };
  const r = interleave(rounds, {
    curl: () => timeProcess('curl', ['-sS', '-f', '-o', '/dev/null', url], { env }),
    verify: () =>
      timeProcess(process.execPath, [cli, 'verify', 's3://inbox/bench/big.bin', '--algorithms', 'sha256'], { env }),
  });
  const rate = (s: number) => `${(mib / s).toFixed(0)} MiB/s`;
  console.log(`object: ${mib} MiB on s3rver ${endpoint}, ${rounds} interleaved rounds, medians`);
  console.log(
    `sha256 verify through S3: cmp-ops verify ${rate(r.verify.seconds)} ${spread(r.verify)} vs curl -o /dev/null ${rate(r.curl.seconds)} ${spread(r.curl)} → ${verdict(r.curl.seconds / r.verify.seconds, '≥ 0.95')}`,
  );
  console.log(`peak RSS of cmp-ops verify: ${r.verify.rssMiB.toFixed(0)} MiB (goal ≤ 150 MiB)`);
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
