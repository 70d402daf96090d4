// The record Ceph RGW really sends (test/fixtures/rgw, raw key, eventName without `s3:`) delivered to
// checksum-verify's edge over a real S3-protocol server (s3rver over HTTP): the key `rgw/a b+c ü.txt` must be read
// as itself, not URL-decoded into `rgw/a b c ü.txt` (a `vanished` verdict and no alert for a corrupted delivery).
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { fixedClock, type Logger } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/checksum-verify/handler.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('events/rgw-record-delivery');
const sha = (b: string) => createHash('sha256').update(b).digest('hex');
let s3: TestS3;

test.before(async () => {
  s3 = await startTestS3();
});
test.after(async () => {
  await s3?.close();
});

/** rgwRecordFor is the captured RGW record with the bucket, key, size and ETag of another object (nothing else changed). */
function rgwRecordFor(bucket: string, key: string, size: number, etag: string): unknown {
  const body = JSON.parse(readFixture('rgw', 'ceph-16.2.15-objectcreated-put.json'));
  const record = body.Records[0];
  record.s3.bucket.name = bucket;
  record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  Object.assign(record.s3.object, { key, size, eTag: etag });
  return body;
}

test('raw key :: `rgw/a b+c ü.txt` with a mismatching sidecar → mismatch on that key, one alert', async () => {
  const sent: Alert[][] = [];
  const sink: AlertSink = { send: async (alerts) => void sent.push(alerts) };
  const { log } = captureLogger();
  const state = createStateStore(s3.store, 'cmp-ops-state');
  const handler = createHandler({
    config: Object.freeze({ QUARANTINE_BUCKET: 'quarantine', SUBSYSTEM_MAP: {} }) as never,
    store: s3.store,
    state,
    alerts: sink,
    clock: fixedClock('2026-12-03T15:29:07Z'),
    log: log as Logger,
  });
  const server = await serveHandler(handler);
  const key = 'rgw/a b+c ü.txt';
  await s3.store.put('inbox', `${key}.sha256`, `${sha('as sent')}  a b+c ü.txt\n`);
  const { etag } = await s3.store.put('inbox', key, 'corrupted');
  const res = await server.call(rgwRecordFor('inbox', key, 9, etag));
  await server.close();
  assert.is(res.status, 200);
  assert.is(res.body.results[0].key, key);
  assert.is(res.body.results[0].verdict, 'mismatch');
  assert.is(sent.length, 1);
  assert.is(sent[0]![0]!.labels.key, key);
  assert.is((await s3.store.getTags('inbox', key))['cmp-ops-verdict'], 'mismatch');
});

test.run();
