// A sweep of N small objects (default 20 000) on the embedded S3-protocol server: objects/s of a local-mode sweep
// (re-hash and compare with the recorded verdict), against listing + GET of the same objects without hashing or
// state reads, at the same concurrency, in the same run.
// Usage: npx tsx bench/sweep.ts [N=20000]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { runSweep } from '#lib/integrity/index.ts';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore } from '#lib/storage/index.ts';
import { startS3Child } from './s3-child.ts';

const n = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = 8;
const dir = mkdtempSync(join(tmpdir(), 'sweep-bench-'));
// s3rver runs in its own process (bench/s3-child.ts), so the sweep does not share its event loop.
const server = await startS3Child(dir, { accessKey: 'benchkey', secretKey: 'benchsecret' }, ['inbox', 'cmp-ops-state']);
const endpoint = server.endpoint;

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

try {
  const store = createMinioStore(
    createMinioClient({
      endpoint,
      region: 'us-east-1',
      accessKey: new Secret('benchkey'),
      secretKey: new Secret('benchsecret'),
    }),
  );
  const state = createStateStore(store, 'cmp-ops-state');
  // 500 objects per delivery folder, one sweep target per folder: s3rver opens every listed object's files at once,
  // and one listing of 20 000 objects (40 000 files) passes this machine's 20 000 open-file limit.
  const folders = Array.from(
    { length: Math.ceil(n / 500) },
    (_, f) => `STS/deliveries/d${String(f).padStart(3, '0')}/`,
  );
  const keys = Array.from(
    { length: n },
    (_, i) => `STS/deliveries/d${String(Math.floor(i / 500)).padStart(3, '0')}/${String(i).padStart(6, '0')}.dat`,
  );
  const seed = performance.now();
  // Objects of 1-4 KiB and the verdict records checksum-verify would have written for them.
  await pool(keys, 16, async (key) => {
    const body = Buffer.alloc(1024 + ((key.length * 97) % 3072), key);
    await store.put('inbox', key, body);
    const info = (await store.stat('inbox', key))!;
    await state.write(`verdicts/inbox/${key}`, {
      bucket: 'inbox',
      key,
      etag: info.etag,
      size: body.length,
      verdict: 'ok',
      algorithm: 'sha256',
      actual: createHash('sha256').update(body).digest('hex'),
      verifiedAt: '2026-11-25T00:00:00Z',
    });
  });
  console.log(`seeded ${n} objects and verdicts in ${((performance.now() - seed) / 1000).toFixed(1)} s`);

  let t = performance.now();
  let listed = 0;
  const batch: string[] = [];
  const drain = async () => {
    await pool(batch.splice(0), CONCURRENCY, async (key) => {
      for await (const _ of await store.getStream('inbox', key)) void _;
    });
  };
  for (const folder of folders) {
    for await (const item of store.list('inbox', folder)) {
      listed++;
      batch.push(item.key);
    }
    await drain();
  }
  const baseline = (performance.now() - t) / 1000;

  t = performance.now();
  const report = await runSweep(
    {
      store,
      state,
      alerts: { send: async () => undefined },
      now: () => DateTime.utc(),
      elapsedMs: () => performance.now() - t,
      subsystemOf: () => 'STS',
    },
    {
      targets: folders.map((prefix) => ({ bucket: 'inbox', prefix })),
      budgetMs: 3_600_000,
      maxObjects: 10 * n,
      concurrency: CONCURRENCY,
      stalePendingMinutes: 1440,
      leaseMs: 3_600_000,
    },
    'bench',
  );
  const sweep = (performance.now() - t) / 1000;
  if (report.status !== 'complete' || report.objects !== n)
    throw new Error(`sweep did not complete: ${JSON.stringify(report)}`);
  const drift = Object.values(report.counts).reduce((a, b) => a + b, 0);
  console.log(
    `list + GET (no hashing): ${listed} objects in ${baseline.toFixed(1)} s → ${(listed / baseline).toFixed(0)} objects/s`,
  );
  console.log(
    `sweep (re-hash + verdict read + missing-record pass): ${report.objects} objects in ${sweep.toFixed(1)} s → ${(report.objects / sweep).toFixed(0)} objects/s, ${drift} drift → ratio ${(baseline / sweep).toFixed(2)} of list + GET`,
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
