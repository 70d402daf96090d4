// Ingest + route throughput and p99 latency of alert-router's HTTP endpoint, side by side with Debian's
// prometheus-alertmanager receiving the same load on /api/v2/alerts in the same run: 10 000 distinct alerts in
// batches of 100, posted one batch at a time. alert-router runs its real handler behind the real runtime server,
// with its state in the embedded S3 server (s3rver), routing from the same alertmanager.yml as Alertmanager.
// Usage: npx tsx bench/alert-router.ts [alerts=10000] [batch=100]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerMatches, createLogger, Secret, serve, systemClock } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../functions/alert-router/handler.ts';
import { startEmbeddedS3 } from '../scripts/local-stack/s3-server.ts';
import { freePort, waitFor } from '../test/helpers/free-port.ts';

const total = Number(process.argv[2] ?? 10_000);
const batch = Number(process.argv[3] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'bench-router-'));
const routing = `route:
  receiver: ops
  group_by: [alertname, subsystem]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: ops
  - name: pager
`;
writeFileSync(join(dir, 'am.yml'), routing);
const SUBSYSTEMS = ['STS', 'DUTCH', 'CGCU', 'EGM', 'OMGS', 'CCS'];
const batches = Array.from({ length: Math.ceil(total / batch) }, (_, b) =>
  JSON.stringify(Array.from({ length: batch }, (_, i) => {
    const n = b * batch + i;
    return { labels: { alertname: `Bench${n % 20}`, severity: n % 3 ? 'warning' : 'critical', subsystem: SUBSYSTEMS[n % 6], object: `obj-${n}` }, annotations: { summary: `bench alert ${n}` } };
  })),
);

async function load(url: string, headers: Record<string, string>): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  for (const body of batches) {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { perSecond: (batches.length * batch) / seconds, p50: pct(0.5), p99: pct(0.99) };
}

// Alertmanager 0.25 (Debian), no cluster
const amPort = await freePort();
const am = spawn('/usr/bin/prometheus-alertmanager', [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], { stdio: 'ignore' });
await waitFor('alertmanager ready', async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`).catch(() => undefined))?.ok === true, 10_000);
const reference = await load(`http://127.0.0.1:${amPort}/api/v2/alerts`, {});
am.kill('SIGTERM');
await new Promise((r) => am.once('exit', r));

// alert-router with its state in s3rver
const s3 = await startEmbeddedS3({ host: '127.0.0.1', port: 0, directory: join(dir, 's3'), accessKey: 'bench', secretKey: 'benchsecret', buckets: ['cmp-ops-state'] });
const store = createMinioStore(createMinioClient({ endpoint: s3.endpoint, region: 'us-east-1', accessKey: new Secret('bench'), secretKey: new Secret('benchsecret') }));
const handler = createHandler({ config: { ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`, WEBHOOK_RECEIVERS: [], EXTERNAL_URL: 'http://router', RESOLVE_TIMEOUT_MS: 300000, RETRY_MAX_ATTEMPTS: 8, RETRY_BASE_MS: 30000, DROP_MUTED_RECEIVERS: [], DELIVERY_TIMEOUT_MS: 10000, STATE_BUCKET: 'cmp-ops-state' } as never, state: createStateStore(store, 'cmp-ops-state'), store });
const token = new Secret('bench-token');
const server = await serve({ name: 'alert-router', handler, port: 0, host: '127.0.0.1', bodyLimitBytes: 4 << 20, deadlineMs: 60_000, log: createLogger({ name: 'bench', level: 'warn' }), clock: systemClock, authorize: (req) => bearerMatches(req.headers.get('authorization'), token) });
const ours = await load(server.url, { authorization: 'Bearer bench-token' });
await server.close();
await s3.close();
rmSync(dir, { recursive: true, force: true });

const row = (name: string, r: { perSecond: number; p50: number; p99: number }) => `${name.padEnd(26)} ${r.perSecond.toFixed(0).padStart(8)} alerts/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`;
console.log(`${total} distinct alerts in batches of ${batch}, one request at a time`);
console.log(row('prometheus-alertmanager', reference));
console.log(row('alert-router (s3rver state)', ours));
console.log(`throughput ratio alert-router / alertmanager: ${(ours.perSecond / reference.perSecond).toFixed(2)}× (goal ≥ 1.0×)`);
