// alert-router under an alert storm, behind the real runtime server with its state in a real S3-protocol server
// (s3rver) and a real HTTP listener as the fallback receiver: past MAX_ACTIVE_ALERTS new alerts get 429 with
// Retry-After and one RouterOverloaded goes out, re-sends of held alerts still pass and nothing held is dropped; a
// full ingest queue answers 429 too; GET /api/v2/alerts filters and pages; a read past its deadline is no 200.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { JOURNAL_PREFIX, SNAPSHOT_KEY } from '#lib/alerting/router/index.ts';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { createHandler, type AlertRouterConfig } from '../../functions/alert-router/handler.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/alert-router-storm');
let s3: TestS3;
let fallback: TestListener;
let bucket = 0;
const dir = mkdtempSync(join(tmpdir(), 'router-storm-'));
const clock = fixedClock('2026-11-24T10:00:00Z');
const alert = (key: string, extra: Record<string, string> = {}) => ({
  labels: { alertname: 'ChecksumMismatch', severity: 'warning', subsystem: extra.subsystem ?? 'STS', key },
  annotations: { summary: key },
  startsAt: '2026-11-24T09:59:00Z',
});

async function router(
  extra: Partial<AlertRouterConfig>,
  wrap: (s: StateStore) => StateStore = (s) => s,
  deadlineMs?: number,
) {
  const routing = join(dir, `am-${bucket}.yml`);
  writeFileSync(
    routing,
    `route:\n  receiver: ops\n  group_by: [subsystem]\n  group_wait: 30s\nreceivers:\n  - name: ops\n  - name: fallback\n    webhook_configs:\n      - url: '${fallback.url}/fallback'\n`,
  );
  const name = `storm-${bucket++}`;
  await s3.store.ensureBucket(name);
  const config = {
    WEBHOOK_RECEIVERS: [],
    EXTERNAL_URL: 'http://router',
    RESOLVE_TIMEOUT_MS: 300000,
    RETRY_MAX_ATTEMPTS: 3,
    RETRY_BASE_MS: 10000,
    DROP_MUTED_RECEIVERS: [],
    DELIVERY_TIMEOUT_MS: 1000,
    STATE_BUCKET: name,
    ROUTING_CONFIG: `file:${routing}`,
    FALLBACK_RECEIVER: 'fallback',
    API_V2_ACK: 'written',
    ...extra,
  };
  const handler = createHandler({
    config: config as never,
    state: wrap(createStateStore(s3.store, name)),
    random: () => 0.5,
  });
  return serveHandler(handler, { clock, ...(deadlineMs ? { deadlineMs } : {}) });
}
async function post(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}
async function get(url: string, path: string) {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return { status: res.status, link: res.headers.get('link'), body: (await res.json()) as any };
}
const overloadedSent = () =>
  fallback.requests.map((r) => JSON.parse(r.body)).filter((p) => p.alerts[0].labels.alertname === 'RouterOverloaded');

test.before(async () => {
  s3 = await startTestS3([]);
  fallback = await startListener();
});
test.after(async () => {
  await fallback.close();
  await s3.close();
});
test.before.each(() => {
  fallback.requests.length = 0;
});

test('bound :: past MAX_ACTIVE_ALERTS new alerts get 429 + Retry-After, one RouterOverloaded goes out, held ones stay and refresh', async () => {
  const server = await router({ MAX_ACTIVE_ALERTS: 5 });
  assert.is(
    (
      await post(
        server.url,
        '/api/v2/alerts',
        ['a', 'b', 'c', 'd', 'e'].map((k) => alert(k)),
      )
    ).status,
    200,
  );
  const refused = await post(server.url, '/api/v2/alerts', [alert('f'), alert('g')]);
  assert.is(refused.status, 429);
  assert.is(refused.retryAfter, '10');
  assert.is(refused.body.error.code, 'ROUTER_OVERLOADED');
  assert.is((await post(server.url, '/', [alert('h')])).status, 429, 'POST / is bounded alike');
  assert.is(
    (await post(server.url, '/api/v2/alerts', [alert('a'), alert('b')])).status,
    200,
    're-sends of held alerts still pass',
  );
  assert.is((await post(server.url, '/api/v2/alerts', [alert('i')])).status, 429);
  const listed = await get(server.url, '/api/v2/alerts');
  assert.equal(
    listed.body.map((a: any) => a.labels.key).sort(),
    ['a', 'b', 'c', 'd', 'e'],
    'nothing accepted was dropped',
  );
  const sent = overloadedSent();
  assert.is(sent.length, 1, 'RouterOverloaded once, however many were refused');
  assert.is(sent[0].receiver, 'fallback');
  assert.match(sent[0].alerts[0].annotations.summary, /holds 5 alerts, its bound is 5/);
  await server.close();
});

test('bound :: accepted ingests not applied yet count too: concurrent batches never take the router past the bound', async () => {
  const server = await router({ MAX_ACTIVE_ALERTS: 5, API_V2_ACK: 'accepted' });
  assert.is((await get(server.url, '/api/v2/alerts')).status, 200, 'loaded');
  const answers = await Promise.all(
    [0, 1, 2].map((b) =>
      post(
        server.url,
        '/api/v2/alerts',
        [0, 1, 2].map((i) => alert(`c${b}-${i}`)),
      ),
    ),
  );
  assert.equal(answers.map((a) => a.status).sort(), [200, 429, 429]);
  assert.is((await get(server.url, '/api/v2/alerts')).body.length, 3);
  await server.close();
});

test('queue :: with the ingest queue full, an ingest is refused with 429 instead of queued without end', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const writing = new Promise<void>((resolve) => (entered = resolve));
  const held = (s: StateStore): StateStore => ({
    ...s,
    writeText: async (key, text, o) =>
      key.startsWith(JOURNAL_PREFIX)
        ? (entered(), gate.then(() => s.writeText(key, text, o)))
        : s.writeText(key, text, o),
  });
  const server = await router({ INGEST_QUEUE_MAX: 1 }, held);
  assert.is((await get(server.url, '/api/v2/alerts')).status, 200, 'loaded');
  const waiting = post(server.url, '/', [alert('q1')]);
  await writing; // q1 is applied and waits for its journal write, which the gate holds
  const refused = await post(server.url, '/', [alert('q2')]);
  assert.is(refused.status, 429);
  assert.is(refused.retryAfter, '10');
  assert.is((await post(server.url, '/api/v2/alerts', [alert('q3')])).status, 429, 'the accepting path too');
  release();
  assert.is((await waiting).status, 200, 'the queued one is kept and answered');
  assert.equal(
    (await get(server.url, '/api/v2/alerts')).body.map((a: any) => a.labels.key),
    ['q1'],
  );
  await server.close();
});

test('paging :: GET /api/v2/alerts filters with matchers and pages by fingerprint with a next link', async () => {
  const server = await router({});
  const keys = Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  await post(
    server.url,
    '/api/v2/alerts',
    keys.map((k, i) => alert(k, { subsystem: i % 5 === 0 ? 'EGM' : 'STS' })),
  );
  const egm = await get(server.url, `/api/v2/alerts?filter=${encodeURIComponent('subsystem="EGM"')}`);
  assert.equal(egm.body.map((a: any) => a.labels.key).sort(), ['p00', 'p05', 'p10', 'p15', 'p20']);
  const seen: string[] = [];
  let path: string | undefined = '/api/v2/alerts?limit=10';
  let pages = 0;
  while (path) {
    const page = await get(server.url, path);
    assert.ok(page.body.length <= 10);
    seen.push(...page.body.map((a: any) => a.fingerprint));
    path = page.link ? /^<([^>]+)>; rel="next"$/.exec(page.link)![1] : undefined;
    pages++;
  }
  assert.is(pages, 3);
  assert.equal(seen, [...seen].sort(), 'in fingerprint order');
  assert.is(new Set(seen).size, 25, 'every alert once');
  const bad = await get(server.url, '/api/v2/alerts?limit=0&filter=%3D%3D');
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.map((d: any) => d.field).sort(), ['filter[0]', 'limit']);
  await server.close();
});

test('deadline :: a read still waiting for the change before it when the deadline passes answers 503, never 200', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const writing = new Promise<void>((resolve) => (entered = resolve));
  const held = (s: StateStore): StateStore => ({
    ...s,
    writeText: async (key, text, o) =>
      key === SNAPSHOT_KEY ? (entered(), gate.then(() => s.writeText(key, text, o))) : s.writeText(key, text, o),
  });
  const server = await router({}, held, 300);
  assert.is((await get(server.url, '/api/v2/alerts')).status, 200);
  // a silence is stored by a snapshot, which the gate holds: the change is still running when the read comes
  const silence = post(server.url, '/api/v2/silences', {
    matchers: [{ name: 'key', value: 'x', isRegex: false }],
    endsAt: '2026-11-24T12:00:00Z',
    createdBy: 'op',
    comment: 'c',
  });
  await writing;
  const read = await get(server.url, '/api/v2/alerts');
  assert.is(read.status, 503);
  assert.is(read.body.error.code, 'DEADLINE_EXCEEDED');
  release();
  await silence;
  await server.close();
});

test.run();
