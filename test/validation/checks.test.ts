// The storage-backed checks against real data in a real S3-protocol server (s3rver over HTTP): verdicts written by
// checksum-verify's own core (verifyArrival) on the local stack's demo deliveries, a stored byte rotted on disk,
// bpdbjobs -all_columns reports in the documented field order (test/helpers/netbackup-lines.ts: no public capture
// exists), and ProFTPD 1.3.8's captured xferlog (test/fixtures/ftp/captured, see SOURCES.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyArrival } from '#lib/integrity/index.ts';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, createStateStore } from '#lib/storage/index.ts';
import { runCheck, type CheckSpec } from '#lib/validation/index.ts';
import { demoObjects } from '../../scripts/local-stack/demo.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('validation/checks');
let s3: TestS3;
const now = DateTime.fromISO('2026-11-25T12:00:00Z', { zone: 'utc' });
const deps = () => ({
  store: s3.store,
  state: createStateStore(s3.store, 'cmp-ops-state'),
  now: () => now,
  sleep: async () => undefined,
  release: '2026.11-demo',
  runId: 'run-1',
  subsystemLabel: 'cmp-ops.io/subsystem',
  elapsedMs: () => 0,
});
const check = (spec: Record<string, unknown>) =>
  runCheck({ testcase: 'CMP-9', ...spec } as unknown as CheckSpec, deps());

test.before(async () => {
  s3 = await startTestS3();
  const { log } = captureLogger('verify');
  const arrival = {
    store: s3.store,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: { send: async () => undefined },
    now: () => now,
    log,
    subsystemOf: () => 'STS',
  };
  for (const o of demoObjects()) {
    await s3.store.put(o.bucket, o.key, o.body);
    await verifyArrival({ bucket: o.bucket, key: o.key }, arrival);
  }
});
test.after(async () => {
  await s3.close();
});

test('delivery-intact :: the STS delivery is ok with its digest; the corrupted DUTCH one fails with its mismatch', async () => {
  const sts = await check({ check: 'delivery-intact', location: 'inbox/STS/deliveries/2026-11-24/' });
  assert.is(sts.status, 'p', sts.notes);
  assert.match(sts.notes, /telemetry-frames\.bin sha256:[0-9a-f]{64} 83968 bytes/);
  const dutch = await check({ check: 'delivery-intact', location: 'inbox/DUTCH/' });
  assert.is(dutch.status, 'f');
  assert.match(
    dutch.notes,
    /ephemeris 2026-11-24\.dat: verdict mismatch expected sha256:[0-9a-f]{64} actual [0-9a-f]{64}/,
  );
  const empty = await check({ check: 'delivery-intact', location: 'inbox/NOTHING/' });
  assert.equal([empty.status, empty.summary], ['f', 'no delivered object under s3://inbox/NOTHING/']);
});

test('sweep-clean :: clean, then a byte rotted on disk under the same etag is found modified', async () => {
  const clean = await check({ check: 'sweep-clean', location: 'inbox/STS/' });
  assert.is(clean.status, 'p', clean.notes);
  assert.match(clean.notes, /1 object\(s\), 83968 bytes re-hashed/);
  const file = join(s3.directory, 'inbox', 'STS', 'deliveries', '2026-11-24', 'telemetry-frames.bin._S3rver_object');
  const bytes = readFileSync(file);
  bytes[10] = bytes[10]! ^ 1;
  writeFileSync(file, bytes);
  const rotted = await check({ check: 'sweep-clean', location: 'inbox/STS/' });
  assert.is(rotted.status, 'f', rotted.notes);
  assert.match(
    rotted.notes,
    /modified STS\/deliveries\/2026-11-24\/telemetry-frames\.bin: sha256 was [0-9a-f]{64}, is [0-9a-f]{64} \(same etag\)/,
  );
  await s3.store.remove('inbox', 'DUTCH/deliveries/2026-11-24/ephemeris 2026-11-24.dat');
  const gone = await check({ check: 'sweep-clean', location: 'inbox/DUTCH/' });
  assert.match(gone.notes, /missing DUTCH\/deliveries\/2026-11-24\/ephemeris 2026-11-24\.dat: recorded mismatch/);
});

test('backup-after-upgrade :: a success that started before the upgrade does not count; one after does', async () => {
  const upgrade = Date.parse('2026-11-24T20:00:00Z') / 1000;
  const report = [
    allColumnsLine({
      jobid: 101,
      client: 'sts-app01',
      policy: 'STS_Daily',
      started: upgrade - 3600,
      elapsed: 7200,
      ended: upgrade + 3600,
    }),
    allColumnsLine({
      jobid: 102,
      client: 'egm-db01',
      policy: 'EGM_Daily',
      status: 58,
      started: upgrade + 600,
      elapsed: 60,
      ended: upgrade + 660,
    }),
  ].join('\n');
  await s3.store.put('reports', 'netbackup/nbmaster01/2026-11-25.txt', `${report}\n`);
  const before = await check({
    check: 'backup-after-upgrade',
    clients: ['sts-app01', 'egm-db01'],
    upgradeAt: '2026-11-24T20:00:00Z',
  });
  assert.is(before.status, 'f', before.notes);
  assert.match(before.summary, /no successful backup started after 2026-11-24T20:00:00\.000Z for sts-app01, egm-db01/);
  assert.match(before.notes, /job 102 failure status 58 policy EGM_Daily/);
  await s3.store.put(
    'reports',
    'netbackup/nbmaster01/2026-11-26.txt',
    `${[
      allColumnsLine({
        jobid: 201,
        client: 'sts-app01',
        policy: 'STS_Daily',
        started: upgrade + 86400,
        elapsed: 600,
        ended: upgrade + 87000,
      }),
      allColumnsLine({
        jobid: 202,
        client: 'egm-db01',
        policy: 'EGM_Daily',
        started: upgrade + 86400,
        elapsed: 600,
        ended: upgrade + 87000,
      }),
    ].join('\n')}\n`,
  );
  const after = await check({
    check: 'backup-after-upgrade',
    clients: ['sts-app01', 'egm-db01'],
    upgradeAt: '2026-11-24T20:00:00Z',
  });
  assert.is(after.status, 'p', after.notes);
  assert.match(
    after.notes,
    /job 201 success status 0 policy STS_Daily schedule Full client sts-app01 started 2026-11-25T20:00:00Z/,
  );
});

test('ftp-transfer :: the captured ProFTPD upload reached the store whole; an incomplete one and a short object fail', async () => {
  const xferlog = readFixture('ftp', 'captured/proftpd-1.3.8__xferlog').replaceAll('<testdir>', '/srv/ftp');
  await s3.store.put('reports', 'ftp/ftp1/xferlog', xferlog);
  await s3.store.put('inbox', 'S3A_delivery_001.bin', Buffer.alloc(300000, 7));
  const ok = await check({
    check: 'ftp-transfer',
    server: 'ftp1',
    path: '/srv/ftp/home/inbox/S3A_delivery_001.bin',
    logs: 'reports/ftp/ftp1/',
    zone: 'Europe/Paris',
    object: 's3://inbox/S3A_delivery_001.bin',
  });
  assert.is(ok.status, 'p', ok.notes);
  assert.match(ok.notes, /300000 bytes uploaded by vuser from 127\.0\.0\.1, completed 2026-11-25T01:08:30/);
  const cut = await check({
    check: 'ftp-transfer',
    server: 'ftp1',
    path: '/srv/ftp/home/inbox/cut-rst.bin',
    logs: 'reports/ftp/ftp1/',
    object: 's3://inbox/cut-rst.bin',
  });
  assert.is(cut.status, 'f');
  assert.match(cut.notes, /incomplete upload/);
  await s3.store.put('inbox', 'S3A_delivery_001.bin', Buffer.alloc(299999, 7));
  const short = await check({
    check: 'ftp-transfer',
    server: 'ftp1',
    path: '/srv/ftp/home/inbox/S3A_delivery_001.bin',
    logs: 'reports/ftp/ftp1/',
    zone: 'Europe/Paris',
    object: 's3://inbox/S3A_delivery_001.bin',
  });
  assert.equal(
    [short.status, short.summary],
    ['f', 's3://inbox/S3A_delivery_001.bin holds 299999 bytes, the FTP log says 300000 were uploaded'],
  );
});

test('blocked :: S3 down makes the case blocked, never passed; no cluster configured too', async () => {
  const down = await runCheck({ testcase: 'CMP-9', check: 'delivery-intact', location: 'inbox/STS/' } as CheckSpec, {
    ...deps(),
    store: createMinioStore(
      createMinioClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        accessKey: new Secret('a'),
        secretKey: new Secret('b'),
      }),
    ),
  });
  assert.is(down.status, 'b');
  assert.match(down.summary, /could not be checked: STORAGE_UNAVAILABLE/);
  const noKube = await check({ check: 'images-approved' });
  assert.equal(
    [noKube.status, noKube.summary],
    ['b', 'no Kubernetes API configured (KUBECONFIG or the in-cluster ServiceAccount)'],
  );
});

test.run();
