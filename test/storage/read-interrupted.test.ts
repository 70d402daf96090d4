// S3 dying in the middle of an object read: a real TCP proxy in front of s3rver passes every byte through, then cuts
// both connections once a set number of response bytes went by (deterministic: no kill timing, no luck).
import { createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AlertSink } from '#lib/alerting/index.ts';
import { fixedClock, Secret, type Logger } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore, type ObjectStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/checksum-verify/handler.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('storage/read-interrupted');
const OBJECT_BYTES = 8 * 1024 * 1024;
const CUT_AFTER_BYTES = 1024 * 1024;
let s3: TestS3;
let proxy: { server: Server; sockets: Set<Socket>; cuts: number };
let viaProxy: ObjectStore;
const data = Buffer.alloc(OBJECT_BYTES, 'downlink frame 0123456789\n');

/** startCuttingProxy forwards TCP to `port` and cuts a connection (both sides) after `cutAfter` bytes back. */
async function startCuttingProxy(port: number, cutAfter: number) {
  const sockets = new Set<Socket>();
  const state = { server: undefined as unknown as Server, sockets, cuts: 0 };
  state.server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let back = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      back += chunk.length;
      if (back <= cutAfter) {
        client.write(chunk);
        return;
      }
      client.write(chunk.subarray(0, chunk.length - (back - cutAfter)));
      state.cuts++;
      client.resetAndDestroy();
      upstream.destroy();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', () => resolve()));
  return state;
}

test.before(async () => {
  s3 = await startTestS3();
  await s3.store.put('inbox', 'STS/big.bin', data);
  await s3.store.put('inbox', 'STS/big.bin.sha256', `${createHash('sha256').update(data).digest('hex')}  big.bin\n`);
  proxy = await startCuttingProxy(Number(new URL(s3.endpoint).port), CUT_AFTER_BYTES);
  const { port } = proxy.server.address() as AddressInfo;
  viaProxy = createMinioStore(
    createMinioClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKey: new Secret('testkey'),
      secretKey: new Secret('testsecret'),
    }),
  );
});
test.after(async () => {
  proxy.sockets.forEach((s) => s.destroy());
  await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  await s3.close();
});

test('store :: a read cut mid-body fails with STORAGE_UNAVAILABLE (retryable), not a raw ECONNRESET', async () => {
  const stream = await viaProxy.getStream('inbox', 'STS/big.bin');
  let read = 0;
  const err = await (async () => {
    for await (const chunk of stream) read += (chunk as Buffer).length;
  })().then(
    () => undefined,
    (e: unknown) => e as { code?: string; status?: number; retryable?: boolean },
  );
  assert.ok(proxy.cuts > 0, 'the proxy cut the connection');
  assert.ok(read > 0 && read < OBJECT_BYTES, `some bytes arrived before the cut (${read})`);
  assert.is(err?.code, 'STORAGE_UNAVAILABLE');
  assert.is(err?.status, 503);
  assert.is(err?.retryable, true);
});

test('checksum-verify :: S3 dying during a verify answers 503 STORAGE_UNAVAILABLE with Retry-After, as S3 down does', async () => {
  const sink: AlertSink = { send: async () => undefined };
  const handler = createHandler({
    config: Object.freeze({ QUARANTINE_BUCKET: 'quarantine', SUBSYSTEM_MAP: {}, CHECKSUM_ETAG_PREFIXES: [] }) as never,
    store: viaProxy,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: sink,
    clock: fixedClock('2026-11-24T10:00:00Z'),
    log: captureLogger().log as Logger,
  });
  const server = await serveHandler(handler, { bodyLimitBytes: 1024 * 1024 });
  try {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { authorization: 'Bearer test-invoke-token-7c1e', 'content-type': 'application/json' },
      body: JSON.stringify({ bucket: 'inbox', key: 'STS/big.bin' }),
    });
    const body = (await res.json()) as { error: { code: string } };
    assert.is(res.status, 503);
    assert.is(body.error.code, 'STORAGE_UNAVAILABLE');
    assert.is(res.headers.get('retry-after'), '5');
  } finally {
    await server.close();
  }
});

test.run();
