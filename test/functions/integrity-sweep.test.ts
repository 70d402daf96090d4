// integrity-sweep behind the real runtime server over a real S3-protocol server (s3rver): verdicts written by the
// real checksum-verify handler, then the store tampered with, objects removed and added behind its back.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { minioWebhookBody } from '#lib/events/index.ts';
import { fixedClock, type Logger } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler as createVerify } from '../../functions/checksum-verify/handler.ts';
import { createHandler as createSweep } from '../../functions/integrity-sweep/handler.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('functions/integrity-sweep');
let s3: TestS3;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void (alerts.length && sent.push(alerts)) };
const clock = fixedClock('2026-11-24T10:00:00Z');
const sha = (b: string) => createHash('sha256').update(b).digest('hex');
const sweepConfig = (max: number) => ({ SWEEP_TARGETS: [{ bucket: 'inbox', prefix: 'CCS/' }], SWEEP_BUDGET_MS: 60000, SWEEP_MAX_OBJECTS: max, SWEEP_CONCURRENCY: 2, SWEEP_STALE_PENDING_MINUTES: 60, SUBSYSTEM_MAP: { 'CCS/': 'CCS' } }) as never;
const sweepOnce = async (max: number) => {
  const server = await serveHandler(createSweep({ config: sweepConfig(max), store: s3.store, state: createStateStore(s3.store, 'cmp-ops-state'), alerts: sink }), { clock });
  const res = await server.call({});
  await server.close();
  return res.body;
};

test.before(async () => {
  s3 = await startTestS3();
  const verify = await serveHandler(createVerify({ config: { QUARANTINE_BUCKET: 'quarantine', SUBSYSTEM_MAP: {}, CHECKSUM_DEADLINE_MINUTES: 60 } as never, store: s3.store, state: createStateStore(s3.store, 'cmp-ops-state'), alerts: sink, clock, log: captureLogger().log as Logger }), { clock });
  for (const name of ['a', 'b', 'c', 'd']) {
    await s3.store.put('inbox', `CCS/${name}.bin.sha256`, `${sha(name)}  ${name}.bin\n`);
    await s3.store.put('inbox', `CCS/${name}.bin`, name);
    const info = (await s3.store.stat('inbox', `CCS/${name}.bin`))!;
    await verify.call(minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info, eventTime: new Date(), accessKey: 'k' }));
  }
  await s3.store.put('inbox', 'CCS/p.bin', 'pending');
  await verify.call(minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info: (await s3.store.stat('inbox', 'CCS/p.bin'))!, eventTime: new Date(), accessKey: 'k' }));
  await verify.close();
  // behind the verifier's back: one changed, one removed, one never verified
  await s3.store.put('inbox', 'CCS/b.bin', 'B!');
  await s3.store.remove('inbox', 'CCS/c.bin');
  await s3.store.put('inbox', 'CCS/new.bin', 'new');
  sent.length = 0;
});
test.after(async () => {
  await s3.close();
});

test('budget and checkpoint :: a run stopped by its budget resumes where it stopped; the full sweep finds each drift once', async () => {
  clock.set('2026-11-24T12:00:00Z');
  const first = await sweepOnce(2);
  assert.is(first.status, 'checkpointed');
  let report = first;
  for (let i = 0; i < 10 && report.status !== 'complete'; i++) report = await sweepOnce(2);
  assert.is(report.status, 'complete');
  assert.equal(report.counts, { modified: 1, missing: 1, unverified: 1, 'stale-pending': 1 });
  assert.is(report.objects, 5, 'a, b, d, p and new: each examined once across the invocations, sidecars skipped');
  const alerts = sent.flat().map((a) => `${a.labels.alertname}:${a.labels.drift}:${a.labels.severity}`).sort();
  assert.equal(alerts, ['IntegrityDrift:missing:critical', 'IntegrityDrift:modified:critical', 'IntegrityDrift:stale-pending:warning', 'IntegrityDrift:unverified:warning']);
  const stored = await createStateStore(s3.store, 'cmp-ops-state').read<{ counts: unknown }>(`sweep/reports/${report.runId}.json`);
  assert.equal(stored?.value.counts, report.counts);
});

test('overlap :: a second run while the lease is held backs off', async () => {
  const state = createStateStore(s3.store, 'cmp-ops-state');
  await state.write('sweep/lease', { holder: 'someone-else', expiresAt: '2099-01-01T00:00:00Z' });
  const report = await sweepOnce(100);
  assert.is(report.status, 'skipped');
  await state.write('sweep/lease', { holder: 'someone-else', expiresAt: '2000-01-01T00:00:00Z' });
});

test('repair :: once the drift is repaired the next complete sweep resolves the alerts it no longer sees', async () => {
  sent.length = 0;
  await s3.store.put('inbox', 'CCS/b.bin', 'b');
  await s3.store.remove('inbox', 'CCS/new.bin');
  await s3.store.put('inbox', 'CCS/c.bin', 'c');
  await s3.store.remove('inbox', 'CCS/p.bin');
  const report = await sweepOnce(100);
  assert.is(report.status, 'complete');
  assert.equal(report.counts, { modified: 0, missing: 1, unverified: 0, 'stale-pending': 0 });
  const resolved = sent.flat().filter((a) => a.endsAt).map((a) => a.labels.drift).sort();
  assert.equal(resolved, ['modified', 'stale-pending', 'unverified']);
});

test.run();
