// checksum-verify's edge behind the real runtime server, against a real S3-protocol server (s3rver over HTTP).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { minioWebhookBody } from '#lib/events/index.ts';
import { etagMd5, etagTrusted } from '#lib/integrity/index.ts';
import { fixedClock, Secret, type Logger } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore, type ObjectStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/checksum-verify/handler.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';
import { freePort } from '../helpers/free-port.ts';
import { captureLogger } from '../helpers/log-capture.ts';

const test = suite('functions/checksum-verify');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let s3: TestS3;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void sent.push(alerts) };
const config = Object.freeze({
  QUARANTINE_BUCKET: 'quarantine',
  SUBSYSTEM_MAP: { 'DUTCH/': 'DUTCH', 'STS/': 'STS' },
}) as never;
const clock = fixedClock('2026-11-24T10:00:00Z');
const { log } = captureLogger();

function handlerOn(store: ObjectStore) {
  return createHandler({
    config,
    store,
    state: createStateStore(store, 'cmp-ops-state'),
    alerts: sink,
    clock,
    log: log as Logger,
  });
}

async function eventFor(bucket: string, key: string, eventName = 's3:ObjectCreated:Put') {
  const info = (await s3.store.stat(bucket, key)) ?? {
    bucket,
    key,
    size: 0,
    etag: '',
    lastModified: new Date(),
    metadata: {},
  };
  return minioWebhookBody({ eventName, info, eventTime: new Date('2026-11-24T10:00:00Z'), accessKey: 'testkey' });
}

test.before(async () => {
  s3 = await startTestS3();
});
test.after(async () => {
  await s3.close();
});
test.before.each(() => {
  sent.length = 0;
});

test('ok :: file then sidecar → pending, then ok; tag and state record written; no alert', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  const body = Buffer.from('telemetry');
  await s3.store.put('inbox', 'STS/t 1.bin', body);
  let res = await server.call(await eventFor('inbox', 'STS/t 1.bin'));
  assert.is(res.status, 200);
  assert.is(res.body.results[0].verdict, 'pending');
  await s3.store.put('inbox', 'STS/t 1.bin.sha256', `${sha(body)}  t 1.bin\n`);
  res = await server.call(await eventFor('inbox', 'STS/t 1.bin.sha256'));
  assert.is(res.body.results[0].verdict, 'ok');
  assert.is((await s3.store.getTags('inbox', 'STS/t 1.bin'))['cmp-ops-verdict'], 'ok');
  const record = await createStateStore(s3.store, 'cmp-ops-state').read<{ verdict: string; actual: string }>(
    'verdicts/inbox/STS/t 1.bin',
  );
  assert.is(record?.value.verdict, 'ok');
  assert.is(record?.value.actual, sha(body));
  assert.is(sent.length, 0);
  await server.close();
});

test('mismatch :: sidecar first, corrupted file → mismatch, one ChecksumMismatch with the subsystem; redelivery keeps the verdict and startsAt', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'DUTCH/e.dat.sha256', `${sha('original')} *e.dat\r\n`);
  await s3.store.put('inbox', 'DUTCH/e.dat', 'corrupted');
  const event = await eventFor('inbox', 'DUTCH/e.dat');
  const first = await server.call(event);
  assert.is(first.body.results[0].verdict, 'mismatch');
  assert.is(sent.length, 1);
  assert.equal(sent[0]![0]!.labels, {
    bucket: 'inbox',
    key: 'DUTCH/e.dat',
    alertname: 'ChecksumMismatch',
    severity: 'critical',
    subsystem: 'DUTCH',
  });
  clock.advance(60_000);
  const again = await server.call(event);
  assert.equal(again.body, first.body);
  assert.is(
    sent[1]![0]!.startsAt,
    sent[0]![0]!.startsAt,
    'the re-sent alert is the same episode, so alert-router dedupes it',
  );
  assert.is((await s3.store.getTags('inbox', 'DUTCH/e.dat'))['cmp-ops-verdict'], 'mismatch');
  await server.close();
});

test('resolution :: a corrected upload of the same key is ok and resolves the alert', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'DUTCH/e.dat', 'original');
  const res = await server.call(await eventFor('inbox', 'DUTCH/e.dat'));
  assert.is(res.body.results[0].verdict, 'ok');
  assert.is(sent.length, 1);
  assert.ok(sent[0]![0]!.endsAt, 'resolved alert carries endsAt');
  await server.close();
});

test('unreadable sidecar :: names the line, never a silent ok', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'STS/u.bin.sha256', 'this is not a checksum\n');
  await s3.store.put('inbox', 'STS/u.bin', 'data');
  const res = await server.call(await eventFor('inbox', 'STS/u.bin'));
  assert.is(res.body.results[0].verdict, 'unreadable');
  assert.match(res.body.results[0].reason, /line 1/);
  await server.close();
});

test('self-caused events :: PutTagging and copies into quarantine are acknowledged and ignored', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('quarantine', 'STS/q.bin', 'x');
  const tagging = await server.call(await eventFor('inbox', 'STS/t 1.bin', 's3:ObjectCreated:PutTagging'));
  const copy = await server.call(await eventFor('quarantine', 'STS/q.bin', 's3:ObjectCreated:Copy'));
  assert.is(tagging.status, 200);
  assert.match(tagging.body.results[0].ignored, /metadata-only/);
  assert.match(copy.body.results[0].ignored, /own output/);
  assert.is(sent.length, 0);
  await server.close();
});

const badInput: Array<[string, unknown, number, string]> = [
  ['malformed JSON', '{"Records": [', 400, 'BAD_JSON'],
  [
    'unknown event name',
    { Records: [{ eventName: 'hello:World', s3: { bucket: { name: 'inbox' }, object: { key: 'a' } } }] },
    400,
    'UNKNOWN_EVENT',
  ],
  ['direct call without key', { bucket: 'inbox' }, 400, 'BAD_REQUEST'],
  ['direct call for a missing object', { bucket: 'inbox', key: 'never/uploaded.bin' }, 404, 'OBJECT_NOT_FOUND'],
];
for (const [name, body, status, code] of badInput) {
  test(`bad input :: ${name} → ${status} ${code}`, async () => {
    const server = await serveHandler(handlerOn(s3.store));
    const res = await server.call(body);
    assert.is(res.status, status);
    assert.is(res.body.error.code, code);
    await server.close();
  });
}

test('bad input :: an event for a bucket that does not exist → 404 BUCKET_NOT_FOUND naming the field', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  const body = minioWebhookBody({
    eventName: 's3:ObjectCreated:Put',
    info: { bucket: 'no-such-bucket', key: 'a', size: 1, etag: 'e', lastModified: new Date(), metadata: {} },
    eventTime: new Date(),
    accessKey: 'k',
  });
  const res = await server.call(body);
  assert.is(res.status, 404);
  assert.is(res.body.error.code, 'BUCKET_NOT_FOUND');
  assert.is(res.body.error.details[0].field, 'bucket');
  await server.close();
});

test('vanished :: an event for an object deleted before it is read is answered 200 vanished, so the queue moves on', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'EGM/gone.bin', 'x');
  const event = await eventFor('inbox', 'EGM/gone.bin');
  await s3.store.remove('inbox', 'EGM/gone.bin');
  const res = await server.call(event);
  assert.is(res.status, 200);
  assert.is(res.body.results[0].verdict, 'vanished');
  await server.close();
});

test('vanished :: an object deleted between stat and read is vanished, not a crash', async () => {
  await s3.store.put('inbox', 'EGM/mid.bin', 'x');
  const racing: ObjectStore = {
    ...s3.store,
    async getStream(bucket, key, options) {
      if (key === 'EGM/mid.bin') await s3.store.remove(bucket, key);
      return s3.store.getStream(bucket, key, options);
    },
  };
  const server = await serveHandler(handlerOn(racing));
  const res = await server.call(await eventFor('inbox', 'EGM/mid.bin'));
  assert.is(res.status, 200);
  assert.is(res.body.results[0].verdict, 'vanished');
  await server.close();
});

test('dependency down :: S3 unreachable → 503 STORAGE_UNAVAILABLE so MinIO redelivers', async () => {
  const port = await freePort();
  const dead = createMinioStore(
    createMinioClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKey: new Secret('a'),
      secretKey: new Secret('b'),
    }),
  );
  const server = await serveHandler(handlerOn(dead));
  const res = await server.call(await eventFor('inbox', 'STS/t 1.bin'));
  assert.is(res.status, 503);
  assert.is(res.body.error.code, 'STORAGE_UNAVAILABLE');
  await server.close();
});

test('dependency down :: alert-router unreachable on a mismatch → 503, and the retry alerts', async () => {
  let failing = true;
  const flaky: AlertSink = {
    async send(alerts) {
      if (failing)
        throw Object.assign(new Error('router down'), {
          code: 'GATEWAY_UNAVAILABLE',
          status: 503,
          details: [],
          retryable: true,
        });
      sent.push(alerts);
    },
  };
  const store = s3.store;
  const handler = createHandler({
    config,
    store,
    state: createStateStore(store, 'cmp-ops-state'),
    alerts: flaky,
    clock,
    log: log as Logger,
  });
  const server = await serveHandler(handler);
  await s3.store.put('inbox', 'CCS/f.bin.sha256', `${sha('a')}  f.bin\n`);
  await s3.store.put('inbox', 'CCS/f.bin', 'b');
  const event = await eventFor('inbox', 'CCS/f.bin');
  assert.is((await server.call(event)).status, 503);
  failing = false;
  const retry = await server.call(event);
  assert.is(retry.status, 200);
  assert.is(sent.length, 1);
  await server.close();
});

const formatCases: Array<[string, string, (body: Buffer) => string, string]> = [
  [
    'md5sum binary-marker sidecar (Red Hat)',
    '.md5',
    (b) => `${createHash('md5').update(b).digest('hex')} *f.bin\n`,
    'ok',
  ],
  [
    'certutil SHA512 sidecar (Windows)',
    '.sha512',
    (b) =>
      `SHA512 hash of f.bin:\r\n${createHash('sha512').update(b).digest('hex')}\r\nCertUtil: -hashfile command completed successfully.\r\n`,
    'ok',
  ],
  [
    'POSIX cksum sidecar (HP-UX)',
    '.cksum',
    (b) => `${execFileSync('cksum', { input: b }).toString().split(' ')[0]} ${b.length} f.bin\n`,
    'ok',
  ],
  ['a wrong-length digest for its sidecar', '.sha256', () => `${'ab'.repeat(20)}  f.bin\n`, 'unreadable'],
  ['duplicate entries that disagree', '.sha256', (b) => `${sha(b)}  f.bin\n${sha('other')}  f.bin\n`, 'unreadable'],
];
for (const [name, suffix, sidecar, verdict] of formatCases) {
  test(`sidecar formats :: ${name} → ${verdict}`, async () => {
    const server = await serveHandler(handlerOn(s3.store));
    const key = `OMGS/${suffix.slice(1)}-${verdict}-${formatCases.findIndex((c) => c[0] === name)}/f.bin`;
    const body = Buffer.from(`payload for ${name}`);
    await s3.store.put('inbox', `${key}${suffix}`, sidecar(body));
    await s3.store.put('inbox', key, body);
    const res = await server.call(await eventFor('inbox', key));
    assert.is(res.body.results[0].verdict, verdict, JSON.stringify(res.body.results[0]));
    await server.close();
  });
}

test('quarantine :: a mismatching object is copied to quarantine with its verdict as metadata; the original stays', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'CCS/q/bad.bin.sha256', `${sha('expected content')}  bad.bin\n`);
  await s3.store.put('inbox', 'CCS/q/bad.bin', 'actual content');
  const res = await server.call(await eventFor('inbox', 'CCS/q/bad.bin'));
  assert.is(res.body.results[0].verdict, 'mismatch');
  const copy = await s3.store.stat('quarantine', 'inbox/CCS/q/bad.bin');
  assert.is(copy?.metadata['cmp-ops-verdict'], 'mismatch');
  assert.is(copy?.metadata['cmp-ops-expected'], sha('expected content'));
  assert.ok(await s3.store.stat('inbox', 'CCS/q/bad.bin'));
  await server.close();
});

test('manifest :: SHA256SUMS covering a delivery verifies every arrived file, waits for the rest, refuses ../ names', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  const a = Buffer.from('file a');
  const b = Buffer.from('file b');
  await s3.store.put('inbox', 'FOS/delivery-7/a.bin', a);
  await s3.store.put('inbox', 'FOS/delivery-7/sub/b.bin', Buffer.from('file b, corrupted'));
  await s3.store.put(
    'inbox',
    'FOS/delivery-7/SHA256SUMS',
    `${sha(a)}  a.bin\n${sha(b)}  sub/b.bin\n${sha('c')}  c.bin\n${sha('x')}  ../other/x.bin\n`,
  );
  const res = await server.call(await eventFor('inbox', 'FOS/delivery-7/SHA256SUMS'));
  const results = res.body.results[0].results as Array<{ key: string; verdict: string; reason?: string }>;
  assert.equal(
    results.map((r) => [r.key, r.verdict]),
    [
      ['FOS/delivery-7/a.bin', 'ok'],
      ['FOS/delivery-7/sub/b.bin', 'mismatch'],
      ['FOS/delivery-7/c.bin', 'waiting-for-object'],
      ['../other/x.bin', 'unreadable'],
    ],
  );
  assert.match(results[3]!.reason!, /outside the delivery prefix/);
  // the file that arrives after its manifest finds it
  await s3.store.put('inbox', 'FOS/delivery-7/c.bin', 'c');
  const late = await server.call(await eventFor('inbox', 'FOS/delivery-7/c.bin'));
  assert.equal(
    [late.body.results[0].verdict, late.body.results[0].checksumSource],
    ['ok', 's3://inbox/FOS/delivery-7/SHA256SUMS'],
  );
  await server.close();
});

test('metadata and caller :: x-amz-meta-sha256 is a checksum source; an expected value from the caller wins', async () => {
  const server = await serveHandler(handlerOn(s3.store));
  await s3.store.put('inbox', 'EGM/meta/m.bin', Buffer.from('meta'), { metadata: { sha256: sha('meta') } });
  const meta = await server.call(await eventFor('inbox', 'EGM/meta/m.bin'));
  assert.equal(
    [meta.body.results[0].verdict, meta.body.results[0].checksumSource],
    ['ok', 'metadata:x-amz-meta-sha256'],
  );
  const caller = await server.call({
    bucket: 'inbox',
    key: 'EGM/meta/m.bin',
    expected: `md5:${createHash('md5').update('not meta').digest('hex')}`,
  });
  assert.equal(
    [caller.body.results[0].verdict, caller.body.results[0].algorithm, caller.body.results[0].checksumSource],
    ['mismatch', 'md5', 'caller'],
  );
  const bad = await server.call({ bucket: 'inbox', key: 'EGM/meta/m.bin', expected: 'sha256:abc' });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.details[0].field, '/expected');
  await server.close();
});

test('deadlines :: a file without checksum raises ChecksumMissing once after the deadline; its sidecar resolves it', async () => {
  const local = fixedClock('2026-11-24T10:00:00Z');
  const handler = createHandler({
    config: { ...(config as object), CHECKSUM_DEADLINE_MINUTES: 60 } as never,
    store: s3.store,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: sink,
    clock: local,
    log: log as Logger,
  });
  const server = await serveHandler(handler, { clock: local });
  const tick = () =>
    fetch(server.url, { method: 'POST', headers: { 'x-topic': 'cron-function' } }).then(
      (r) =>
        r.json() as Promise<{ checksumMissing: string[]; deliveryIncomplete: string[]; deliveryCompleted: string[] }>,
    );
  await s3.store.put('inbox', 'ARPE/late/data.bin', 'late data');
  assert.is((await server.call(await eventFor('inbox', 'ARPE/late/data.bin'))).body.results[0].verdict, 'pending');
  await s3.store.put('inbox', 'ARPE/drop/SHA256SUMS', `${sha('one')}  one.bin\n${sha('two')}  two.bin\n`);
  await s3.store.put('inbox', 'ARPE/drop/one.bin', 'one');
  await server.call(await eventFor('inbox', 'ARPE/drop/SHA256SUMS'));
  sent.length = 0;
  assert.equal(
    (await tick()).checksumMissing.filter((k) => k.includes('ARPE')),
    [],
    'nothing before the deadline',
  );
  local.set('2026-11-24T11:30:00Z');
  const late = await tick();
  assert.ok(late.checksumMissing.includes('inbox/ARPE/late/data.bin'));
  assert.ok(late.deliveryIncomplete.includes('inbox/ARPE/drop/SHA256SUMS'));
  const raised = sent
    .flat()
    .map((a) => a.labels.alertname)
    .sort();
  assert.ok(raised.includes('ChecksumMissing') && raised.includes('DeliveryIncomplete'));
  sent.length = 0;
  const again = await tick();
  assert.equal(
    [again.checksumMissing.filter((k) => k.includes('ARPE')), again.deliveryIncomplete],
    [[], []],
    'raised once',
  );
  await s3.store.put('inbox', 'ARPE/late/data.bin.sha256', `${sha('late data')}  data.bin\n`);
  const ok = await server.call(await eventFor('inbox', 'ARPE/late/data.bin.sha256'));
  assert.is(ok.body.results[0].verdict, 'ok');
  assert.ok(
    sent.flat().some((a) => a.labels.alertname === 'ChecksumMissing' && a.endsAt),
    'the later verdict resolves ChecksumMissing',
  );
  await s3.store.put('inbox', 'ARPE/drop/two.bin', 'two');
  const done = await tick();
  assert.ok(done.deliveryCompleted.includes('inbox/ARPE/drop/SHA256SUMS'));
  assert.ok(
    sent.flat().some((a) => a.labels.alertname === 'DeliveryIncomplete' && a.endsAt),
    'the last file resolves DeliveryIncomplete',
  );
  await server.close();
});

test('etag as MD5 :: only under a trusted prefix, only single-part and unencrypted; a rotted stored byte is a mismatch', async () => {
  const trusting = createHandler({
    config: { ...(config as object), CHECKSUM_DEADLINE_MINUTES: 60, CHECKSUM_ETAG_PREFIXES: ['inbox/OMGS/'] } as never,
    store: s3.store,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: sink,
    clock,
    log: log as Logger,
  });
  const server = await serveHandler(trusting);
  const body = Buffer.from('OMGS orbit file, no sidecar');
  await s3.store.put('inbox', 'OMGS/orbit.eof', body);
  await s3.store.put('inbox', 'CCS/orbit.eof', body);
  const info = (await s3.store.stat('inbox', 'OMGS/orbit.eof'))!;
  assert.is(
    info.etag,
    createHash('md5').update(body).digest('hex'),
    's3rver gives a single-part upload its MD5 as ETag',
  );
  let res = await server.call(await eventFor('inbox', 'OMGS/orbit.eof'));
  assert.equal(
    [res.body.results[0].verdict, res.body.results[0].checksumSource, res.body.results[0].algorithm],
    ['ok', 'etag', 'md5'],
  );
  res = await server.call(await eventFor('inbox', 'CCS/orbit.eof'));
  assert.is(res.body.results[0].verdict, 'pending', 'outside the trusted prefixes the ETag is not a checksum');
  // Bit rot under the store: the stored bytes change, the ETag recorded at upload does not.
  await s3.store.put('inbox', 'OMGS/second.eof', body);
  const file = join(s3.directory, 'inbox', 'OMGS', 'second.eof._S3rver_object');
  const rotted = Buffer.from(readFileSync(file));
  rotted[3] = rotted[3]! ^ 0x20;
  const second = (await s3.store.stat('inbox', 'OMGS/second.eof'))!;
  writeFileSync(file, rotted);
  res = await server.call(await eventFor('inbox', 'OMGS/second.eof'));
  assert.equal(
    [res.body.results[0].verdict, res.body.results[0].expected, res.body.results[0].checksumSource],
    ['mismatch', second.etag, 'etag'],
  );
  assert.ok(sent.flat().some((a) => a.labels.alertname === 'ChecksumMismatch' && a.labels.key === 'OMGS/second.eof'));
  await server.close();
});

test('etagMd5 :: multipart ETags, server-side encryption and malformed values are not MD5s', () => {
  const md5 = 'D41D8CD98F00B204E9800998ECF8427E';
  assert.is(etagMd5({ etag: md5, metadata: {} }), md5.toLowerCase());
  assert.is(etagMd5({ etag: `${md5.toLowerCase()}-3`, metadata: {} }), null);
  assert.is(etagMd5({ etag: md5, metadata: { 'x-amz-server-side-encryption': 'aws:kms' } }), null);
  assert.is(etagMd5({ etag: md5, metadata: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' } }), null);
  assert.is(etagMd5({ etag: 'not-a-digest', metadata: {} }), null);
  assert.ok(etagTrusted(['*'], 'any', 'key'));
  assert.ok(etagTrusted(['inbox/OMGS/'], 'inbox', 'OMGS/x'));
  assert.not.ok(etagTrusted(['inbox/OMGS/'], 'inbox', 'OMGS2/x'));
  assert.not.ok(etagTrusted(['inbox/OMGS/'], 'other', 'OMGS/x'));
});

test('unsafe keys :: events with NUL, CR or ESC in the key are logged and acknowledged (200), never 503 for ever', async () => {
  const { log: warnLog } = captureLogger();
  const server = await serveHandler(
    createHandler({
      config,
      store: s3.store,
      state: createStateStore(s3.store, 'cmp-ops-state'),
      alerts: sink,
      clock,
      log: warnLog as Logger,
    }),
  );
  for (const key of ['STS/nul\u0000.bin', 'STS/cr\r.bin', 'STS/esc\u001b[31m.bin']) {
    const event = minioWebhookBody({
      eventName: 's3:ObjectCreated:Put',
      info: { bucket: 'inbox', key, size: 3, etag: 'abc', lastModified: new Date(), metadata: {} },
      eventTime: new Date('2026-11-24T10:00:00Z'),
      accessKey: 'testkey',
    });
    const res = await server.call(event);
    assert.is(res.status, 200, `${JSON.stringify(key)}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.results[0].ignored, /control character U\+00(00|0D|1B)/);
  }
  await server.close();
  assert.is(sent.length, 0);
});

test('unsafe keys :: an event for inbox/../quarantine/… does not reach (nor re-tag) the quarantined copy', async () => {
  await s3.store.put('quarantine', 'inbox/STS/evil.bin', 'quarantined bytes');
  await s3.store.setTags('quarantine', 'inbox/STS/evil.bin', { 'cmp-ops-verdict': 'mismatch' });
  const server = await serveHandler(handlerOn(s3.store));
  const event = minioWebhookBody({
    eventName: 's3:ObjectCreated:Put',
    info: {
      bucket: 'inbox',
      key: '../quarantine/inbox/STS/evil.bin',
      size: 17,
      etag: 'abc',
      lastModified: new Date(),
      metadata: {},
    },
    eventTime: new Date('2026-11-24T10:00:00Z'),
    accessKey: 'testkey',
  });
  const res = await server.call(event);
  assert.is(res.status, 200);
  assert.match(res.body.results[0].ignored, /"\.\." segment/);
  assert.equal(await s3.store.getTags('quarantine', 'inbox/STS/evil.bin'), { 'cmp-ops-verdict': 'mismatch' });
  // A caller asking by name gets 400 with the field; the store itself refuses the key before any request.
  const direct = await server.call([
    { bucket: 'inbox', key: 'STS/ok.bin' },
    { bucket: 'inbox', key: '../quarantine/inbox/STS/evil.bin' },
  ]);
  assert.is(direct.status, 400);
  assert.is(direct.body.error.code, 'BAD_OBJECT_KEY');
  assert.equal(direct.body.error.details[0].field, '/1/key');
  await server.close();
  const refused = await s3.store
    .getTags('inbox', '../quarantine/inbox/STS/evil.bin')
    .catch((e: { code: string }) => e.code);
  assert.is(refused, 'BAD_OBJECT_KEY');
});

test.run();
