// An alert storm (issue 15), alert-router side by side with Debian's prometheus-alertmanager 0.25 on the same
// routing (group_wait: 30s) in the same run:
// 1. memory per active alert: RSS idle, then after N distinct alerts on /api/v2/alerts (batches of 100, 4 clients),
//    each system's own (VmRSS of its process), bytes per alert and the ratio alert-router / Alertmanager;
// 2. alert-router's peak RSS while a snapshot of that state is written (sampled every 5 ms) against its steady RSS;
// 3. the bound: distinct alerts past MAX_ACTIVE_ALERTS get 429 with Retry-After (counted), nothing held is dropped;
// 4. a restart on that state: time from the process start to the first answer of GET /api/v2/alerts?limit=1, and
//    of POST /api/v2/alerts.
// alert-router runs as in production: its bundle (dist/functions/alert-router.mjs) in its own process, its state in
// s3rver in another. Usage: npm run build && npx tsx bench/alert-storm.ts [alerts=100000] [bound=MAX_ACTIVE_ALERTS]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/free-port.ts';
import { startS3Child } from './s3-child.ts';

const total = Number(process.argv[2] ?? 100_000);
const bound = Number(process.argv[3] ?? total);
const BATCH = 100;
const CLIENTS = 4;
const dir = mkdtempSync(join(tmpdir(), 'bench-storm-'));
writeFileSync(
  join(dir, 'am.yml'),
  `route:
  receiver: ops
  group_by: [alertname, subsystem]
  group_wait: 30s
  group_interval: 5m
receivers:
  - name: ops
`,
);
const bundle = join(import.meta.dirname, '..', 'dist', 'functions', 'alert-router.mjs');
if (!existsSync(bundle)) throw new Error('run npm run build first');
const token = 'bench-token';
const SUBSYSTEMS = ['STS', 'DUTCH', 'CGCU', 'EGM', 'OMGS', 'CCS'];
const body = (prefix: string, b: number) =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return {
        labels: {
          alertname: `Storm${n % 20}`,
          severity: n % 3 ? 'warning' : 'critical',
          subsystem: SUBSYSTEMS[n % 6],
          instance: `${prefix}-host-${n}`,
        },
        annotations: { summary: `storm alert ${n}`, description: 'a distinct alert of the storm' },
      };
    }),
  );
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const stop = (child: ChildProcess) =>
  new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** send posts `count` distinct alerts from CLIENTS clients; returns the statuses seen. */
async function send(
  url: string,
  headers: Record<string, string>,
  prefix: string,
  count: number,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const batches = Math.ceil(count / BATCH);
  const client = async () => {
    while (next < batches) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body(prefix, next++),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return statuses;
}
/** steadyRss waits for the RSS to stop falling (a second without a drop of 1 %), then gives it. */
async function steadyRss(pid: number): Promise<number> {
  let last = rssOf(pid);
  for (let i = 0; i < 20; i++) {
    await pause(1000);
    const now = rssOf(pid);
    if (now > last * 0.99) return Math.min(now, last);
    last = now;
  }
  return last;
}

// Alertmanager
const amPort = await freePort();
const am = spawn(
  '/usr/bin/prometheus-alertmanager',
  [
    `--config.file=${join(dir, 'am.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ],
  { stdio: 'ignore' },
);
await waitFor(
  'alertmanager ready',
  async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`).catch(() => undefined))?.ok === true,
  10_000,
);
const amIdle = await steadyRss(am.pid!);
await send(`http://127.0.0.1:${amPort}/api/v2/alerts`, {}, 'am', total);
const amFull = await steadyRss(am.pid!);
await stop(am);
const amPerAlert = (amFull - amIdle) / total;

// alert-router
const keys = { accessKey: 'bench', secretKey: 'benchsecret' };
const s3 = await startS3Child(join(dir, 's3'), keys, ['cmp-ops-state']);
const auth = { authorization: `Bearer ${token}` };
async function startRouter(): Promise<{ child: ChildProcess; url: string; startedAt: number; readyAt: number }> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, [bundle], {
    stdio: ['ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: keys.accessKey,
      S3_SECRET_KEY: keys.secretKey,
      CMP_OPS_INVOKE_TOKEN: token,
      ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
      LOG_LEVEL: process.env.BENCH_LOG ? 'info' : 'error',
      MAX_ACTIVE_ALERTS: String(bound),
      REQUEST_DEADLINE_MS: '55000',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'alert-router ready',
    async () => (await fetch(`${url}/_/health`).catch(() => undefined))?.ok === true,
    60_000,
  );
  return { child, url, startedAt, readyAt: performance.now() };
}
let router = await startRouter();
await fetch(`${router.url}/api/v2/alerts?limit=1`, { headers: auth }).then((r) => r.arrayBuffer()); // the cold load of an empty state
const emptyLoadMs = performance.now() - router.readyAt;
const routerIdle = await steadyRss(router.child.pid!);
const statuses = await send(`${router.url}/api/v2/alerts`, auth, 'router', total);
const refused = await send(`${router.url}/api/v2/alerts`, auth, 'past-bound', 10 * BATCH);
const routerFull = await steadyRss(router.child.pid!);
const routerPerAlert = (routerFull - routerIdle) / total;

// a snapshot of that state (a silence is stored by one), RSS sampled meanwhile
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rssOf(router.child.pid!))), 5);
const silenced = await fetch(`${router.url}/api/v2/silences`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({
    matchers: [{ name: 'instance', value: 'nowhere', isRegex: false }],
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'bench',
    comment: 'forces a snapshot',
  }),
});
await silenced.arrayBuffer();
clearInterval(sampler);
const held = Number(
  (await (await fetch(`${router.url}/api/v2/alerts?limit=1`, { headers: auth })).headers.get('link')) !== null,
);

// a restart on that state
await stop(router.child);
router = await startRouter();
const firstRead = await fetch(`${router.url}/api/v2/alerts?limit=1`, { headers: auth });
await firstRead.arrayBuffer();
const readAfterMs = performance.now() - router.startedAt;
const fullLoadMs = performance.now() - router.readyAt;
const firstWrite = await fetch(`${router.url}/api/v2/alerts`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: body('router', 0),
});
await firstWrite.arrayBuffer();
const writeAfterMs = performance.now() - router.startedAt;
await stop(router.child);
s3.close();
rmSync(dir, { recursive: true, force: true });

const count = (m: Map<number, number>) => [...m].map(([status, n]) => `${n}×${status}`).join(', ');
console.log(
  `${total} distinct alerts on /api/v2/alerts, batches of ${BATCH}, ${CLIENTS} clients, group_wait 30s; MAX_ACTIVE_ALERTS=${bound}`,
);
console.log(
  `prometheus-alertmanager 0.25   RSS idle ${mb(amIdle)}, with the alerts ${mb(amFull)}: ${amPerAlert.toFixed(0)} B/alert`,
);
console.log(
  `alert-router                   RSS idle ${mb(routerIdle)}, with the alerts ${mb(routerFull)}: ${routerPerAlert.toFixed(0)} B/alert (answers ${count(statuses)})`,
);
console.log(
  `memory per alert, alert-router / alertmanager: ${(routerPerAlert / amPerAlert).toFixed(2)}× (goal ≤ 1.0×)`,
);
console.log(
  `peak RSS while a snapshot was written: ${mb(peak)}, ${(peak / routerFull).toFixed(2)}× the steady RSS (goal ≤ 1.25×)`,
);
console.log(`past the bound: ${count(refused)}; a page of the held alerts still has a next page: ${held === 1}`);
console.log(
  `restart on ${total} alerts: first GET answered ${firstRead.status} ${(readAfterMs / 1000).toFixed(1)} s after the process started, first POST ${firstWrite.status} after ${(writeAfterMs / 1000).toFixed(1)} s (goal: within 5 s)`,
);
console.log(
  `  of which the cold load (first GET once listening): ${(fullLoadMs / 1000).toFixed(2)} s, against ${(emptyLoadMs / 1000).toFixed(2)} s on an empty state in the same run; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
);
