// alert-router's POST /api/v2/alerts under sustained load, as cmp-ops-ops#18 measures it: `wrk -t1 -c8` re-sending
// the same batch of 100 alerts (Prometheus re-sends its firing alerts on every evaluation), side by side with
// Debian's prometheus-alertmanager (0.25) on the same alertmanager.yml, and the same router through the local gateway
// (scripts/local-stack/gateway.ts, as under `npm start`). alert-router is its real bundle in its own process with its
// state journaled in s3rver in another; the gateway runs in a third. Each system stays up for the whole run and takes
// its turn round by round (the shared machine drifts), so each carries `rounds × seconds` of load (60 s by default).
// Reported: requests/s of each (median round), the medians of the per-round ratios router / Alertmanager (goal ≥ 1.3)
// and gateway / direct (goal ≥ 0.85: the gateway adds at most 15 %), and the router's RSS after warm-up and at the end
// (memory flat). Every answer must be a 2xx. Usage: npm run build && npx tsx bench/router-wrk.ts [seconds=20] [rounds=3]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/free-port.ts';
import { startS3Child } from './s3-child.ts';

/** WrkRun is one wrk run: requests per second, p99 latency in ms, and how many answers were not 2xx/3xx. */
interface WrkRun {
  perSecond: number;
  p99: number;
  bad: number;
}

// wrk's Lua hooks: the same body on every request, and a machine-readable line at the end.
const WRK_SCRIPT = `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
local token = os.getenv("WRK_TOKEN")
if token ~= nil and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f\\n", summary.requests, summary.duration,
    e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(99) / 1000))
end
`;

function wrk(url: string, seconds: number, script: string, body: string, token: string): WrkRun {
  const run = spawnSync('wrk', ['-t1', '-c8', `-d${seconds}s`, '--timeout', '10s', '-s', script, url], {
    encoding: 'utf8',
    env: { ...process.env, WRK_BODY: body, WRK_TOKEN: token },
  });
  const m = /^RESULT (\d+) (\d+) (\d+) ([\d.]+)$/m.exec(run.stdout ?? '');
  if (run.status !== 0 || !m) throw new Error(`wrk ${url} failed (${run.status}): ${run.stderr}${run.stdout}`);
  return { perSecond: Number(m[1]) / (Number(m[2]) / 1e6), p99: Number(m[4]), bad: Number(m[3]) };
}

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const stop = (child: ChildProcess) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(undefined);
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 20);
  const rounds = Number(process.argv[3] ?? 3);
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('wrk is missing: scripts/install-test-peers.sh installs it');
  const bundle = join(import.meta.dirname, '..', 'dist', 'functions', 'alert-router.mjs');
  if (!existsSync(bundle)) throw new Error('run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-router-wrk-'));
  const children: ChildProcess[] = [];
  let s3: Awaited<ReturnType<typeof startS3Child>> | undefined;
  try {
    writeFileSync(
      join(dir, 'am.yml'),
      `route:
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
`,
    );
    const SUBSYSTEMS = ['STS', 'DUTCH', 'CGCU', 'EGM', 'OMGS', 'CCS'];
    const body = join(dir, 'alerts.json');
    writeFileSync(
      body,
      JSON.stringify(
        Array.from({ length: 100 }, (_, n) => ({
          labels: {
            alertname: `Bench${n % 20}`,
            severity: n % 3 ? 'warning' : 'critical',
            subsystem: SUBSYSTEMS[n % 6],
            object: `obj-${n}`,
          },
          annotations: { summary: `bench alert ${n}` },
        })),
      ),
    );
    const script = join(dir, 'post.lua');
    writeFileSync(script, WRK_SCRIPT);
    const token = 'bench-token';

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
    children.push(am);
    await waitFor(
      'alertmanager ready',
      async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`).catch(() => undefined))?.ok === true,
      20_000,
    );

    const keys = { accessKey: 'bench', secretKey: 'benchsecret' };
    s3 = await startS3Child(join(dir, 's3'), keys, ['cmp-ops-state']);
    const port = await freePort();
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const router = spawn(process.execPath, ['--enable-source-maps', ...profile, bundle], {
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
      },
    });
    children.push(router);
    await waitFor(
      'alert-router ready',
      async () => (await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined))?.ok === true,
      20_000,
    );
    const gateway = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--gateway', String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(gateway);
    const gatewayUrl = await new Promise<string>((resolve) =>
      gateway.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );

    const systems = [
      { name: 'prometheus-alertmanager', url: `http://127.0.0.1:${amPort}/api/v2/alerts`, token: '' },
      { name: 'alert-router', url: `http://127.0.0.1:${port}/api/v2/alerts`, token },
      { name: 'alert-router via gateway', url: `${gatewayUrl}/function/alert-router/api/v2/alerts`, token },
    ];
    // Warm-up: the JIT, the keep-alive pools, the router's first journal writes.
    for (const s of systems) wrk(s.url, 3, script, body, s.token);
    const rssWarm = rssMiB(router.pid!);
    const runs = systems.map(() => [] as WrkRun[]);
    const loads: number[] = [];
    for (let round = 0; round < rounds; round++) {
      loads.push(loadavg()[0]!);
      // Each round starts with a different system, so a drift of the machine favours none.
      for (let k = 0; k < systems.length; k++) {
        const i = (round + k) % systems.length;
        runs[i]!.push(wrk(systems[i]!.url, seconds, script, body, systems[i]!.token));
      }
    }
    const rssEnd = rssMiB(router.pid!);

    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const mid = s.length >> 1;
      return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    };
    const bad = runs.flat().reduce((n, r) => n + r.bad, 0);
    console.log(
      `wrk -t1 -c8, the same 100 alerts re-sent, ${rounds} rounds of ${seconds} s per system taking turns (${rounds * seconds} s of load each); load average ${loads.map((l) => l.toFixed(1)).join(' ')}`,
    );
    for (const [i, s] of systems.entries())
      console.log(
        `${s.name.padEnd(26)} ${median(runs[i]!.map((r) => r.perSecond))
          .toFixed(0)
          .padStart(6)} req/s (${(median(runs[i]!.map((r) => r.perSecond)) * 100).toFixed(0)} alerts/s)  p99 ${median(
          runs[i]!.map((r) => r.p99),
        ).toFixed(1)} ms  rounds [${runs[i]!.map((r) => r.perSecond.toFixed(0)).join(' ')}]`,
      );
    const ratio = (a: number, b: number) => median(runs[a]!.map((r, k) => r.perSecond / runs[b]![k]!.perSecond));
    const routerRatio = ratio(1, 0);
    const gatewayRatio = ratio(2, 1);
    console.log(
      `alert-router / alertmanager: ratio ${routerRatio.toFixed(2)} (goal ≥ 1.30: ${routerRatio >= 1.3 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `through the gateway / direct: ratio ${gatewayRatio.toFixed(2)}, the gateway costs ${((1 - gatewayRatio) * 100).toFixed(0)} % (goal ≤ 15 %: ${gatewayRatio >= 0.85 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `alert-router RSS: ${rssWarm.toFixed(0)} MiB after warm-up, ${rssEnd.toFixed(0)} MiB after ${rounds * seconds * 2} s of load (${rssEnd - rssWarm <= 0.1 * rssWarm ? 'flat' : 'GREW'})`,
    );
    if (bad > 0) throw new Error(`${bad} answers were not 2xx/3xx or failed`);
  } finally {
    for (const child of children.reverse()) await stop(child);
    s3?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--gateway') {
  // The child: the gateway alone, routing alert-router to the port given.
  const { startLocalGateway } = await import('../scripts/local-stack/gateway.ts');
  const port = Number(process.argv[3]);
  const gateway = await startLocalGateway({
    host: '127.0.0.1',
    port: 0,
    upstream: (name) => (name === 'alert-router' ? port : undefined),
    log: () => undefined,
  });
  process.stdout.write(`${gateway.url}\n`);
  process.stdin.on('end', () => process.exit(0)).resume();
} else {
  await main();
}
