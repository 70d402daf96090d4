// alert-router's edge behind the real runtime server; state in a real S3-protocol server; receivers are real HTTP
// listeners that fail on demand.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/alert-router/handler.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('functions/alert-router');
let s3: TestS3;
let listener: TestListener;
const clock = fixedClock('2026-11-24T10:00:00Z');
const alert = (labels: Record<string, string>, extra: Record<string, string> = {}) => ({ labels: { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'STS', ...labels }, annotations: { summary: 's' }, startsAt: '2026-11-24T09:59:00Z', ...extra });

async function router() {
  const config = { WEBHOOK_RECEIVERS: [{ name: 'ops.team', url: `${listener.url}/hook` }], EXTERNAL_URL: 'http://router', RESOLVE_TIMEOUT_MS: 300000 };
  return serveHandler(createHandler({ config: config as never, state: createStateStore(s3.store, 'cmp-ops-state') }), { clock });
}

test.before(async () => {
  s3 = await startTestS3();
  listener = await startListener();
});
test.after(async () => {
  await listener.close();
  await s3.close();
});

test('delivery :: a firing alert reaches the webhook once as an Alertmanager v4 payload', async () => {
  const server = await router();
  const res = await server.call([alert({ key: 'a' })]);
  assert.is(res.status, 200);
  assert.equal(res.body, { received: 1, notified: 1, duplicates: 0, fingerprints: [res.body.fingerprints[0]] });
  assert.is(listener.requests.length, 1);
  const payload = JSON.parse(listener.requests[0]!.body);
  assert.is(payload.version, '4');
  assert.is(payload.status, 'firing');
  assert.is(payload.receiver, 'ops\\.team', 'receiver is regexp-quoted as Alertmanager does');
  assert.is(payload.alerts[0].endsAt, '0001-01-01T00:00:00Z');
  assert.is(payload.alerts[0].fingerprint, res.body.fingerprints[0]);
  await server.close();
});

test('dedupe :: the same firing alert delivered again notifies nobody', async () => {
  const server = await router();
  const res = await server.call([alert({ key: 'a' })]);
  assert.is(res.body.duplicates, 1);
  assert.is(listener.requests.length, 1);
  await server.close();
});

test('resolution :: the resolved alert notifies once; a resolution of a never-notified alert does not', async () => {
  const server = await router();
  await server.call([alert({ key: 'a' }, { endsAt: '2026-11-24T09:59:30Z' })]);
  await server.call([alert({ key: 'a' }, { endsAt: '2026-11-24T09:59:30Z' })]);
  await server.call([alert({ key: 'never-fired' }, { endsAt: '2026-11-24T09:59:30Z' })]);
  assert.is(listener.requests.length, 2);
  assert.is(JSON.parse(listener.requests[1]!.body).status, 'resolved');
  await server.close();
});

test('receiver failure :: 503 from the receiver → 503 to the caller, and the retry delivers exactly once', async () => {
  const server = await router();
  const before = listener.requests.length;
  listener.failNext(1, 503);
  const failed = await server.call([alert({ key: 'b' })]);
  assert.is(failed.status, 503);
  assert.is(failed.body.error.code, 'RECEIVER_UNAVAILABLE');
  const retried = await server.call([alert({ key: 'b' })]);
  assert.is(retried.status, 200);
  assert.is(listener.requests.length, before + 1);
  await server.close();
});

const bad: Array<[string, unknown, string, number | undefined]> = [
  ['label-less alert', [{ labels: {} }], '/0/labels', 0],
  ['no alertname', [alert({}), { labels: { severity: 'critical' } }], '/1/labels/alertname', 1],
  ['startsAt after endsAt', [alert({}, { startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T09:00:00Z' })], '/0/endsAt', 0],
  ['bad label name', [{ labels: { alertname: 'x', 'bad-name': 'y' } }], '/0/labels', 0],
  ['not an array', { hello: 1 }, '/', undefined],
];
for (const [name, body, field, index] of bad) {
  test(`bad input :: ${name} → 400 naming ${field}`, async () => {
    const server = await router();
    const res = await server.call(body);
    assert.is(res.status, 400);
    assert.is(res.body.error.code, 'BAD_REQUEST');
    assert.ok(res.body.error.details.some((d: { field: string; index?: number }) => d.field.startsWith(field) && d.index === index), JSON.stringify(res.body.error.details));
    await server.close();
  });
}

test('bad input :: a 1 MiB annotation is refused by the body limit with 413', async () => {
  const server = await router();
  const res = await server.call([alert({}, {})].map((a) => ({ ...a, annotations: { description: 'x'.repeat(1024 * 1024) } })));
  assert.is(res.status, 413);
  await server.close();
});

test.run();
