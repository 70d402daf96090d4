// Two alert-router processes (the built bundle, HA_MODE=on) share one state bucket on a real Ceph RGW, as a pair of
// replicas behind a headless Service would. Every alert is posted to both, as the cmp-ops alert client and Prometheus
// post to every replica. A real HTTP webhook counts what arrives. While both live every notification arrives exactly
// once; after one is killed (SIGKILL) in the middle of a batch, every notification still arrives at least once.
// A second pair on s3rver (conditional writes ignored) must refuse to start. Needs `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/free-port.ts';
import { rgwAvailable, rgwStore } from '../helpers/rgw.ts';
import { startTestS3 } from '../helpers/s3.ts';

const root = resolve(import.meta.dirname, '..', '..');
const bundle = join(root, 'dist', 'functions', 'alert-router.mjs');
const TOKEN = 'ha-e2e-token';

interface Replica {
  id: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** startReplica runs the bundle with PORT=0 and resolves with the port its "listening" line gives. */
function startReplica(id: string, env: Record<string, string>, logFile: string): Promise<Replica> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    env: { PATH: process.env.PATH ?? '', ...env, HA_REPLICA_ID: id, PORT: '0' },
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`replica ${id} did not start in 60 s (${logFile})`));
    }, 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const record = JSON.parse(line) as { msg?: string; port?: number };
        if (record.msg === 'alert-router listening' && typeof record.port === 'number') {
          clearTimeout(timer);
          resolveStart({ id, port: record.port, child, exited });
        }
      } catch {
        // not a JSON line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`replica ${id} exited with ${code} before listening`), { code }));
    });
  });
}

/** Hook is the receiver: it counts each notification (group, status, alerts) it is sent. */
interface Hook {
  url: string;
  counts: Map<string, number>;
  server: Server;
}
function startHook(): Promise<Hook> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const n = JSON.parse(body) as { groupKey: string; status: string; alerts: Array<{ fingerprint: string }> };
      const id = `${n.groupKey} ${n.status} ${n.alerts
        .map((a) => a.fingerprint)
        .sort()
        .join(',')}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      // a receiver that takes a moment, so a replica can die between its claim and its send
      setTimeout(() => res.writeHead(200).end('ok'), 20);
    });
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      done({ url: `http://127.0.0.1:${port}/hook`, counts, server });
    }),
  );
}

const post = (r: Replica, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${r.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
/** outbox is what a replica still has to send, as its tick reports it. */
const outbox = async (r: Replica) =>
  ((await (await post(r, '/', undefined, { 'x-topic': 'cron-function' })).json()) as { outbox: number }).outbox;

const alert = (name: string, endsAt?: string) => ({
  labels: { alertname: name, severity: 'critical', subsystem: 'HA' },
  annotations: { summary: `${name} on the pair` },
  startsAt: '2026-12-03T10:00:00Z',
  ...(endsAt ? { endsAt } : { endsAt: new Date(Date.now() + 3_600_000).toISOString() }),
});

const routing = (hookUrl: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hookUrl}
`;

const test = suite('e2e/alert-router-ha');
let dir: string;
let hook: Hook;
const replicas: Replica[] = [];

test.before(async () => {
  if (!existsSync(bundle)) throw new Error('run `npm run build` before the tests (dist/ is missing)');
  dir = mkdtempSync(join(tmpdir(), 'cmp-ops-ha-'));
  hook = await startHook();
  writeFileSync(join(dir, 'alertmanager.yml'), routing(hook.url));
});
test.after(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  await Promise.all(replicas.map((r) => r.exited));
  hook?.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const baseEnv = (s3: { endpoint: string; accessKey: string; secretKey: string }, bucket: string) => ({
  S3_ENDPOINT: s3.endpoint,
  S3_ACCESS_KEY: s3.accessKey,
  S3_SECRET_KEY: s3.secretKey,
  CMP_OPS_INVOKE_TOKEN: TOKEN,
  STATE_BUCKET: bucket,
  HA_MODE: 'on',
  ROUTING_CONFIG: `file:${join(dir, 'alertmanager.yml')}`,
  DELIVERY_TIMEOUT_MS: '500',
  HA_CLAIM_TTL_MS: '1000',
  HA_TICK_MS: '200',
  RETRY_BASE_MS: '200',
  LOG_LEVEL: 'info',
});

test('HA_MODE=on refuses to start on s3rver, whose conditional writes are ignored', async () => {
  const s3 = await startTestS3(['ha-state']);
  try {
    const env = baseEnv({ endpoint: s3.endpoint, accessKey: 'testkey', secretKey: 'testsecret' }, 'ha-state');
    const started = await startReplica('s3rver-a', env, join(dir, 's3rver-a.log')).then(
      (r) => {
        replicas.push(r);
        return undefined;
      },
      (err: { code?: number }) => err,
    );
    assert.is(started?.code, 1, 'exits 1 before listening');
    assert.match(
      readFileSync(join(dir, 's3rver-a.log'), 'utf8'),
      /HA_MODE=on refused: the state bucket ignores If-None-Match and If-Match/,
    );
  } finally {
    await s3.close();
  }
});

if (rgwAvailable('test/e2e/alert-router-ha.test.ts')) {
  test('two replicas on RGW: exactly once while both live, at least once after one is killed', async () => {
    const { rgw, store } = await rgwStore();
    const bucket = `ha-e2e-${randomBytes(3).toString('hex')}`;
    await store.ensureBucket(bucket);
    const env = baseEnv(rgw, bucket);
    const [a, b] = await Promise.all(['pod-a', 'pod-b'].map((id) => startReplica(id, env, join(dir, `${id}.log`))));
    replicas.push(a!, b!);
    const both = [a!, b!];
    const sendToBoth = async (alerts: unknown[], to: Replica[]) => {
      // like the alert client's fan-out: every replica gets the batch; a dead one is skipped
      const answers = await Promise.allSettled(to.map((r) => post(r, '/', alerts)));
      assert.ok(
        answers.some((x) => x.status === 'fulfilled' && x.value.status === 200),
        'one replica took it',
      );
    };
    const settled = (who: Replica[]) =>
      waitFor(
        'the outboxes to empty',
        async () => {
          for (const r of who) if ((await outbox(r)) > 0) return false;
          return true;
        },
        30_000,
      );

    // both live: 20 groups fire, then resolve
    const firing = Array.from({ length: 20 }, (_, i) => `Live${i}`);
    await Promise.all(firing.map((name) => sendToBoth([alert(name)], both)));
    await waitFor('20 firing notifications', async () => hook.counts.size >= 20, 30_000);
    const past = new Date(Date.now() - 1000).toISOString();
    await Promise.all(firing.map((name) => sendToBoth([alert(name, past)], both)));
    await waitFor('20 resolved notifications', async () => hook.counts.size >= 40, 30_000);
    // each replica's held entries are looked at again after the claim's time: none may send a second copy
    await settled(both);
    const live = [...hook.counts.values()];
    const liveTwice = live.filter((n) => n > 1).length;
    process.stdout.write(
      `alert-router pair, both live: ${live.length} notifications, sent ${live.reduce((x, y) => x + y, 0)} times (${liveTwice} twice)\n`,
    );
    assert.is(live.length, 40);
    assert.equal(live, Array(40).fill(1), 'exactly once while both live');

    // one dies mid-batch: pod-a is killed after the 10th of 20 new groups has been posted to both
    const killed = Array.from({ length: 20 }, (_, i) => `Kill${i}`);
    for (const [i, name] of killed.entries()) {
      const to = a!.child.exitCode === null && a!.child.signalCode === null ? both : [b!];
      void sendToBoth([alert(name)], to).catch(() => undefined);
      if (i === 9) {
        a!.child.kill('SIGKILL');
        await a!.exited;
      }
    }
    const afterKill = () => [...hook.counts.entries()].filter(([id]) => id.includes('Kill'));
    await waitFor('20 notifications after the kill', async () => afterKill().length >= 20, 30_000);
    await settled([b!]);
    const counts = afterKill().map(([, n]) => n);
    process.stdout.write(
      `alert-router pair, one killed mid-batch: ${counts.length} notifications, sent ${counts.reduce((x, y) => x + y, 0)} times (${counts.filter((n) => n > 1).length} twice, 0 lost)\n`,
    );
    assert.is(counts.length, 20);
    assert.ok(
      counts.every((n) => n >= 1),
      'at least once after the kill',
    );
  });
}

test.run();
