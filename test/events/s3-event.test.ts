import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decideEvent,
  decodeEventKey,
  eventIdentity,
  goQueryEscape,
  keyDialectOf,
  minioWebhookBody,
  parseObjectEvents,
} from '#lib/events/index.ts';
import { readFixture } from '../helpers/fixtures.ts';

const test = suite('events/s3-event');
const minioDocs = JSON.parse(readFixture('minio', 'minio-docs__bucket-notifications.rst__s3-ObjectCreated-Put.json'));
const minioKafka = JSON.parse(
  readFixture('minio', 'minio-minio__docs-bucket-notifications-README.md__kafka-section__s3-ObjectCreated-Put.json'),
);
const deleteEvent = JSON.parse(
  readFixture('minio', 'sleighzy-openfaas-minio-notification-webhook__README.md__s3-ObjectRemoved-Delete.json'),
);

test('real MinIO payload :: docs example parses to bucket, key, size, etag, sequencer', () => {
  const [event] = parseObjectEvents(minioDocs);
  assert.equal(event, {
    name: 's3:ObjectCreated:Put',
    source: 'minio',
    bucket: 'test-bucket',
    key: 'image.jpg',
    size: 84452,
    etag: 'eb52f8e46f60a27a8a1a704e25757f30',
    sequencer: '182178E8B3728CAC',
    eventTime: '2025-02-06T01:04:31.998Z',
    userMetadata: { 'content-type': 'image/jpeg' },
  });
});

test('real MinIO payload :: multipart etag and versionId are kept', () => {
  const [event] = parseObjectEvents(minioKafka);
  assert.is(event!.etag, '430f89010c77aa34fc8760696da62d08-1');
  assert.is(event!.versionId, '1');
  assert.is(eventIdentity(event!), 'images/myphoto.jpg@1');
});

test('real MinIO payload :: a delete event parses without size or etag and is ignored', () => {
  const [event] = parseObjectEvents(deleteEvent);
  assert.is(event!.name, 's3:ObjectRemoved:Delete');
  assert.is(event!.size, undefined);
  assert.is(decideEvent(event!).action, 'ignore');
});

const keyCases: Array<[string, string, string]> = [
  ['space as plus', 'DUTCH/ephemeris+2026-11-24.dat', 'DUTCH/ephemeris 2026-11-24.dat'],
  ['escaped slash', 'STS%2Fdeliveries%2Fa.bin', 'STS/deliveries/a.bin'],
  ['literal plus is %2B', 'a%2Bb.txt', 'a+b.txt'],
  ['utf-8 name', 'CCS/r%C3%A9sum%C3%A9+%C3%A9t%C3%A9.txt', 'CCS/résumé été.txt'],
];
for (const [name, raw, decoded] of keyCases) {
  test(`key decoding :: ${name}`, () => {
    assert.is(decodeEventKey(raw), decoded);
    assert.is(decodeEventKey(goQueryEscape(decoded)), decoded);
  });
}

test('key decoding :: a broken escape is BAD_REQUEST naming the field', () => {
  try {
    decodeEventKey('a%ZZ');
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_REQUEST');
  }
});

test('AWS / Ceph records :: eventName without s3: prefix and no MinIO envelope', () => {
  const body = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        s3: { bucket: { name: 'inbox' }, object: { key: 'EGM/big+file.iso', size: 10, eTag: '"abc-3"' } },
      },
    ],
  };
  const [event] = parseObjectEvents(body);
  assert.is(event!.name, 's3:ObjectCreated:CompleteMultipartUpload');
  assert.is(event!.key, 'EGM/big file.iso');
  assert.is(event!.etag, 'abc-3');
  assert.is(decideEvent(event!).action, 'handle');
});

const rgwPut = JSON.parse(readFixture('rgw', 'ceph-16.2.15-objectcreated-put.json'));

test('real RGW payload :: the raw key is kept as sent (`+` stays a plus), eventName gets its s3: prefix', () => {
  const [event] = parseObjectEvents(rgwPut);
  assert.equal(event, {
    name: 's3:ObjectCreated:Put',
    source: 'ceph',
    bucket: 'nbk1',
    key: 'dir/a b+c ü.txt',
    size: 9,
    etag: '2b44e6539bbe75558fd5bed8de20011b',
    sequencer: 'C38A116B3F4A9F07',
    eventTime: '2026-12-03T15:29:07.124759Z',
    userMetadata: { 'x-amz-meta-color': 'blue' },
  });
  assert.is(decideEvent(event!).action, 'handle');
});

// One key, `dir/a b+c ü.txt`, as each server writes it in a record: all three must read back to the same name.
const dialectCases: Array<[string, Record<string, unknown>, string]> = [
  ['aws (form-encoded)', { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' }, 'dir/a+b%2Bc+%C3%BC.txt'],
  [
    'minio (query-escaped)',
    { eventSource: 'minio:s3', eventName: 's3:ObjectCreated:Put' },
    goQueryEscape('dir/a b+c ü.txt'),
  ],
  ['ceph (raw)', { eventSource: 'ceph:s3', eventName: 'ObjectCreated:Put' }, 'dir/a b+c ü.txt'],
  [
    'ceph before Octopus (aws:s3 + opaqueData)',
    { eventSource: 'aws:s3', opaqueData: '', eventName: 'ObjectCreated:Put' },
    'dir/a b+c ü.txt',
  ],
];
for (const [name, head, raw] of dialectCases) {
  test(`key dialects :: ${name}`, () => {
    const [event] = parseObjectEvents({
      Records: [{ ...head, s3: { bucket: { name: 'inbox' }, object: { key: raw } } }],
    });
    assert.is(event!.key, 'dir/a b+c ü.txt');
    assert.is(event!.source, keyDialectOf(head));
  });
}

test('key dialects :: an RGW key with % and %2B is not decoded (it is no escape there)', () => {
  const [event] = parseObjectEvents({
    Records: [
      {
        eventSource: 'ceph:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'inbox' }, object: { key: 'q/100% done %2B.txt' } },
      },
    ],
  });
  assert.is(event!.key, 'q/100% done %2B.txt');
});

const decisionCases: Array<[string, string, string, 'handle' | 'ignore']> = [
  ['put', 's3:ObjectCreated:Put', 'inbox', 'handle'],
  ['multipart', 's3:ObjectCreated:CompleteMultipartUpload', 'inbox', 'handle'],
  ['own tag write', 's3:ObjectCreated:PutTagging', 'inbox', 'ignore'],
  ['tag removal', 's3:ObjectCreated:DeleteTagging', 'inbox', 'ignore'],
  ['retention', 's3:ObjectCreated:PutRetention', 'inbox', 'ignore'],
  ['copy into quarantine', 's3:ObjectCreated:Copy', 'quarantine', 'ignore'],
  ['copy into inbox', 's3:ObjectCreated:Copy', 'inbox', 'handle'],
  ['read', 's3:ObjectAccessed:Get', 'inbox', 'ignore'],
];
for (const [name, eventName, bucket, action] of decisionCases) {
  test(`self-caused events :: ${name} → ${action}`, () => {
    const decision = decideEvent(
      { name: eventName, source: 'minio', bucket, key: 'a' },
      { outputBuckets: ['quarantine'] },
    );
    assert.is(decision.action, action);
  });
}

const badBodies: Array<[string, unknown, string, string]> = [
  ['not an object', 'hello', 'BAD_REQUEST', 'Records'],
  ['no Records', { EventName: 'x' }, 'BAD_REQUEST', 'Records'],
  [
    'record without bucket',
    { Records: [{ eventName: 's3:ObjectCreated:Put', s3: { object: { key: 'a' } } }] },
    'BAD_REQUEST',
    'Records[0].s3.bucket.name',
  ],
  [
    'record without key',
    { Records: [{ eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: {} } }] },
    'BAD_REQUEST',
    'Records[0].s3.object.key',
  ],
  [
    'unknown event name',
    { Records: [{ eventName: 'thing:Happened', s3: { bucket: { name: 'b' }, object: { key: 'a' } } }] },
    'UNKNOWN_EVENT',
    'Records[0].eventName',
  ],
];
for (const [name, body, code, field] of badBodies) {
  test(`bad input :: ${name} → ${code} naming ${field}`, () => {
    try {
      parseObjectEvents(body);
      assert.unreachable();
    } catch (err) {
      const e = err as { code: string; details: Array<{ field?: string }> };
      assert.is(e.code, code);
      assert.is(e.details[0]!.field, field);
    }
  });
}

test('local stack payload :: minioWebhookBody round-trips through the parser with MinIO escaping', () => {
  const body = minioWebhookBody({
    eventName: 's3:ObjectCreated:Put',
    info: {
      bucket: 'inbox',
      key: 'FOS/a b+c.bin',
      size: 3,
      etag: 'e1',
      lastModified: new Date('2026-11-24T00:00:00Z'),
      metadata: {},
    },
    eventTime: new Date('2026-11-24T00:00:01Z'),
    accessKey: 'minioadmin',
  });
  assert.is(body.Key, 'inbox/FOS/a b+c.bin');
  const record = (body.Records as Array<{ s3: { object: { key: string } } }>)[0]!;
  assert.is(record.s3.object.key, 'FOS%2Fa+b%2Bc.bin');
  const [event] = parseObjectEvents(body);
  assert.is(event!.key, 'FOS/a b+c.bin');
  assert.is(event!.size, 3);
});

test.run();
