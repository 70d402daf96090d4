// What running alert-router as a pair costs per notification, on a real Ceph RGW, measured in the same run:
// 1. store calls: the notification log's create-only write (`If-None-Match: *`, the claim) and its `If-Match` write
//    (the `sent` mark) against an unconditional PUT of the same small JSON (the reference);
// 2. end to end: POST / of a new alert (group_wait 0s, so the notification goes out in the request) to the arrival of
//    its webhook at a real HTTP listener, for a single router (HA_MODE off) and for one replica of a pair (HA_MODE on,
//    its peer silent), both handlers in this process, on the same RGW, in alternating rounds.
// Usage: npx tsx bench/alert-router-ha.ts [N=100]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotificationLog } from '../lib/alerting/router/notification-log.ts';
import { fixedClock, Secret, type Handler } from '../lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore } from '../lib/storage/index.ts';
import { createHandler } from '../functions/alert-router/handler.ts';
import { missingCephBinaries, startRgw } from '../scripts/rgw/cluster.ts';
import { serveHandler, TEST_TOKEN } from '../test/helpers/serve-handler.ts';

const count = Number(process.argv[2] ?? 100);
if (missingCephBinaries().length) {
  console.log(`skipped: Ceph binaries absent (${missingCephBinaries().join(', ')})`);
  process.exit(0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const rgw = await startRgw({ accessKey: 'benchkey', secretKey: 'benchsecret' });
const dir = mkdtempSync(join(tmpdir(), 'bench-ha-'));
try {
  const store = createMinioStore(
    createMinioClient({
      endpoint: rgw.endpoint,
      region: 'us-east-1',
      accessKey: new Secret(rgw.accessKey),
      secretKey: new Secret(rgw.secretKey),
    }),
  );
  const bucket = `bench-ha-${randomBytes(3).toString('hex')}`;
  await store.ensureBucket(bucket);
  const state = createStateStore(store, bucket);

  // 1. store calls, interleaved
  const nflog = createNotificationLog({ state, replica: 'bench', claimTtlMs: 60_000, timeoutMs: 10_000 });
  const about = { groupKey: '{}:{alertname="Bench"}', receiver: 'hook', integration: 'webhook/0' };
  const plain: number[] = [];
  const claim: number[] = [];
  const mark: number[] = [];
  for (let i = 0; i < count; i++) {
    let t = performance.now();
    await state.write(`bench/plain/${i}.json`, { owner: 'bench', claimedAt: i, ...about });
    plain.push(performance.now() - t);
    t = performance.now();
    const c = await nflog.claim(`bench/nflog/${i}.json`, about, i);
    claim.push(performance.now() - t);
    if (!c.send || c.why !== 'created') throw new Error(`claim ${i}: ${JSON.stringify(c)}`);
    t = performance.now();
    await nflog.markSent(`bench/nflog/${i}.json`, i);
    mark.push(performance.now() - t);
  }

  // 2. end to end, single router vs one replica of a pair, alternating
  const arrivals = new Map<string, () => void>();
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200).end();
      for (const a of (JSON.parse(body) as { alerts: Array<{ labels: { alertname: string } }> }).alerts)
        arrivals.get(a.labels.alertname)?.();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
  writeFileSync(
    join(dir, 'am.yml'),
    `route: { receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1m, repeat_interval: 4h }\nreceivers: [{ name: hook, webhook_configs: [{ url: '${hookUrl}' }] }]\n`,
  );
  const clock = fixedClock('2026-12-03T10:00:00Z');
  const router = async (pair: boolean) => {
    const b = `bench-ha-${pair ? 'pair' : 'single'}-${randomBytes(3).toString('hex')}`;
    await store.ensureBucket(b);
    const config = {
      ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
      WEBHOOK_RECEIVERS: [],
      EXTERNAL_URL: 'http://router',
      RESOLVE_TIMEOUT_MS: 300000,
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_MS: 10000,
      DROP_MUTED_RECEIVERS: [],
      DELIVERY_TIMEOUT_MS: 5000,
      STATE_BUCKET: b,
      HA_MODE: pair ? 'on' : 'off',
      HA_REPLICA_ID: 'bench-a',
      HA_CLAIM_TTL_MS: 60000,
      HA_LEASE_TTL_MS: 180000,
      HA_TICK_MS: 3_600_000,
      HA_STORE_TIMEOUT_MS: 10000,
    };
    const handler: Handler = createHandler({
      config: config as never,
      state: createStateStore(store, b),
      clock,
      pair,
    });
    return Object.assign(await serveHandler(handler, { clock, deadlineMs: 30_000 }), { handler });
  };
  const single = await router(false);
  const pair = await router(true);
  const latency = { single: [] as number[], pair: [] as number[] };
  for (let i = 0; i < count; i++) {
    // the order alternates, so what one leaves running (a write after its answer) weighs on both alike
    const order = [
      ['single', single],
      ['pair', pair],
    ] as const;
    for (const [name, server] of i % 2 === 0 ? order : [...order].reverse()) {
      const alertname = `Bench${name}${i}`;
      const arrived = new Promise<void>((r) => arrivals.set(alertname, r));
      const t = performance.now();
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname, severity: 'critical' }, annotations: {} }]),
      });
      await arrived;
      latency[name].push(performance.now() - t);
      await res.text();
    }
  }
  for (const s of [single, pair]) {
    await s.handler.settle?.();
    await s.close();
  }
  hook.close();

  console.log(`Ceph RGW, ${count} of each, same run (median, p90):`);
  console.log(`  unconditional PUT (reference)      ${ms(median(plain))}, ${ms(p90(plain))}`);
  console.log(
    `  claim: create-only PUT             ${ms(median(claim))}, ${ms(p90(claim))}  (${(median(claim) / median(plain)).toFixed(2)}× the reference)`,
  );
  console.log(
    `  sent mark: If-Match PUT            ${ms(median(mark))}, ${ms(p90(mark))}  (${(median(mark) / median(plain)).toFixed(2)}× the reference; after the send, not before it)`,
  );
  console.log(`  POST / → webhook, single router    ${ms(median(latency.single))}, ${ms(p90(latency.single))}`);
  console.log(
    `  POST / → webhook, replica of a pair ${ms(median(latency.pair))}, ${ms(p90(latency.pair))}  (+${ms(median(latency.pair) - median(latency.single))}, ${(median(latency.pair) / median(latency.single)).toFixed(2)}×)`,
  );
} finally {
  await rgw.stop();
  rmSync(dir, { recursive: true, force: true });
}
