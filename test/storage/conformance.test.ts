// Storage conformance: the same cases against every S3 server at hand, over HTTP through the production adapter —
// s3rver (always), Ceph RGW (when its binaries are installed: booted once per test process) and MinIO (when
// S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY point at one). Each backend declares what it lacks; a case on a missing
// feature asserts that it is really missing (so a declaration cannot drift from the server) and the state store's
// documented fallback is checked instead. The table printed at the end is the figure for docs/deploy.md.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret } from '#lib/runtime/index.ts';
import {
  createMinioClient,
  createMinioStore,
  createStateStore,
  probeConditionalWrites,
  type ObjectStore,
} from '#lib/storage/index.ts';
import { RGW_SKIP, rgwStore } from '../helpers/rgw.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

type Feature = 'multipart' | 'ifNoneMatch' | 'ifMatch' | 'listingEscapes';
interface Backend {
  name: string;
  lacks: Feature[];
  open(): Promise<{ store: ObjectStore; close(): Promise<void> }>;
}

let s3rver: TestS3 | undefined;
const backends: Backend[] = [
  {
    name: 's3rver',
    // s3rver has no ListMultipartUploads (minio-js's multipart path needs it), ignores preconditions on PUT, and
    // lists a `+` in a key unescaped although asked for encoding-type=url (the client then reads it as a space)
    lacks: ['multipart', 'ifNoneMatch', 'ifMatch', 'listingEscapes'],
    async open() {
      s3rver = await startTestS3([]);
      const client = createMinioClient({
        endpoint: s3rver.endpoint,
        region: 'us-east-1',
        accessKey: new Secret('testkey'),
        secretKey: new Secret('testsecret'),
        partSize: 5 * 1024 * 1024,
      });
      return { store: createMinioStore(client), close: () => s3rver!.close() };
    },
  },
];
if (RGW_SKIP) process.stdout.write(`test/storage/conformance.test.ts (ceph-rgw): ${RGW_SKIP}\n`);
else {
  backends.push({
    name: 'ceph-rgw',
    lacks: [],
    async open() {
      const { rgw } = await rgwStore();
      const client = createMinioClient({
        endpoint: rgw.endpoint,
        region: 'us-east-1',
        accessKey: new Secret(rgw.accessKey),
        secretKey: new Secret(rgw.secretKey),
        partSize: 5 * 1024 * 1024,
      });
      return { store: createMinioStore(client), close: async () => undefined };
    },
  });
}
if (process.env.S3_ENDPOINT && process.env.S3_ACCESS_KEY && process.env.S3_SECRET_KEY) {
  const { S3_ENDPOINT: endpoint, S3_ACCESS_KEY: accessKey, S3_SECRET_KEY: secretKey } = process.env;
  backends.push({
    name: `minio (${endpoint})`,
    lacks: [],
    async open() {
      const client = createMinioClient({
        endpoint,
        region: process.env.S3_REGION ?? 'us-east-1',
        accessKey: new Secret(accessKey),
        secretKey: new Secret(secretKey),
        partSize: 5 * 1024 * 1024,
      });
      return { store: createMinioStore(client), close: async () => undefined };
    },
  });
}

const table: Array<[string, string, string]> = [];
const codeOf = (err: unknown): string => (err as { code?: string }).code ?? String(err);
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const text = async (stream: AsyncIterable<unknown>) => {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
};

for (const backend of backends) {
  const test = suite(`storage/conformance :: ${backend.name}`);
  const bucket = `conf-${backend.name.replace(/[^a-z0-9]/g, '').slice(0, 12)}-${randomBytes(3).toString('hex')}`;
  let store: ObjectStore;
  let close: () => Promise<void> = async () => undefined;
  const has = (feature: Feature) => !backend.lacks.includes(feature);
  const record = (what: string, result: string) => table.push([backend.name, what, result]);

  test.before(async () => {
    ({ store, close } = await backend.open());
    await store.ensureBucket(bucket);
  });
  test.after(async () => {
    await close();
  });

  test('objects :: put, get, stat (size, etag, metadata), tags, copy, list in key order', async () => {
    const body = Buffer.from('telemetry frame\n');
    const { etag } = await store.put(bucket, 'obj/a b+c ü.txt', body, {
      contentType: 'text/plain',
      metadata: { sha256: 'abc' },
    });
    assert.is(etag, md5(body));
    assert.is(await text(await store.getStream(bucket, 'obj/a b+c ü.txt')), body.toString());
    const info = await store.stat(bucket, 'obj/a b+c ü.txt');
    assert.equal(
      [info?.size, info?.etag, info?.metadata.sha256, info?.contentType],
      [body.length, md5(body), 'abc', 'text/plain'],
    );
    assert.is(await store.stat(bucket, 'obj/none'), null);
    await store.setTags(bucket, 'obj/a b+c ü.txt', { 'cmp-ops-verdict': 'ok' });
    assert.equal(await store.getTags(bucket, 'obj/a b+c ü.txt'), { 'cmp-ops-verdict': 'ok' });
    await store.copy(
      { bucket, key: 'obj/a b+c ü.txt' },
      { bucket, key: 'obj/copy 1' },
      { metadata: { note: 'copied' } },
    );
    assert.is((await store.stat(bucket, 'obj/copy 1'))?.metadata.note, 'copied');
    // a `+` in the destination too (checksum-verify's quarantine copy keeps the key)
    await store.copy(
      { bucket, key: 'obj/a b+c ü.txt' },
      { bucket: `${bucket}`, key: 'q/a b+c ü.txt' },
      { metadata: { 'cmp-ops-source': 'obj/a b+c ü.txt.sha256' } },
    );
    assert.ok(
      (await store.stat(bucket, 'q/a b+c ü.txt'))?.metadata['cmp-ops-source'],
      'a non-ASCII metadata value is stored (RFC 2047-encoded)',
    );
    assert.is(await text(await store.getStream(bucket, 'q/a b+c ü.txt')), body.toString());
    await store.remove(bucket, 'q/a b+c ü.txt');
    const keys: string[] = [];
    for await (const item of store.list(bucket, 'obj/')) keys.push(item.key);
    assert.equal(keys, [has('listingEscapes') ? 'obj/a b+c ü.txt' : 'obj/a b c ü.txt', 'obj/copy 1']);
    const after: string[] = [];
    for await (const item of store.list(bucket, 'obj/', { startAfter: 'obj/a b+c ü.txt' })) after.push(item.key);
    assert.equal(after, ['obj/copy 1']);
    record('put/get/stat/tags/copy/list', 'yes');
    record('listing a key with `+`', has('listingEscapes') ? 'yes' : 'no (`+` listed as a space)');
  });

  test('paging :: a listing past 1 000 keys comes whole and in order, from the start and after a key', async () => {
    const keys = Array.from({ length: 1205 }, (_, i) => `page/k-${String(i).padStart(5, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => store.put(bucket, key, '{}')));
    await store.put(bucket, 'pagf/outside.json', '{}');
    const listed: string[] = [];
    for await (const item of store.list(bucket, 'page/')) listed.push(item.key);
    assert.equal(listed, keys);
    const after: string[] = [];
    for await (const item of store.list(bucket, 'page/', { startAfter: keys[150]! })) after.push(item.key);
    assert.equal(after, keys.slice(151));
    const state = createStateStore(store, bucket);
    let count = 0;
    for await (const key of state.list('page/', { startAfter: keys[999]! })) if (key.startsWith('page/k-')) count++;
    assert.is(count, 205);
    record('listing past 1 000 keys (continuation)', 'yes');
  });

  test(`multipart :: an 11 MiB stream sent in parts ${has('multipart') ? 'is stored whole' : 'is refused (declared missing)'}`, async () => {
    const body = randomBytes(11 * 1024 * 1024);
    const put = store.put(
      bucket,
      'big/eleven.bin',
      Readable.from([body.subarray(0, 4e6), body.subarray(4e6, 9e6), body.subarray(9e6)]),
    );
    if (!has('multipart')) {
      await put.then(
        () => assert.unreachable('multipart was declared missing but worked'),
        () => undefined,
      );
      record('multipart upload', 'no (minio-js needs ListMultipartUploads)');
      return;
    }
    const { etag } = await put;
    const info = await store.stat(bucket, 'big/eleven.bin');
    assert.is(info?.size, body.length);
    assert.match(info?.etag ?? '', /-[2-9]$/, `etag ${info?.etag}, put answered ${etag}`);
    assert.ok(etag === '' || etag === info?.etag, 'the ETag answered is the stored one (RGW answers an empty one)');
    const read = createHash('sha256');
    for await (const chunk of await store.getStream(bucket, 'big/eleven.bin')) read.update(chunk as Buffer);
    assert.is(read.digest('hex'), createHash('sha256').update(body).digest('hex'));
    record('multipart upload', 'yes');
  });

  test('preconditions :: the probe finds exactly the declared support', async () => {
    const support = await probeConditionalWrites(store, bucket);
    assert.equal(support, { ifNoneMatch: has('ifNoneMatch'), ifMatch: has('ifMatch') });
    record('If-None-Match: * create', support.ifNoneMatch ? 'yes (412)' : 'ignored');
    record('If-Match update (unquoted ETag)', support.ifMatch ? 'yes (412)' : 'ignored');
  });

  test('concurrent creates :: 20 writers create one key with If-None-Match: * — exactly one wins', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.put(bucket, 'race/create', `writer ${i}`, { ifNoneMatch: '*' }).then(
          () => 'won',
          (err) => codeOf(err),
        ),
      ),
    );
    const won = outcomes.filter((o) => o === 'won').length;
    if (has('ifNoneMatch')) {
      assert.is(won, 1, `outcomes: ${outcomes.join(',')}`);
      assert.ok(
        outcomes.every((o) => o === 'won' || o === 'CONFLICT'),
        `outcomes: ${outcomes.join(',')}`,
      );
    } else assert.ok(won > 1, 'a server that ignores If-None-Match lets several win');
    // the state store's create: with preconditions, across separate stores (as separate processes); without, its
    // fallback (in-process serialization) still makes exactly one winner among callers of one store
    const shared = createStateStore(store, bucket);
    const states = Array.from({ length: 20 }, () => (has('ifNoneMatch') ? createStateStore(store, bucket) : shared));
    const created = await Promise.all(states.map((s, i) => s.create('race/state-create', { writer: i })));
    assert.is(created.filter((c) => c === 'created').length, 1);
    record(
      '20 concurrent creates, one winner',
      has('ifNoneMatch') ? `yes (raw PUTs: ${won} won)` : `raw PUTs: ${won} won; state store: 1 (in-process fallback)`,
    );
  });

  test('concurrent updates :: 10 read-If-Match-write increments lose nothing', async () => {
    const key = 'race/counter';
    await store.put(bucket, key, JSON.stringify({ count: 0 }));
    const conflicts = { n: 0 };
    const one = createStateStore(store, bucket);
    // separate state stores stand for separate processes (no shared in-process lock): only the server can serialize
    const states = Array.from({ length: 10 }, () => (has('ifMatch') ? createStateStore(store, bucket) : one));
    await Promise.all(
      states.map((s) =>
        s.update<{ count: number }>(
          key,
          (current) => {
            conflicts.n++;
            return { count: (current?.count ?? 0) + 1 };
          },
          { attempts: 100 },
        ),
      ),
    );
    const final = await one.read<{ count: number }>(key);
    assert.is(final?.value.count, 10);
    record(
      '10 concurrent updates, none lost',
      has('ifMatch') ? `yes (${conflicts.n - 10} retried after a lost race)` : 'state store: yes (in-process fallback)',
    );
  });

  test.run();
}

const summary = suite('storage/conformance :: table');
summary('prints the backend × feature table', () => {
  const names = [...new Set(table.map(([b]) => b))];
  const features = [...new Set(table.map(([, f]) => f))];
  const lines = [`| feature | ${names.join(' | ')} |`, `| --- |${names.map(() => ' --- |').join('')}`];
  for (const feature of features)
    lines.push(
      `| ${feature} | ${names.map((n) => table.find(([b, f]) => b === n && f === feature)?.[2] ?? '—').join(' | ')} |`,
    );
  process.stdout.write(`\n${lines.join('\n')}\n`);
  assert.ok(table.length > 0);
});
summary.run();
