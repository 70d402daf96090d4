// The whole path with real parts: the local stack (s3rver over HTTP, the esbuild bundles as processes, the local
// gateway, MinIO-shaped event delivery) on free ports; files uploaded through the S3 API; notifications at a real
// HTTP listener and in notifications.jsonl. Needs `npm run build` first (CI runs it before the tests).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { minioWebhookBody } from '#lib/events/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/local-stack');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let stack: LocalStack;
let listener: TestListener;
let dataDir: string;

const post = async (path: string, body: string, headers: Record<string, string>) => {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const notificationLines = () =>
  existsSync(stack.notificationsFile) ? readFileSync(stack.notificationsFile, 'utf8').split('\n').filter(Boolean) : [];

test.before(async () => {
  listener = await startListener();
  dataDir = e2eDataDir('stack');
  stack = await startTestStack({
    dataDir,
    only: ['checksum-verify', 'alert-router'],
    functionEnv: {
      'alert-router': { WEBHOOK_RECEIVERS: JSON.stringify([{ name: 'on-call', url: `${listener.url}/alerts` }]) },
      'checksum-verify': { SUBSYSTEM_MAP: JSON.stringify({ 'STS/': 'STS', 'DUTCH/': 'DUTCH' }) },
    },
  });
});

test.after(async () => {
  await stopTestStack(stack, dataDir);
  await listener?.close();
});

test('arrival :: a good and a corrupted delivery uploaded through S3 → tags, state records, exactly one notification', async () => {
  const good = Buffer.from('good telemetry\n'.repeat(5000));
  const sent = Buffer.from('ephemeris as sent\n'.repeat(3000));
  const corrupted = Buffer.concat([sent.subarray(0, 100), Buffer.from('X'), sent.subarray(101)]);
  await stack.store.put('inbox', 'STS/2026-11-24/good.bin', good);
  await stack.store.put('inbox', 'STS/2026-11-24/good.bin.sha256', `${sha(good)}  good.bin\n`);
  await stack.store.put('inbox', 'DUTCH/2026-11-24/eph 1.dat.sha256', `${sha(sent)}  eph 1.dat\n`);
  await stack.store.put('inbox', 'DUTCH/2026-11-24/eph 1.dat', corrupted);
  await stack.settled();

  assert.is((await stack.store.getTags('inbox', 'STS/2026-11-24/good.bin'))['cmp-ops-verdict'], 'ok');
  assert.is((await stack.store.getTags('inbox', 'DUTCH/2026-11-24/eph 1.dat'))['cmp-ops-verdict'], 'mismatch');
  const state = createStateStore(stack.store, 'cmp-ops-state');
  assert.is((await state.read<{ verdict: string }>('verdicts/inbox/STS/2026-11-24/good.bin'))?.value.verdict, 'ok');
  const bad = await state.read<{ verdict: string; expected: string; actual: string }>(
    'verdicts/inbox/DUTCH/2026-11-24/eph 1.dat',
  );
  assert.is(bad?.value.verdict, 'mismatch');
  assert.is(bad?.value.expected, sha(sent));
  assert.is(bad?.value.actual, sha(corrupted));

  assert.is(listener.requests.length, 1, 'exactly one notification at the receiver');
  const payload = JSON.parse(listener.requests[0]!.body);
  assert.is(payload.version, '4');
  assert.is(
    payload.externalURL,
    `${stack.gatewayUrl}/function/alert-router`,
    "links point at this stack's gateway port",
  );
  assert.equal(
    payload.alerts.map((a: { labels: Record<string, string> }) => [
      a.labels.alertname,
      a.labels.subsystem,
      a.labels.key,
    ]),
    [['ChecksumMismatch', 'DUTCH', 'DUTCH/2026-11-24/eph 1.dat']],
  );
  const lines = notificationLines();
  assert.is(lines.length, 1, 'and exactly one line in notifications.jsonl');
  assert.equal(JSON.parse(lines[0]!).alerts[0].fingerprint, payload.alerts[0].fingerprint);
});

test('at-least-once :: MinIO redelivering the same event gives the same verdict and no second notification', async () => {
  const info = (await stack.store.stat('inbox', 'DUTCH/2026-11-24/eph 1.dat'))!;
  const body = JSON.stringify(
    minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info, eventTime: new Date(), accessKey: 'minioadmin' }),
  );
  const first = await post('/function/checksum-verify', body, { authorization: `Bearer ${stack.token}` });
  const second = await post('/function/checksum-verify', body, { authorization: `Bearer ${stack.token}` });
  assert.is(first.status, 200);
  assert.equal(first.body, second.body);
  assert.is(first.body.results[0].verdict, 'mismatch');
  await stack.settled();
  assert.is(listener.requests.length, 1);
  assert.is(notificationLines().length, 1);
});

test('gateway :: bad token 401, no token 401, malformed JSON 400, oversized body 413, unknown function 404', async () => {
  const auth = { authorization: `Bearer ${stack.token}` };
  assert.is((await post('/function/checksum-verify', '{}', {})).status, 401);
  assert.is(
    (await post('/function/checksum-verify', '{}', { authorization: 'Bearer wrong' })).body.error.code,
    'UNAUTHORIZED',
  );
  assert.is((await post('/function/checksum-verify', '{"Records":', auth)).body.error.code, 'BAD_JSON');
  const big = await post('/function/checksum-verify', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), auth);
  assert.is(big.status, 413);
  assert.is(big.body.error.code, 'PAYLOAD_TOO_LARGE');
  const missing = await fetch(`${stack.gatewayUrl}/function/no-such-function`, { method: 'POST', body: '{}' });
  assert.is(missing.status, 404);
  assert.is((await fetch(`${stack.gatewayUrl}/healthz`)).status, 200);
});

test('async :: /async-function answers 202 and the call completes in the background', async () => {
  const res = await fetch(`${stack.gatewayUrl}/async-function/checksum-verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
    body: JSON.stringify({ bucket: 'inbox', key: 'STS/2026-11-24/good.bin' }),
  });
  assert.is(res.status, 202);
  assert.ok(res.headers.get('x-call-id'));
  await stack.settled();
});

test('timers :: a tick calls alert-router as the cron-connector does (no credentials, no body)', async () => {
  const called = await stack.tick(DateTime.fromISO('2026-11-24T10:00:00Z', { zone: 'utc' }));
  assert.ok(called.includes('alert-router'));
});

test.run();
