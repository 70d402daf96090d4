// integrity-sweep behind the real runtime server over a real S3-protocol server (s3rver): verdicts written by the
// real checksum-verify handler, then the store tampered with, objects removed and added behind its back.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { minioWebhookBody } from '#lib/events/index.ts';
import { createGatewayClient, fixedClock, Secret, signLink, type Logger } from '#lib/runtime/index.ts';
import { recordFanoutResult } from '#lib/integrity/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler as createVerify } from '../../functions/checksum-verify/handler.ts';
import { CALLBACK_PATH, createHandler as createSweep } from '../../functions/integrity-sweep/handler.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { BAD_BODIES, postRaw } from '../helpers/bad-bodies.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';
import { startLocalGateway } from '../../scripts/local-stack/gateway.ts';

const test = suite('functions/integrity-sweep');
let s3: TestS3;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void (alerts.length && sent.push(alerts)) };
const clock = fixedClock('2026-11-24T10:00:00Z');
const sha = (b: string) => createHash('sha256').update(b).digest('hex');
const sweepConfig = (max: number, extra: Record<string, unknown> = {}) =>
  ({
    SWEEP_TARGETS: [{ bucket: 'inbox', prefix: 'CCS/' }],
    SWEEP_BUDGET_MS: 60000,
    SWEEP_MAX_OBJECTS: max,
    SWEEP_CONCURRENCY: 2,
    SWEEP_STALE_PENDING_MINUTES: 60,
    SWEEP_FANOUT_BATCH: 0,
    SWEEP_FANOUT_RETRY_MINUTES: 30,
    SWEEP_FANOUT_ATTEMPTS: 3,
    SUBSYSTEM_MAP: { 'CCS/': 'CCS' },
    GATEWAY_URL: 'http://127.0.0.1:1',
    ...extra,
  }) as never;
const noGateway = { invoke: async () => assert.unreachable('local mode posts nothing') };
const sweepOnce = async (max: number) => {
  const server = await serveHandler(
    createSweep({
      config: sweepConfig(max),
      store: s3.store,
      state: createStateStore(s3.store, 'cmp-ops-state'),
      alerts: sink,
      gateway: noGateway,
      invokeToken: () => TEST_TOKEN,
    }),
    { clock },
  );
  const res = await server.call({});
  await server.close();
  return res.body;
};

test.before(async () => {
  s3 = await startTestS3();
  const verify = await serveHandler(
    createVerify({
      config: { QUARANTINE_BUCKET: 'quarantine', SUBSYSTEM_MAP: {}, CHECKSUM_DEADLINE_MINUTES: 60 } as never,
      store: s3.store,
      state: createStateStore(s3.store, 'cmp-ops-state'),
      alerts: sink,
      clock,
      log: captureLogger().log as Logger,
    }),
    { clock },
  );
  for (const name of ['a', 'b', 'c', 'd']) {
    await s3.store.put('inbox', `CCS/${name}.bin.sha256`, `${sha(name)}  ${name}.bin\n`);
    await s3.store.put('inbox', `CCS/${name}.bin`, name);
    const info = (await s3.store.stat('inbox', `CCS/${name}.bin`))!;
    await verify.call(
      minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info, eventTime: new Date(), accessKey: 'k' }),
    );
  }
  await s3.store.put('inbox', 'CCS/p.bin', 'pending');
  await verify.call(
    minioWebhookBody({
      eventName: 's3:ObjectCreated:Put',
      info: (await s3.store.stat('inbox', 'CCS/p.bin'))!,
      eventTime: new Date(),
      accessKey: 'k',
    }),
  );
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
  const alerts = sent
    .flat()
    .map((a) => `${a.labels.alertname}:${a.labels.drift}:${a.labels.severity}`)
    .sort();
  assert.equal(alerts, [
    'IntegrityDrift:missing:critical',
    'IntegrityDrift:modified:critical',
    'IntegrityDrift:stale-pending:warning',
    'IntegrityDrift:unverified:warning',
  ]);
  const stored = await createStateStore(s3.store, 'cmp-ops-state').read<{ counts: unknown }>(
    `sweep/reports/${report.runId}.json`,
  );
  assert.equal(stored?.value.counts, report.counts);
});

test('fan-out :: batches go to checksum-verify through the gateway (async, 202), results come back by signed callback; same findings as a local sweep', async () => {
  const state = createStateStore(s3.store, 'cmp-ops-state');
  const ports: Record<string, number> = {};
  const gateway = await startLocalGateway({
    host: '127.0.0.1',
    port: 0,
    upstream: (name) => ports[name],
    log: () => undefined,
  });
  const verify = await serveHandler(
    createVerify({
      config: {
        QUARANTINE_BUCKET: 'quarantine',
        SUBSYSTEM_MAP: {},
        CHECKSUM_DEADLINE_MINUTES: 60,
        CHECKSUM_ETAG_PREFIXES: [],
      } as never,
      store: s3.store,
      state,
      alerts: sink,
      clock,
      log: captureLogger().log as Logger,
    }),
    { clock },
  );
  const config = sweepConfig(100, { SWEEP_FANOUT_BATCH: 2, GATEWAY_URL: gateway.url });
  const sweep = await serveHandler(
    createSweep({
      config,
      store: s3.store,
      state,
      alerts: sink,
      gateway: createGatewayClient(gateway.url, () => new Secret(TEST_TOKEN)),
      invokeToken: () => TEST_TOKEN,
    }),
    { clock, isPublic: (p, m) => p === CALLBACK_PATH && m === 'POST' },
  );
  ports['checksum-verify'] = verify.port;
  ports['integrity-sweep'] = sweep.port;
  try {
    let report = (await sweep.call({})).body;
    for (let i = 0; i < 5 && report.status !== 'complete'; i++) {
      await gateway.idle();
      report = (await sweep.call({})).body;
    }
    assert.is(report.status, 'complete');
    assert.equal(report.counts, { modified: 1, missing: 1, unverified: 1, 'stale-pending': 1 });
    assert.is(report.objects, 5);
    const stored = await state.read<{ batchesSent: number; findings: Array<{ kind: string; key: string }> }>(
      `sweep/reports/${report.runId}.json`,
    );
    assert.is(stored?.value.batchesSent, 3, '5 objects in batches of 2');
    assert.equal(stored!.value.findings.map((f) => `${f.kind}:${f.key}`).sort(), [
      'missing:CCS/c.bin',
      'modified:CCS/b.bin',
      'stale-pending:CCS/p.bin',
      'unverified:CCS/new.bin',
    ]);
    let left = 0;
    for await (const _ of state.list(`sweep/fanout/${report.runId}/`)) left++;
    assert.is(left, 0, 'batch records removed once the report is written');
    // the callback path is public, so its signature is its only credential
    const forged = await fetch(
      `${sweep.url}${CALLBACK_PATH}?${signLink('not-the-token', `${report.runId}/0`, Date.parse('2030-01-01T00:00:00Z'))}`,
      { method: 'POST', body: '{}' },
    );
    assert.is(forged.status, 401);
  } finally {
    await Promise.all([sweep.close(), verify.close(), gateway.close()]);
  }
});

test('fan-out results :: a duplicate callback counts once; a failed batch is retried, then its objects are reported unverified', async () => {
  const state = createStateStore(s3.store, 'cmp-ops-state');
  const posted: Array<{ batch: number; callbackUrl: string }> = [];
  const local = fixedClock('2026-11-25T08:00:00Z');
  const { dispatchBatch, awaitFanout } = await import('../../lib/integrity/sweep-fanout.ts');
  const fanout = {
    batchSize: 2,
    retryAfterMs: 30 * 60_000,
    maxAttempts: 2,
    callbackUrl: (r: string, b: number) => `cb/${r}/${b}`,
    post: async (req: { sweep: { batch: number } }, callbackUrl: string) =>
      void posted.push({ batch: req.sweep.batch, callbackUrl }),
  };
  const items = [
    { bucket: 'inbox', key: 'CCS/a.bin', size: 1, etag: 'x' },
    { bucket: 'inbox', key: 'CCS/d.bin', size: 1, etag: 'y' },
  ];
  await dispatchBatch(state, fanout, 'run-x', 0, items, '2026-11-25T07:00:00Z', local.now().toISO()!);
  await dispatchBatch(state, fanout, 'run-x', 1, items, '2026-11-25T07:00:00Z', local.now().toISO()!);
  const result = {
    runId: 'run-x',
    batch: 0,
    examined: 2,
    bytes: 2,
    drifts: [{ kind: 'modified', bucket: 'inbox', key: 'CCS/a.bin', detail: 'changed' }],
  };
  assert.is(await recordFanoutResult(state, fanout, 'run-x', 0, 200, result), 'recorded');
  assert.is(await recordFanoutResult(state, fanout, 'run-x', 0, 200, result), 'duplicate');
  assert.is(await recordFanoutResult(state, fanout, 'run-x', 1, 502, 'upstream checksum-verify failed'), 'retry');
  const sweepState = {
    runId: 'run-x',
    bytes: 0,
    counts: { modified: 0, missing: 0, unverified: 0, 'stale-pending': 0 },
    findings: [] as never[],
  };
  assert.is(
    await awaitFanout(state, fanout, sweepState, local.now().toISO()!),
    1,
    'the failed batch is posted again at once',
  );
  assert.equal(
    posted.map((p) => p.batch),
    [0, 1, 1],
  );
  assert.is(await awaitFanout(state, fanout, sweepState, local.now().toISO()!), 1, 'not late yet: nothing posted');
  local.advance(31 * 60_000);
  assert.is(await awaitFanout(state, fanout, sweepState, local.now().toISO()!), 0, 'out of attempts: closed');
  assert.equal(sweepState.counts, { modified: 1, missing: 0, unverified: 2, 'stale-pending': 0 });
  assert.is(sweepState.bytes, 2);
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
  const resolved = sent
    .flat()
    .filter((a) => a.endsAt)
    .map((a) => a.labels.drift)
    .sort();
  assert.equal(resolved, ['modified', 'stale-pending', 'unverified']);
});

const listState = async (prefix: string): Promise<string[]> => {
  const keys: string[] = [];
  for await (const o of s3.store.list('cmp-ops-state', prefix)) keys.push(`${o.key}@${o.etag}`);
  return keys;
};

for (const [name, body, status, code] of BAD_BODIES) {
  test(`bad body :: ${name} → ${status} ${code}, no sweep started`, async () => {
    const server = await serveHandler(
      createSweep({
        config: sweepConfig(1000),
        store: s3.store,
        state: createStateStore(s3.store, 'cmp-ops-state'),
        alerts: sink,
        gateway: noGateway,
        invokeToken: () => TEST_TOKEN,
      }),
      { clock },
    );
    try {
      const before = await listState('sweep/');
      const res = await postRaw(server.url, body);
      assert.is(res.status, status);
      assert.is(res.body.error?.code, code);
      assert.equal(await listState('sweep/'), before, 'no lease, checkpoint or report written');
    } finally {
      await server.close();
    }
  });
}

test('options :: an empty body or {} runs the sweep (the cron-connector sends none)', async () => {
  const server = await serveHandler(
    createSweep({
      config: sweepConfig(1000),
      store: s3.store,
      state: createStateStore(s3.store, 'cmp-ops-state'),
      alerts: sink,
      gateway: noGateway,
      invokeToken: () => TEST_TOKEN,
    }),
    { clock },
  );
  try {
    assert.is((await server.call('')).status, 200);
    assert.is((await server.call({})).status, 200);
  } finally {
    await server.close();
  }
});

test.run();
