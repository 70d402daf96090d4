// The local stack while it starts: files uploaded through the S3 API from the moment S3 accepts a write, /healthz
// polled all along. Real parts (s3rver over HTTP, the esbuild bundles as processes, the gateway); `npm run build` first.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore } from '#lib/storage/index.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/stack.ts';
import { freePort, waitFor } from '../helpers/free-port.ts';

const root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/local-stack-startup');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let dataDir: string;
let stack: LocalStack | undefined;

test.before(() => {
  if (!existsSync(join(root, 'dist', 'functions', 'checksum-verify.mjs')))
    throw new Error('run `npm run build` before the tests (dist/ is missing)');
  dataDir = mkdtempSync(join(tmpdir(), 'cmp-ops-startup-'));
});
test.after(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('startup :: every file S3 accepted while the stack started is verified; /healthz 200 means functions answer', async () => {
  const [s3Port, gatewayPort] = [await freePort(), await freePort()];
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const store = createMinioStore(
    createMinioClient({
      endpoint: `http://127.0.0.1:${s3Port}`,
      region: 'us-east-1',
      accessKey: new Secret('minioadmin'),
      secretKey: new Secret('minioadmin'),
    }),
  );
  let started = false;
  const starting = startLocalStack({
    root,
    dataDir,
    s3Port,
    gatewayPort,
    accessKey: 'minioadmin',
    secretKey: 'minioadmin',
    token: 'startup-token',
    seedDemo: false,
    timers: false,
    eventRetryMs: 100,
    only: ['checksum-verify'],
    log: () => undefined,
  }).then((s) => {
    started = true;
    return (stack = s);
  });
  starting.catch(() => undefined);

  // Uploader: a data file then its sidecar, again and again, from the first write S3 accepts until well after start.
  const accepted: string[] = [];
  let acceptedBeforeStart = 0;
  const upload = async (key: string): Promise<boolean> => {
    const body = Buffer.from(`telemetry ${key}\n`.repeat(100));
    try {
      await store.put('inbox', key, body);
    } catch {
      return false; // S3 not listening yet
    }
    await store.put('inbox', `${key}.sha256`, `${sha(body)}  ${key.split('/').pop()}\n`);
    accepted.push(key);
    if (!started) acceptedBeforeStart++;
    return true;
  };
  const uploader = (async () => {
    let after = 0;
    for (let i = 0; !started || after++ < 3; i++) {
      if (!(await upload(`STS/startup/f${i}.bin`))) await new Promise((r) => setTimeout(r, 20));
    }
  })();

  // Health poller: at the first 200, a function call must reach the function (401 without a token, not 404) and a
  // file uploaded right then must be verified.
  let firstOk: { fnStatus: number; key: string } | undefined;
  await waitFor(
    'the first /healthz 200',
    async () => {
      const res = await fetch(`${gatewayUrl}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) return false;
      const fn = await fetch(`${gatewayUrl}/function/checksum-verify`, { method: 'POST', body: '{}' });
      await fn.arrayBuffer();
      firstOk = { fnStatus: fn.status, key: 'STS/after-health/first.bin' };
      return upload(firstOk.key);
    },
    60_000,
  );
  await starting;
  await uploader;
  assert.ok(acceptedBeforeStart > 0, 'S3 accepted writes before the stack finished starting');

  await stack!.settled();
  const verdicts = await Promise.all(
    accepted.map(async (key) => [key, (await store.getTags('inbox', key))['cmp-ops-verdict'] ?? 'none']),
  );
  assert.equal(
    verdicts.filter(([, v]) => v !== 'ok'),
    [],
    `every accepted file verified (${accepted.length} files, ${acceptedBeforeStart} before start)`,
  );
  assert.is(firstOk?.fnStatus, 401, 'a function answers once /healthz says 200');
});

test('health :: a function process that dies turns /healthz to 503 naming it; stop() still ends everything', async () => {
  assert.is((await fetch(`${stack!.gatewayUrl}/healthz`)).status, 200);
  const row = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .find((line) => line.includes('checksum-verify.mjs'));
  process.kill(Number(row!.trim().split(/\s+/)[0]), 'SIGKILL');
  await waitFor('/healthz to report the dead function', async () => {
    const res = await fetch(`${stack!.gatewayUrl}/healthz`);
    return res.status === 503 && (await res.text()).includes('checksum-verify');
  });
  await stack!.stop();
  stack = undefined;
});

test.run();
