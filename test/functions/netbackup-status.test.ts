// netbackup-status's edge behind the real runtime server: state in a real S3-protocol server (s3rver), the
// NetBackup REST API played by a real local HTTP server answering recorded-shape pages (Veritas' own examples).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { minioWebhookBody } from '#lib/events/index.ts';
import { createSecretReader, fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler, type NetBackupStatusConfig } from '../../functions/netbackup-status/handler.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { yamlExample } from '../helpers/yaml-example.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/netbackup-status');
let s3: TestS3;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void (alerts.length && sent.push(alerts)) };
const clock = fixedClock('2026-11-24T18:00:00Z');
const T0 = Date.parse('2026-11-24T16:00:00Z') / 1000;
let master = 0;

function handler(overrides: Partial<NetBackupStatusConfig> = {}) {
  master++;
  const config = {
    NETBACKUP_MASTER: `nb${master}`,
    NETBACKUP_API_VERSIONS: ['14.0', '4.0'],
    NETBACKUP_PAGE_LIMIT: 2,
    NETBACKUP_MAX_PAGES: 50,
    NETBACKUP_RULES: { subsystems: [{ pattern: 'cgcu-*', subsystem: 'CGCU' }] },
    REPORTS_PREFIX: 'netbackup/',
    ...overrides,
  } as never;
  return createHandler({
    config,
    store: s3.store,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: sink,
    secrets: createSecretReader('/nonexistent', { NB_KEY: 'NB_KEY' }, { 'cmp-ops-netbackup-api-key': 'NB_KEY' }),
  });
}
const postText = async (url: string, text: string, query = '') => {
  const res = await fetch(`${url}${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as any };
};
const report = [
  allColumnsLine({ jobid: 1, client: 'cgcu-db01', policy: 'CGCU_Oracle', status: 58, started: T0, ended: T0 + 60 }),
  allColumnsLine({ jobid: 2, client: 'sts-app01', status: 0, started: T0, ended: T0 + 600 }),
  'broken,line',
  '',
].join('\n');

test.before(async () => {
  s3 = await startTestS3();
});
test.after(async () => {
  await s3.close();
});
test.before.each(() => {
  sent.length = 0;
});

test('report body :: jobs parsed, a reject named by line, one BackupFailed with its subsystem; the replay raises nothing', async () => {
  const server = await serveHandler(handler(), { clock });
  const first = await postText(server.url, report);
  assert.is(first.status, 200);
  assert.is(first.body.jobs, 2);
  assert.equal(
    first.body.rejects.map((r: { line: number }) => r.line),
    [3],
  );
  assert.is(first.body.alertsSent, 1);
  assert.equal(
    sent[0]!.map((a) => [a.labels.alertname, a.labels.subsystem, a.labels.client]),
    [['BackupFailed', 'CGCU', 'cgcu-db01']],
  );
  const again = await postText(server.url, report);
  assert.ok(again.body.replay);
  assert.is(sent.length, 1);
  await server.close();
});

test('bad input :: an unknown format is 400 UNKNOWN_FORMAT naming the line; a bad ?format is 400 naming the field', async () => {
  const server = await serveHandler(handler(), { clock });
  const unknown = await postText(
    server.url,
    readFixture('netbackup', 'adsm.org-Veritas-bu-2002-03-msg00714__bpdbjobs-report-email-quoted-excerpt.txt'),
  );
  assert.is(unknown.status, 400);
  assert.is(unknown.body.error.code, 'UNKNOWN_FORMAT');
  assert.is(unknown.body.error.details[0].line, 1);
  const badFormat = await postText(server.url, report, '?format=csv');
  assert.is(badFormat.body.error.field ?? badFormat.body.error.details[0].field, 'format');
  const empty = await postText(server.url, '');
  assert.is(empty.status, 200);
  assert.is(empty.body.jobs, 0);
  await server.close();
});

test('report object :: a bpdbjobs report uploaded to reports/netbackup/ is read from the store; the redelivered event raises nothing', async () => {
  const server = await serveHandler(handler(), { clock });
  await s3.store.put('reports', 'netbackup/nbmaster01/2026-11-24.txt', report);
  const info = (await s3.store.stat('reports', 'netbackup/nbmaster01/2026-11-24.txt'))!;
  const event = minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info, eventTime: new Date(), accessKey: 'k' });
  const first = await server.call(event);
  assert.is(first.body.results[0].jobs, 2);
  assert.is(first.body.results[0].alertsSent, 1);
  const second = await server.call(event);
  assert.ok(second.body.results[0].replay);
  assert.is(sent.length, 1);
  await server.close();
});

// The REST stand-in: pages built from Veritas' API 14.0 example job, served with cursor paging.
function exampleJob(id: number, client: string, status: number, state = 'DONE') {
  const first = (
    yamlExample(
      'netbackup',
      'fjacquet-nbu_exporter__docs-veritas-11.2-admin.yaml__get-admin-jobs-200-example.yaml',
    ) as { data: Array<{ attributes: Record<string, unknown> }> }
  ).data;
  const item = structuredClone(first[0]!) as { id: string; attributes: Record<string, unknown> };
  Object.assign(item.attributes, {
    jobId: id,
    parentJobId: 0,
    childCount: 0,
    jobType: 'BACKUP',
    policyName: 'CGCU_FS',
    scheduleName: 'Daily',
    clientName: client,
    status,
    state,
    startTime: '2026-11-24T16:00:00.000Z',
    endTime: '2026-11-24T16:10:00.000Z',
    lastUpdateTime: `2026-11-24T16:10:0${id % 10}.000Z`,
  });
  item.id = String(id);
  return item;
}

interface StandIn {
  url: string;
  requests: Array<{ url: string; accept: string; authorization: string }>;
  close(): Promise<void>;
}
async function restStandIn(
  respond: (url: URL, accept: string) => { status: number; body?: unknown },
): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push({
      url: req.url!,
      accept: String(req.headers.accept),
      authorization: String(req.headers.authorization),
    });
    const { status, body } = respond(url, String(req.headers.accept));
    res
      .writeHead(status, { 'content-type': 'application/vnd.netbackup+json;version=14.0' })
      .end(body === undefined ? '' : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/netbackup`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

test('REST pull :: cursor paging over three pages (one without links.next), API key sent as-is, watermark saved', async () => {
  const pages = [
    [exampleJob(11, 'cgcu-a', 0), exampleJob(12, 'cgcu-b', 13)],
    [exampleJob(13, 'cgcu-c', 0), exampleJob(14, 'cgcu-d', 0)],
    [exampleJob(15, 'cgcu-e', 96)],
  ];
  const api = await restStandIn((url) => {
    const after = url.searchParams.get('page[after]');
    const index = after === null ? 0 : Number(after);
    const next = index + 1 < pages.length ? String(index + 1) : undefined;
    // page 2 omits links.next: the cursor in meta still leads to page 3
    const links =
      next && index !== 1 ? { next: { href: `/admin/jobs?page%5Blimit%5D=2&page%5Bafter%5D=${next}` } } : {};
    return {
      status: 200,
      body: { data: pages[index], links, meta: { pagination: { limit: 2, ...(next ? { next } : {}) } } },
    };
  });
  const server = await serveHandler(handler({ NETBACKUP_API_URL: api.url }), { clock });
  const res = await server.call({ pull: true });
  assert.is(res.status, 200);
  assert.is(res.body.pages, 3);
  assert.is(res.body.jobs, 5);
  assert.equal(sent[0]!.map((a) => a.labels.client).sort(), ['cgcu-b', 'cgcu-e']);
  assert.is(api.requests[0]!.authorization, 'NB_KEY');
  assert.is(api.requests[0]!.accept, 'application/vnd.netbackup+json;version=14.0');
  assert.match(api.requests[0]!.url, /page%5Blimit%5D=2/);
  const before = api.requests.length;
  const tick = await fetch(server.url, { method: 'POST', headers: { 'x-topic': 'cron-function' } });
  assert.is(tick.status, 200);
  // the timer's pull starts from the saved watermark (the newest lastUpdateTime seen)
  assert.is(
    new URL(api.requests[before]!.url, 'http://x').searchParams.get('filter'),
    'lastUpdateTime ge 2026-11-24T16:10:05.000Z',
  );
  await api.close();
  await server.close();
});

test('REST pull :: API 4.0 offset paging and a 406 on version 14.0 negotiates down to 4.0', async () => {
  const pages = [[exampleJob(21, 'cgcu-x', 0)], [exampleJob(22, 'cgcu-y', 0)]];
  const api = await restStandIn((url, accept) => {
    if (accept.endsWith('14.0')) return { status: 406, body: { errorCode: 406 } };
    const page = Number(url.searchParams.get('page[offset]') ?? 0) / 2;
    return {
      status: 200,
      body: { data: pages[page], meta: { pagination: { page, pages: 2, offset: page * 2, limit: 2 } } },
    };
  });
  const server = await serveHandler(handler({ NETBACKUP_API_URL: api.url }), { clock });
  const res = await server.call({ pull: true });
  assert.is(res.body.jobs, 2);
  assert.ok(api.requests.some((r) => r.url.includes('page%5Boffset%5D=2')));
  await api.close();
  await server.close();
});

const failures: Array<[string, number, number, string]> = [
  ['401 wrong key', 401, 502, 'NETBACKUP_AUTH'],
  ['429 busy', 429, 503, 'NETBACKUP_UNAVAILABLE'],
  ['503 down', 503, 503, 'NETBACKUP_UNAVAILABLE'],
];
for (const [name, apiStatus, status, code] of failures) {
  test(`REST pull :: ${name} → ${status} ${code}`, async () => {
    const api = await restStandIn(() => ({ status: apiStatus, body: { errorMessage: 'x' } }));
    const server = await serveHandler(handler({ NETBACKUP_API_URL: api.url }), { clock });
    const res = await server.call({ pull: true });
    assert.is(res.status, status);
    assert.is(res.body.error.code, code);
    if (apiStatus === 401)
      assert.equal(
        sent[0]!.map((a) => a.labels.alertname),
        ['NetBackupApiAuth'],
      );
    await api.close();
    await server.close();
  });
}

test.run();
