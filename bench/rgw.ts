// Figures for Ceph RGW against the embedded s3rver, measured in the same run: the local stack's start (RGW: the
// one-node cluster boot included) and the latency from the PUT of a corrupted file (sidecar already there) to its
// notification line — with s3rver the stack delivers MinIO-shaped events itself, with RGW RGW pushes its own
// (non-persistent topics; a persistent topic's first event can wait ~30 s more, see docs/deploy.md).
// Usage: npx tsx bench/rgw.ts [N=10]
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { missingCephBinaries } from '../scripts/rgw/cluster.ts';
import { startLocalStack } from '../scripts/local-stack/stack.ts';

const root = resolve(import.meta.dirname, '..');
const count = Number(process.argv[2] ?? 10);
if (missingCephBinaries().length) {
  console.log(`skipped: Ceph binaries absent (${missingCephBinaries().join(', ')})`);
  process.exit(0);
}

async function measure(
  backend: 's3rver' | 'rgw',
): Promise<{ startMs: number; p50: number; max: number; rgwBootMs?: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), `cmp-ops-bench-${backend}-`));
  const t0 = performance.now();
  const logs: string[] = [];
  const stack = await startLocalStack({
    root,
    dataDir,
    s3Backend: backend,
    rgwPersistent: false,
    s3Port: 0,
    gatewayPort: 0,
    accessKey: 'minioadmin',
    secretKey: 'minioadmin',
    seedDemo: false,
    timers: false,
    only: ['checksum-verify', 'alert-router'],
    startTimeoutMs: 60_000,
    log: (line) => logs.push(line),
  });
  const startMs = performance.now() - t0;
  const lines = () =>
    existsSync(stack.notificationsFile)
      ? readFileSync(stack.notificationsFile, 'utf8').split('\n').filter(Boolean).length
      : 0;
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = `DUTCH/bench/file-${i}.dat`;
    await stack.store.put(
      'inbox',
      `${key}.sha256`,
      `${createHash('sha256').update('expected').digest('hex')}  file-${i}.dat\n`,
    );
    await stack.settled();
    const before = lines();
    const sent = performance.now();
    await stack.store.put('inbox', key, Buffer.alloc(64 * 1024, i));
    while (lines() === before) await new Promise((r) => setTimeout(r, 2));
    latencies.push(performance.now() - sent);
  }
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const boot = /up in (\d+) ms/.exec(logs.find((l) => l.startsWith('rgw:')) ?? '')?.[1];
  return {
    startMs,
    p50: latencies[Math.floor(latencies.length / 2)]!,
    max: latencies.at(-1)!,
    ...(boot ? { rgwBootMs: Number(boot) } : {}),
  };
}

const s3rver = await measure('s3rver');
const rgw = await measure('rgw');
console.log(
  `local stack start: s3rver ${s3rver.startMs.toFixed(0)} ms, RGW ${rgw.startMs.toFixed(0)} ms (cluster boot ${rgw.rgwBootMs} ms) → ratio ${(rgw.startMs / s3rver.startMs).toFixed(2)}`,
);
console.log(
  `PUT → notification over ${count} corrupted 64 KiB uploads: s3rver p50 ${s3rver.p50.toFixed(1)} ms (max ${s3rver.max.toFixed(1)}), RGW p50 ${rgw.p50.toFixed(1)} ms (max ${rgw.max.toFixed(1)}) → ratio ${(rgw.p50 / s3rver.p50).toFixed(2)}`,
);
