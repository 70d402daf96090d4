// Ingest + route throughput and p99 latency of alert-router's HTTP endpoint, side by side with Debian's
// prometheus-alertmanager receiving the same load on /api/v2/alerts in the same run: 10 000 distinct alerts in
// batches of 100, after the same 2 000-alert warm-up for both, posted one batch at a time and then from 4 clients at
// once. Each runs as in production: alert-router is its real bundle (dist/functions/alert-router.mjs) in its own
// process, with its state in the embedded S3 server (s3rver) in another process, as MinIO is; the routing is the same
// alertmanager.yml as Alertmanager's.
// Usage: npm run build && npx tsx bench/alert-router.ts [alerts=10000] [batch=100]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/free-port.ts';
import { startS3Child } from './s3-child.ts';

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
const batchesOf = (name: string, count: number) => Array.from({ length: Math.ceil(count / batch) }, (_, b) =>
  JSON.stringify(Array.from({ length: batch }, (_, i) => {
    const n = b * batch + i;
    return { labels: { alertname: `${name}${n % 20}`, severity: n % 3 ? 'warning' : 'critical', subsystem: SUBSYSTEMS[n % 6], object: `obj-${n}` }, annotations: { summary: `bench alert ${n}` } };
  })),
);
const warmup = batchesOf('Warmup', 2000);
const batches = Array.from({ length: 5 }, (_, i) => i).map((round) => batchesOf(`Bench${round}x`, total));
const concurrent = Array.from({ length: 5 }, (_, i) => i).map((round) => batchesOf(`Parallel${round}x`, total));
const CLIENTS = 4;

type Load = { perSecond: number; p50: number; p99: number };
async function load(url: string, headers: Record<string, string>, bodies: string[], clients = 1): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { perSecond: (bodies.length * batch) / seconds, p50: pct(0.5), p99: pct(0.99) };
}
// Each load is run ROUNDS times with alerts never seen before, and the median round is reported: one round is about
// a hundred requests, short enough for a scheduling hiccup on a small machine to move it by a third.
const ROUNDS = 5;
const median = (runs: Load[]) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;
async function measure(url: string, headers: Record<string, string>): Promise<{ one: Load; many: Load }> {
  await load(url, headers, warmup);
  const one: Load[] = [];
  const many: Load[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    one.push(await load(url, headers, batches[round]!));
    many.push(await load(url, headers, concurrent[round]!, CLIENTS));
  }
  return { one: median(one), many: median(many) };
}
const stop = (child: ChildProcess) => new Promise((r) => {
  child.once('exit', r);
  child.kill('SIGTERM');
});

// Alertmanager 0.25 (Debian), no cluster
const amPort = await freePort();
const am = spawn('/usr/bin/prometheus-alertmanager', [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], { stdio: 'ignore' });
await waitFor('alertmanager ready', async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`).catch(() => undefined))?.ok === true, 10_000);
const reference = await measure(`http://127.0.0.1:${amPort}/api/v2/alerts`, {});
await stop(am);

// alert-router: its bundle in one process, s3rver in another, a fresh state bucket for each endpoint.
// POST /api/v2/alerts answers once the ingest is applied and queued for the journal (Alertmanager's API contract: its
// senders re-send); POST / (our own functions, which send once) answers once the journal write has landed.
const bundle = join(import.meta.dirname, '..', 'dist', 'functions', 'alert-router.mjs');
if (!existsSync(bundle)) throw new Error('run npm run build first');
const token = 'bench-token';
async function routerRun(pathname: string, name: string): Promise<{ one: Load; many: Load }> {
  const keys = { accessKey: 'bench', secretKey: 'benchsecret' };
  const s3 = await startS3Child(join(dir, `s3-${name}`), keys, ['cmp-ops-state']);
  const port = await freePort();
  const router = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), bundle], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, PORT: String(port), S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: keys.accessKey, S3_SECRET_KEY: keys.secretKey, CMP_OPS_INVOKE_TOKEN: token, ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`, LOG_LEVEL: 'warn', BODY_LIMIT_BYTES: String(4 << 20), REQUEST_DEADLINE_MS: '60000' },
  });
  await waitFor('alert-router ready', async () => (await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined))?.ok === true, 10_000);
  const result = await measure(`http://127.0.0.1:${port}${pathname}`, { authorization: `Bearer ${token}` });
  await stop(router);
  s3.close();
  return result;
}
const accepted = await routerRun('/api/v2/alerts', 'accepted');
const written = await routerRun('/', 'written');

// the same handler with its state in memory (no persistence, as Alertmanager): what the routing core costs alone
const memoryChild = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'router-memory-child.ts'), join(dir, 'am.yml'), token], { stdio: ['pipe', 'pipe', 'inherit'] });
const memoryUrl = await new Promise<string>((resolve) => memoryChild.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
const memory = await measure(`${memoryUrl}/`, { authorization: `Bearer ${token}` });
await stop(memoryChild);
rmSync(dir, { recursive: true, force: true });

const row = (name: string, r: Load) => `${name.padEnd(42)} ${r.perSecond.toFixed(0).padStart(8)} alerts/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`;
console.log(`${total} distinct alerts in batches of ${batch} after a 2 000-alert warm-up; the median of ${ROUNDS} rounds, each with new alerts`);
console.log(row('prometheus-alertmanager, 1 client', reference.one));
console.log(row('alert-router /api/v2/alerts, 1 client', accepted.one));
console.log(row('alert-router / (written), 1 client', written.one));
console.log(row('alert-router (memory), 1 client', memory.one));
console.log(row(`prometheus-alertmanager, ${CLIENTS} clients`, reference.many));
console.log(row(`alert-router /api/v2/alerts, ${CLIENTS} clients`, accepted.many));
console.log(row(`alert-router / (written), ${CLIENTS} clients`, written.many));
console.log(row(`alert-router (memory), ${CLIENTS} clients`, memory.many));
const ratios = (r: { one: Load; many: Load }) => `${(r.one.perSecond / reference.one.perSecond).toFixed(2)}× one client, ${(r.many.perSecond / reference.many.perSecond).toFixed(2)}× ${CLIENTS} clients`;
console.log(`throughput ratio alert-router / alertmanager on /api/v2/alerts (state journaled in s3rver): ${ratios(accepted)} (goal ≥ 1.0×)`);
console.log(`  on / (answered once journaled): ${ratios(written)}`);
console.log(`  with the state in memory, no persistence: ${ratios(memory)}`);
