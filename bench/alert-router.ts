// Ingest + route throughput and p99 latency of alert-router's HTTP endpoint, side by side with Debian's
// prometheus-alertmanager receiving the same load on /api/v2/alerts in the same run: 10 000 distinct alerts in
// batches of 100, posted one batch at a time and then from 4 clients at once. Each system is first warmed up with its
// own 2 000 alerts sent 5 times: a deployed router is long-lived and its code compiled as it runs, and re-sending the
// same alerts warms it without growing the state measured (Prometheus re-sends firing alerts on every evaluation). Each runs as in production: alert-router is its real bundle (dist/functions/alert-router.mjs) in its own
// process, with its state in the embedded S3 server (s3rver) in another process, as MinIO is; the routing is the same
// alertmanager.yml as Alertmanager's. All systems run at once and take turns, round by round (7 rounds, each with
// every system started afresh): a small shared machine drifts in speed, and a drift between one system's rounds and
// the next's would move the ratio. Reported: the median round of each system, and the median of the per-round ratios.
// Systems: Alertmanager; alert-router on POST /api/v2/alerts (answered once validated, applied and journaled right
// after: Alertmanager's contract, its senders re-send); alert-router on POST / (answered once journaled: what our own
// functions use, which send once); and the same handler with its state in memory (no persistence).
// Usage: npm run build && npx tsx bench/alert-router.ts [alerts=10000] [batch=100] [warm-up alerts=2000] [warm-up passes=5]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/free-port.ts';
import { startS3Child, type S3Child } from './s3-child.ts';

const total = Number(process.argv[2] ?? 10_000);
const batch = Number(process.argv[3] ?? 100);
const warmupAlerts = Number(process.argv[4] ?? 2000);
const warmupPasses = Number(process.argv[5] ?? 5);
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
const batchesOf = (name: string, count: number) =>
  Array.from({ length: Math.ceil(count / batch) }, (_, b) =>
    JSON.stringify(
      Array.from({ length: batch }, (_, i) => {
        const n = b * batch + i;
        return {
          labels: {
            alertname: `${name}${n % 20}`,
            severity: n % 3 ? 'warning' : 'critical',
            subsystem: SUBSYSTEMS[n % 6],
            object: `obj-${n}`,
          },
          annotations: { summary: `bench alert ${n}` },
        };
      }),
    ),
  );
const CLIENTS = 4;
const ROUNDS = 7;

type Load = { perSecond: number; p50: number; p99: number };
async function load(url: string, headers: Record<string, string>, bodies: string[], clients = 1): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
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
const stop = (child: ChildProcess) =>
  new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });

type System = { name: string; url: string; headers: Record<string, string>; close: () => Promise<unknown> };
const token = 'bench-token';
const auth = { authorization: `Bearer ${token}` };

// Alertmanager 0.25 (Debian), no cluster
async function alertmanager(round: number): Promise<System> {
  const port = await freePort();
  const am = spawn(
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, `am-${round}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(
    'alertmanager ready',
    async () => (await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined))?.ok === true,
    10_000,
  );
  return {
    name: 'prometheus-alertmanager',
    url: `http://127.0.0.1:${port}/api/v2/alerts`,
    headers: {},
    close: () => stop(am),
  };
}

// alert-router: its bundle in one process, s3rver in another, a fresh state bucket for each endpoint
const bundle = join(import.meta.dirname, '..', 'dist', 'functions', 'alert-router.mjs');
if (!existsSync(bundle)) throw new Error('run npm run build first');
async function router(round: number, pathname: string, name: string): Promise<System> {
  const keys = { accessKey: 'bench', secretKey: 'benchsecret' };
  const s3: S3Child = await startS3Child(join(dir, `s3-${round}-${pathname.replace(/\W/g, '')}`), keys, [
    'cmp-ops-state',
  ]);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), bundle],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: keys.accessKey,
        S3_SECRET_KEY: keys.secretKey,
        CMP_OPS_INVOKE_TOKEN: token,
        ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
        LOG_LEVEL: 'warn',
        BODY_LIMIT_BYTES: String(4 << 20),
        REQUEST_DEADLINE_MS: '60000',
      },
    },
  );
  await waitFor(
    'alert-router ready',
    async () => (await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined))?.ok === true,
    10_000,
  );
  return {
    name,
    url: `http://127.0.0.1:${port}${pathname}`,
    headers: auth,
    close: async () => {
      await stop(child);
      s3.close();
    },
  };
}

// the same handler with its state in memory (no persistence, as Alertmanager keeps alerts): the routing core alone
async function inMemory(): Promise<System> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'router-memory-child.ts'), join(dir, 'am.yml'), token],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { name: 'alert-router (memory)', url: `${url}/`, headers: auth, close: () => stop(child) };
}

// Each round starts every system afresh (an empty state), so that each measures the load above, and nothing else: a
// state grown over many rounds would measure a larger state than the 10 000 alerts asked for.
const results = Array.from({ length: 4 }, () => ({ one: [] as Load[], many: [] as Load[] }));
// after its load, each system is left alone for a while: what it does in the background once quiet (alert-router's
// snapshot) is then done before the next system's load, not during it
const QUIET_AFTER_LOAD_MS = 500;
const settled = <T>(result: T) => new Promise<T>((resolve) => setTimeout(() => resolve(result), QUIET_AFTER_LOAD_MS));
let names: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const systems = [
    await alertmanager(round),
    await router(round, '/api/v2/alerts', 'alert-router /api/v2/alerts'),
    await router(round, '/', 'alert-router / (written)'),
    await inMemory(),
  ];
  names = systems.map((s) => s.name);
  for (const [i, system] of systems.entries()) {
    const warmup = batchesOf(`Warmup${round}x${i}x`, warmupAlerts);
    for (let pass = 0; pass < warmupPasses; pass++) await load(system.url, system.headers, warmup);
    await settled(undefined);
  }
  for (const [i, system] of systems.entries())
    results[i]!.one.push(await settled(await load(system.url, system.headers, batchesOf(`One${round}x${i}x`, total))));
  for (const [i, system] of systems.entries())
    results[i]!.many.push(
      await settled(await load(system.url, system.headers, batchesOf(`Many${round}x${i}x`, total), CLIENTS)),
    );
  for (const system of systems) await system.close();
}
rmSync(dir, { recursive: true, force: true });

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianRound = (runs: Load[]) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;
const row = (name: string, r: Load) =>
  `${name.padEnd(42)} ${r.perSecond.toFixed(0).padStart(8)} alerts/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`;
console.log(
  `${total} distinct alerts in batches of ${batch} after a warm-up of ${warmupAlerts} alerts sent ${warmupPasses} times; ${ROUNDS} rounds, each system fresh in each, taking turns; the median round of each`,
);
for (const [key, label] of [
  ['one', '1 client'],
  ['many', `${CLIENTS} clients`],
] as const) {
  for (const [i, name] of names.entries()) console.log(row(`${name}, ${label}`, medianRound(results[i]![key])));
}
const perRound = (i: number, key: 'one' | 'many') =>
  results[i]![key].map((r, round) => r.perSecond / results[0]![key][round]!.perSecond);
const ratio = (i: number, key: 'one' | 'many') => medianOf(perRound(i, key));
const ratios = (i: number) =>
  `${ratio(i, 'one').toFixed(2)}× one client, ${ratio(i, 'many').toFixed(2)}× ${CLIENTS} clients`;
const spread = (i: number, key: 'one' | 'many') =>
  `${Math.min(...perRound(i, key)).toFixed(2)}–${Math.max(...perRound(i, key)).toFixed(2)}`;
console.log(
  `throughput ratio alert-router / alertmanager on /api/v2/alerts (state journaled in s3rver), median of the per-round ratios: ${ratios(1)} (goal ≥ 1.0×); rounds ${spread(1, 'one')} and ${spread(1, 'many')}`,
);
console.log(`  on / (answered once journaled): ${ratios(2)}`);
console.log(`  with the state in memory, no persistence: ${ratios(3)}`);
