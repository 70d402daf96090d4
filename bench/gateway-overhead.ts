// What the local gateway costs: alert-router's POST /api/v2/alerts load (batches of 100 alerts) sent straight to the
// function and through the gateway, in the same run, taking turns round by round. alert-router is its real bundle in
// its own process, its state in s3rver in another, the gateway (scripts/local-stack/gateway.ts) in a third, as under
// `npm start`. Reported: each path's median round and the median of the per-round ratios gateway / direct
// (goal: the gateway costs at most 15 %, ratio ≥ 0.85).
// Usage: npm run build && npx tsx bench/gateway-overhead.ts [alerts=5000] [batch=100] [rounds=7]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/free-port.ts';
import { startS3Child } from './s3-child.ts';

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

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 5000);
  const batch = Number(process.argv[3] ?? 100);
  const rounds = Number(process.argv[4] ?? 7);
  const CLIENTS = 4;
  const bundle = join(import.meta.dirname, '..', 'dist', 'functions', 'alert-router.mjs');
  if (!existsSync(bundle)) throw new Error('run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  writeFileSync(
    join(dir, 'am.yml'),
    'route:\n  receiver: ops\n  group_by: [alertname, subsystem]\nreceivers:\n  - name: ops\n',
  );
  const token = 'bench-token';
  const keys = { accessKey: 'bench', secretKey: 'benchsecret' };
  const s3 = await startS3Child(join(dir, 's3'), keys, ['cmp-ops-state']);
  const port = await freePort();
  const router = spawn(process.execPath, [bundle], {
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
  });
  await waitFor(
    'alert-router ready',
    async () => (await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined))?.ok === true,
    20_000,
  );
  const gatewayChild: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--gateway', String(port)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const gatewayUrl = await new Promise<string>((resolve) =>
    gatewayChild.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );

  const paths = [
    { name: 'direct', url: `http://127.0.0.1:${port}/api/v2/alerts` },
    { name: 'through the gateway', url: `${gatewayUrl}/function/alert-router/api/v2/alerts` },
  ];
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
  const load = async (url: string, bodies: string[], clients: number): Promise<number> => {
    const started = performance.now();
    let next = 0;
    const client = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    return (bodies.length * batch) / ((performance.now() - started) / 1000);
  };

  // Warm both paths (JIT, keep-alive pools); re-sending the same alerts does not grow the router's state.
  const warm = batchesOf('Warm', 1000);
  for (let pass = 0; pass < 3; pass++) for (const p of paths) await load(p.url, warm, CLIENTS);
  const results = paths.map(() => ({ one: [] as number[], many: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    // Alternate which path goes first: a drift of the shared machine's speed must not favour one path.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) results[i]!.one.push(await load(paths[i]!.url, batchesOf(`One${round}x${i}x`, total), 1));
    for (const i of order)
      results[i]!.many.push(await load(paths[i]!.url, batchesOf(`Many${round}x${i}x`, total), CLIENTS));
  }
  await new Promise((r) => {
    router.once('exit', r);
    router.kill('SIGTERM');
  });
  gatewayChild.kill();
  s3.close();
  rmSync(dir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `alert-router POST /api/v2/alerts, ${total} alerts in batches of ${batch}, ${rounds} rounds taking turns; median round`,
  );
  for (const key of ['one', 'many'] as const) {
    for (const [i, p] of paths.entries())
      console.log(
        `${`${p.name}, ${key === 'one' ? '1 client' : `${CLIENTS} clients`}`.padEnd(36)} ${median(results[i]![key]).toFixed(0).padStart(8)} alerts/s`,
      );
  }
  const ratios = (key: 'one' | 'many') => results[1]![key].map((r, round) => r / results[0]![key][round]!);
  const show = (key: 'one' | 'many') =>
    `${median(ratios(key)).toFixed(2)}× (rounds ${Math.min(...ratios(key)).toFixed(2)}–${Math.max(...ratios(key)).toFixed(2)})`;
  console.log(
    `throughput ratio gateway / direct, median of the per-round ratios: ${show('one')} one client, ${show('many')} ${CLIENTS} clients (goal ≥ 0.85×)`,
  );
}
