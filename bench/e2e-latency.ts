// Figures for the end-to-end path: local stack start time, and the latency from the PUT of a corrupted file (its
// sidecar already there) to its notification line in notifications.jsonl. Usage: npx tsx bench/e2e-latency.ts [N=20]
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalStack } from '../scripts/local-stack/stack.ts';

const root = resolve(import.meta.dirname, '..');
const count = Number(process.argv[2] ?? 20);
const dataDir = mkdtempSync(join(tmpdir(), 'cmp-ops-bench-'));
const t0 = performance.now();
const stack = await startLocalStack({
  root,
  dataDir,
  s3Port: 0,
  gatewayPort: 0,
  accessKey: 'minioadmin',
  secretKey: 'minioadmin',
  seedDemo: false,
  timers: false,
  log: () => undefined,
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
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(`local stack start (bundles prebuilt): ${startMs.toFixed(0)} ms`);
console.log(
  `event → notification latency over ${count} corrupted 64 KiB uploads: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
);
