// Against a real S3-protocol server (s3rver over HTTP). s3rver ignores If-None-Match/If-Match on PUT (MinIO
// honours them), so the conditional paths are also run on the in-memory store, which honours them like MinIO.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore, type StateStore } from '#lib/storage/index.ts';
import { createMemoryStore } from '../helpers/memory-store.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { freePort } from '../helpers/free-port.ts';

const test = suite('storage/state-store');
let s3: TestS3;
let state: StateStore;

test.before(async () => {
  s3 = await startTestS3();
  state = createStateStore(s3.store, 'cmp-ops-state');
});
test.after(async () => {
  await s3.close();
});

test('records :: write then read a JSON record with its etag; absent is null', async () => {
  assert.is(await state.read('verdicts/none'), null);
  const { etag } = await state.write('verdicts/inbox/a.bin', { verdict: 'ok', size: 3 });
  const record = await state.read<{ verdict: string }>('verdicts/inbox/a.bin');
  assert.equal(record?.value, { verdict: 'ok', size: 3 });
  assert.is(record?.etag, etag);
});

test('create :: the second create of the same key says exists and keeps the first value', async () => {
  assert.is(await state.create('nflog/x', { n: 1 }), 'created');
  assert.is(await state.create('nflog/x', { n: 2 }), 'exists');
  assert.equal((await state.read('nflog/x'))?.value, { n: 1 });
});

test('update :: applies a change to the current value; null changes nothing', async () => {
  await state.update<{ count: number }>('cursor/a', (current) => ({ count: (current?.count ?? 0) + 1 }));
  await state.update<{ count: number }>('cursor/a', (current) => ({ count: (current?.count ?? 0) + 1 }));
  assert.equal((await state.read('cursor/a'))?.value, { count: 2 });
  assert.equal(await state.update('cursor/a', () => null), { count: 2 });
});

test('list and remove :: keys under a prefix in order', async () => {
  await state.write('sweep/b', 1);
  await state.write('sweep/a', 1);
  const keys: string[] = [];
  for await (const key of state.list('sweep/')) keys.push(key);
  assert.equal(keys, ['sweep/a', 'sweep/b']);
  await state.remove('sweep/a');
  assert.is(await state.read('sweep/a'), null);
});

test('objects :: tags round-trip and stat reports size, etag and user metadata', async () => {
  await s3.store.put('inbox', 'EGM/x y.bin', Buffer.from('hello'), { metadata: { sha256: 'abc' } });
  const info = await s3.store.stat('inbox', 'EGM/x y.bin');
  assert.is(info?.size, 5);
  assert.is(info?.etag, '5d41402abc4b2a76b9719d911017c592');
  assert.is(info?.metadata.sha256, 'abc');
  await s3.store.setTags('inbox', 'EGM/x y.bin', { 'cmp-ops-verdict': 'ok' });
  assert.equal(await s3.store.getTags('inbox', 'EGM/x y.bin'), { 'cmp-ops-verdict': 'ok' });
  await s3.store.copy(
    { bucket: 'inbox', key: 'EGM/x y.bin' },
    { bucket: 'quarantine', key: 'EGM/x y.bin' },
    { metadata: { verdict: 'mismatch' } },
  );
  assert.is((await s3.store.stat('quarantine', 'EGM/x y.bin'))?.metadata.verdict, 'mismatch');
});

test("signed puts :: keys with spaces, accents and !'()*+%# round-trip with the body's MD5 as ETag; user metadata kept", async () => {
  // bodies held in memory go through the store's own signed PUT (s3-put.ts)
  for (const key of ["DUTCH/ephémeride (v2)!*'s #1+%.dat", 'FOS/ARPE/über.bin', 'CCS/~tilde_under-score.txt']) {
    const { etag } = await s3.store.put('inbox', key, `body of ${key}`, {
      contentType: 'text/plain',
      metadata: { sha256: 'abc' },
    });
    assert.is(etag, createHash('md5').update(`body of ${key}`).digest('hex'));
    const info = await s3.store.stat('inbox', key);
    assert.is(info?.etag, etag, key);
    assert.is(info?.metadata.sha256, 'abc');
    assert.is(info?.contentType, 'text/plain');
  }
  // (s3rver checks no SigV4 signature: test/storage/s3-put.test.ts verifies them against the specification)
  const dead = createMinioStore(
    createMinioClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: 'us-east-1',
      accessKey: new Secret('a'),
      secretKey: new Secret('b'),
    }),
  );
  assert.is(await dead.put('inbox', 'k', 'x').catch((err: { code: string }) => err.code), 'STORAGE_UNAVAILABLE');
});

test('errors :: a missing object is OBJECT_NOT_FOUND, a missing bucket BUCKET_NOT_FOUND', async () => {
  const codes: string[] = [];
  await s3.store.getStream('inbox', 'nope').catch((err: { code: string }) => codes.push(err.code));
  await s3.store.put('no-such-bucket', 'k', 'x').catch((err: { code: string }) => codes.push(err.code));
  assert.equal(codes, ['OBJECT_NOT_FOUND', 'BUCKET_NOT_FOUND']);
});

test('errors :: an unreachable server is STORAGE_UNAVAILABLE and retryable', async () => {
  const port = await freePort();
  const dead = createMinioStore(
    createMinioClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKey: new Secret('a'),
      secretKey: new Secret('b'),
    }),
  );
  try {
    await dead.stat('inbox', 'a');
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'STORAGE_UNAVAILABLE');
    assert.ok((err as { retryable: boolean }).retryable);
  }
});

test('errors :: an unknown access key is STORAGE_DENIED, not retried', async () => {
  const denied = createMinioStore(
    createMinioClient({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKey: new Secret('nobody'),
      secretKey: new Secret('wrong'),
    }),
  );
  try {
    await denied.put('inbox', 'a', 'x');
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'STORAGE_DENIED');
    assert.not.ok((err as { retryable: boolean }).retryable);
  }
});

test('conditional writes :: with a server that honours them, concurrent creators get exactly one created', async () => {
  const memory = createMemoryStore();
  await memory.ensureBucket('cmp-ops-state');
  const memState = createStateStore(memory, 'cmp-ops-state');
  const results = await Promise.all([memState.create('k', 1), memState.create('k', 2), memState.create('k', 3)]);
  assert.is(results.filter((r) => r === 'created').length, 1);
  await Promise.all(
    Array.from({ length: 5 }, () => memState.update<number>('counter', (n) => (n ?? 0) + 1, { attempts: 10 })),
  );
  assert.is((await memState.read<number>('counter'))?.value, 5);
});

test.run();
