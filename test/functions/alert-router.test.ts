// alert-router behind the real runtime server: state in a real S3-protocol server (s3rver); receivers are real HTTP
// listeners that fail on demand and a real SMTP server (smtp-server); time is the only thing faked (an injected
// clock), so group_wait, group_interval, retries and time intervals are exercised without sleeping.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock, type Handler } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler, type AlertRouterConfig } from '../../functions/alert-router/handler.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/alert-router');
let s3: TestS3;
let hook: TestListener;
let chat: TestListener;
let pager: TestListener;
let fallback: TestListener;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: string[] = [];
let smtpRefuse = false;
const dir = mkdtempSync(join(tmpdir(), 'router-'));
const clock = fixedClock('2026-11-24T10:00:00Z');
let bucket = 0;
const alert = (labels: Record<string, string>, extra: Record<string, string> = {}) => ({
  labels: { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'STS', ...labels },
  annotations: { summary: `summary ${labels.key ?? ''}` },
  startsAt: '2026-11-24T09:59:00Z',
  ...extra,
});

type Server = Awaited<ReturnType<typeof serveHandler>>;
async function router(
  extra: Partial<AlertRouterConfig> = {},
  routing?: string,
  stateBucket?: string,
): Promise<Server & { handler: Handler }> {
  let ROUTING_CONFIG: string | undefined;
  if (routing) {
    ROUTING_CONFIG = `file:${join(dir, `am-${++bucket}.yml`)}`;
    writeFileSync(ROUTING_CONFIG.slice(5), routing);
  }
  const config = {
    WEBHOOK_RECEIVERS: [{ name: 'ops.team', url: `${hook.url}/hook` }],
    EXTERNAL_URL: 'http://router',
    RESOLVE_TIMEOUT_MS: 300000,
    RETRY_MAX_ATTEMPTS: 3,
    RETRY_BASE_MS: 10000,
    DROP_MUTED_RECEIVERS: [],
    DELIVERY_TIMEOUT_MS: 1000,
    STATE_BUCKET: 'cmp-ops-state',
    ...(ROUTING_CONFIG ? { ROUTING_CONFIG } : {}),
    ...extra,
  };
  // each router gets its own state record prefix: a fresh bucket state per scenario
  const name = stateBucket ?? `state-${bucket++}`;
  const state = createStateStore(s3.store, name);
  await s3.store.ensureBucket(name);
  const handler = createHandler({ config: config as never, state, random: () => 0.5, ackKey: () => 'test-ack-key' });
  return Object.assign(await serveHandler(handler, { clock, isPublic: (p) => p === '/ack' }), { handler });
}
async function tick(server: Server, at: string): Promise<{ status: number; body: any }> {
  clock.set(at);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-topic': 'cron-function' },
  });
  return { status: res.status, body: await res.json() };
}
async function api(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}
const bodies = (l: TestListener) => l.requests.map((r) => JSON.parse(r.body));

test.before(async () => {
  s3 = await startTestS3();
  [hook, chat, pager, fallback] = await Promise.all([
    startListener(),
    startListener(),
    startListener(),
    startListener(),
  ]);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let text = '';
      stream.on('data', (c) => (text += c));
      stream.on('end', () => {
        mails.push(text);
        callback();
      });
    },
    onRcptTo(_address, _session, callback) {
      if (smtpRefuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as { port: number }).port;
});
test.after(async () => {
  await Promise.all([hook.close(), chat.close(), pager.close(), fallback.close()]);
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await s3.close();
});
test.before.each(() => {
  clock.set('2026-11-24T10:00:00Z');
  for (const l of [hook, chat, pager, fallback]) l.requests.length = 0;
  mails.length = 0;
});

test('without a routing file :: each alert episode notified once (v4 payload); the resolution once; a never-fired resolution never', async () => {
  const server = await router();
  const res = await server.call([alert({ key: 'a' })]);
  assert.is(res.status, 200);
  assert.is(res.body.delivered, 1);
  const [payload] = bodies(hook);
  assert.is(payload.version, '4');
  assert.is(payload.receiver, 'default');
  assert.is(payload.alerts[0].endsAt, '0001-01-01T00:00:00Z');
  assert.is(payload.alerts[0].fingerprint, res.body.fingerprints[0]);
  assert.match(
    payload.groupKey,
    /^\{\}:\{alertname="ChecksumMismatch", key="a", severity="critical", subsystem="STS"\}$/,
  );
  await server.call([alert({ key: 'a' })]);
  assert.is(hook.requests.length, 1, 'the same alert again refreshes it, notifies nobody');
  clock.set('2026-11-24T10:01:00Z');
  await server.call([alert({ key: 'a' }, { endsAt: '2026-11-24T10:00:30Z' })]);
  await server.call([alert({ key: 'never-fired' }, { endsAt: '2026-11-24T10:00:30Z' })]);
  assert.is(hook.requests.length, 2);
  assert.is(bodies(hook)[1].status, 'resolved');
  await server.close();
});

test('overlapping requests :: a tick and ten batches at once all land in the stored state (one change at a time)', async () => {
  const server = await router({}, undefined, 'state-overlap');
  const results = await Promise.all([
    tick(server, '2026-11-24T10:00:00Z'),
    ...Array.from({ length: 10 }, (_, i) => server.call([alert({ key: `overlap-${i}` })])),
  ]);
  assert.equal(
    results.map((r) => r.status),
    Array(11).fill(200),
  );
  await server.close();
  // a cold start reads what was stored: nothing lost to a second copy or a half-written record
  const again = await router({}, undefined, 'state-overlap');
  const stored = await api(again, 'GET', '/api/v2/alerts');
  assert.is(stored.body.filter((a: { labels: { key?: string } }) => a.labels.key?.startsWith('overlap-')).length, 10);
  await again.close();
});

const GROUPED = (extra = '') => `
global:
  resolve_timeout: 5m
route:
  receiver: hook
  group_by: [subsystem]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ['alertname="Maintenance"']
      receiver: hook
      mute_time_intervals: [tuesday-morning]
${extra}
time_intervals:
  - name: tuesday-morning
    time_intervals:
      - weekdays: [tuesday]
        times: [{start_time: '06:00', end_time: '08:00'}]
        location: Europe/Paris
inhibit_rules:
  - source_matchers: ['alertname="NodeNotReady"']
    target_matchers: ['alertname="PodCrashLooping"']
    equal: [cluster]
receivers:
  - name: hook
    webhook_configs:
      - url: '${hook.url}/hook'
`;

test('grouping and timing :: group_wait gathers a group; a later alert waits for group_interval; resolved notifies', async () => {
  const server = await router({}, GROUPED());
  const firing = (key: string) => alert({ key }, { endsAt: '2026-11-24T12:00:00Z' });
  await server.call([firing('a')]);
  clock.set('2026-11-24T10:00:10Z');
  await server.call([firing('b')]);
  assert.is(hook.requests.length, 0, 'inside group_wait');
  await tick(server, '2026-11-24T10:00:31Z');
  assert.is(hook.requests.length, 1);
  assert.equal(
    bodies(hook)[0].alerts.map((a: { labels: { key: string } }) => a.labels.key),
    ['a', 'b'],
  );
  assert.is(bodies(hook)[0].groupKey, '{}:{subsystem="STS"}');
  clock.set('2026-11-24T10:01:00Z');
  await server.call([firing('c')]);
  await tick(server, '2026-11-24T10:03:00Z');
  assert.is(hook.requests.length, 1, 'new alert waits for the group_interval');
  await tick(server, '2026-11-24T10:05:31Z');
  assert.is(hook.requests.length, 2);
  assert.is(bodies(hook)[1].alerts.length, 3);
  await tick(server, '2026-11-24T10:10:31Z');
  assert.is(hook.requests.length, 2, 'unchanged: nothing until repeat_interval');
  clock.set('2026-11-24T10:11:00Z');
  await server.call([
    alert({ key: 'a' }, { endsAt: '2026-11-24T10:11:00Z' }),
    alert({ key: 'b' }, { endsAt: '2026-11-24T10:11:00Z' }),
    alert({ key: 'c' }, { endsAt: '2026-11-24T10:11:00Z' }),
  ]);
  await tick(server, '2026-11-24T10:15:31Z');
  assert.is(hook.requests.length, 3);
  assert.is(bodies(hook)[2].status, 'resolved');
  await server.close();
});

test('restart :: alerts answered from the journal survive a cold start and are notified once, after group_wait', async () => {
  const first = await router({}, GROUPED(), 'state-restart');
  for (const key of ['j1', 'j2', 'j3']) assert.is((await first.call([alert({ key })])).status, 200);
  await first.close();
  const second = await router({}, GROUPED(), 'state-restart');
  await tick(second, '2026-11-24T10:00:31Z');
  assert.is(hook.requests.length, 1);
  assert.equal(
    bodies(hook)[0].alerts.map((a: { labels: { key: string } }) => a.labels.key),
    ['j1', 'j2', 'j3'],
  );
  await tick(second, '2026-11-24T10:01:31Z');
  assert.is(hook.requests.length, 1, 'nothing notified twice');
  await second.close();
});

test('accepted :: POST /api/v2/alerts answers before its journal write; settle (the stop) writes it; a cold start has it', async () => {
  // an hour of linger: the second body is still unwritten when the router stops, unless the stop writes it
  const first = await router({ JOURNAL_LINGER_MS: 3_600_000 }, GROUPED(), 'state-accepted');
  const answers = [];
  for (const key of ['v1', 'v2']) answers.push(await api(first, 'POST', '/api/v2/alerts', [alert({ key })]));
  assert.equal(
    answers.map((a) => a.status),
    [200, 200],
  );
  assert.is(answers[1]!.body.accepted, true, 'the second is answered before it is applied (the first loads the state)');
  const seen = (await api(first, 'GET', '/api/v2/alerts')).body as Array<{ labels: { key: string } }>;
  assert.equal(seen.map((a) => a.labels.key).sort(), ['v1', 'v2'], 'a read after the answer sees the alerts');
  await first.close();
  await first.handler.settle!();
  const second = await router({}, GROUPED(), 'state-accepted');
  const stored = (await api(second, 'GET', '/api/v2/alerts')).body as Array<{
    labels: { key: string };
    endsAt: string;
  }>;
  assert.equal(stored.map((a) => a.labels.key).sort(), ['v1', 'v2']);
  assert.equal(
    stored.map((a) => a.endsAt),
    ['2026-11-24T10:05:00.000Z', '2026-11-24T10:05:00.000Z'],
    'replayed with the resolve timeout the ingest used',
  );
  await tick(second, '2026-11-24T10:00:31Z');
  assert.is(hook.requests.length, 1);
  assert.equal(
    bodies(hook)[0].alerts.map((a: { labels: { key: string } }) => a.labels.key),
    ['v1', 'v2'],
  );
  await second.close();
});

test('inhibition :: NodeNotReady mutes PodCrashLooping of the same cluster, not of another', async () => {
  const server = await router({}, GROUPED().replace('group_by: [subsystem]', "group_by: ['...']"));
  await server.call([
    alert({ alertname: 'NodeNotReady', cluster: 'ground' }),
    alert({ alertname: 'PodCrashLooping', cluster: 'ground' }),
    alert({ alertname: 'PodCrashLooping', cluster: 'other' }),
  ]);
  await tick(server, '2026-11-24T10:00:31Z');
  const names = bodies(hook)
    .map((b) => `${b.alerts[0].labels.alertname}/${b.alerts[0].labels.cluster}`)
    .sort();
  assert.equal(names, ['NodeNotReady/ground', 'PodCrashLooping/other']);
  await server.close();
});

test('silences :: created, listed and expired over the API v2 paths; a silenced alert notifies once expired', async () => {
  const server = await router({}, GROUPED());
  const created = await api(server, 'POST', '/api/v2/silences', {
    matchers: [{ name: 'subsystem', value: 'DUTCH', isRegex: false }],
    startsAt: '2026-11-24T09:00:00Z',
    endsAt: '2026-11-24T12:00:00Z',
    createdBy: 'oncall',
    comment: 'DUTCH maintenance',
  });
  assert.is(created.status, 200);
  const id = created.body.silenceID;
  const listed = await api(server, 'GET', '/api/v2/silences');
  assert.is(listed.body[0].status.state, 'active');
  assert.is(listed.body[0].startsAt, '2026-11-24T10:00:00.000Z', 'a past startsAt is clamped to now');
  await server.call([alert({ subsystem: 'DUTCH' })]);
  await tick(server, '2026-11-24T10:00:31Z');
  assert.is(hook.requests.length, 0);
  const bad = await api(server, 'POST', '/api/v2/silences', {
    matchers: [{ name: 'x', value: '.*', isRegex: true }],
    endsAt: '2026-11-24T12:00:00Z',
    createdBy: 'a',
    comment: 'c',
  });
  assert.is(bad.status, 400);
  assert.match(JSON.stringify(bad.body.error.details), /must not match the empty string/);
  assert.is((await api(server, 'DELETE', `/api/v2/silence/${id}`)).status, 200);
  clock.set('2026-11-24T10:04:00Z');
  await server.call([alert({ subsystem: 'DUTCH' })]); // clients re-send firing alerts (resolve_timeout 5m)
  await tick(server, '2026-11-24T10:05:31Z');
  assert.is(hook.requests.length, 1);
  await server.close();
});

test('silences :: the CLI adds, lists and expires them through the same API', async () => {
  const server = await router({}, GROUPED());
  const env = { CMP_OPS_INVOKE_TOKEN: TEST_TOKEN };
  const added = await runCliCaptured(
    [
      'silence',
      'add',
      'subsystem=EGM',
      'alertname=~"Backup.*"',
      '--comment',
      'EGM backup window',
      '--author',
      'oncall',
      '--duration',
      '2h',
      '--start',
      '2026-11-24T10:00:00Z',
      '--router',
      server.url,
    ],
    { env },
  );
  assert.is(added.code, 0, added.err);
  const id = JSON.parse(added.out).silenceID;
  const listed = await runCliCaptured(['silence', 'list', '--router', server.url], { env });
  const silence = JSON.parse(listed.out.trim().split('\n')[0]!);
  assert.equal(
    [silence.id, silence.status.state, silence.matchers[1]],
    [id, 'active', { name: 'alertname', value: 'Backup.*', isRegex: true, isEqual: true }],
  );
  assert.is((await runCliCaptured(['silence', 'expire', id, '--router', server.url], { env })).code, 0);
  const after = JSON.parse((await runCliCaptured(['silence', 'list', '--router', server.url], { env })).out.trim());
  assert.is(after.status.state, 'expired');
  assert.is(
    (await runCliCaptured(['silence', 'add', 'subsystem=EGM', '--router', server.url], { env })).code,
    2,
    'no comment: usage error',
  );
  await server.close();
});

test('time intervals :: muted notifications are delayed until the interval ends, not dropped (DROP_MUTED_RECEIVERS drops)', async () => {
  // Tuesday 2026-11-24 07:00 Paris = 06:00 UTC, inside the 06:00–08:00 Paris window
  clock.set('2026-11-24T06:00:00Z');
  const server = await router({}, GROUPED());
  await server.call([
    alert({ alertname: 'Maintenance', key: 'm' }, { startsAt: '2026-11-24T05:59:00Z', endsAt: '2026-11-24T09:00:00Z' }),
  ]);
  const deferred = await tick(server, '2026-11-24T06:00:31Z');
  assert.is(deferred.body.deferred, 1);
  assert.is(hook.requests.length, 0);
  await tick(server, '2026-11-24T06:59:00Z');
  assert.is(hook.requests.length, 0, 'still inside the window');
  await tick(server, '2026-11-24T07:00:00Z');
  assert.is(hook.requests.length, 1, 'delivered when the window ends (08:00 Paris)');
  await server.close();
  clock.set('2026-11-24T06:00:00Z');
  hook.requests.length = 0;
  const dropping = await router({ DROP_MUTED_RECEIVERS: ['hook'] }, GROUPED());
  await dropping.call([
    alert({ alertname: 'Maintenance', key: 'n' }, { startsAt: '2026-11-24T05:59:00Z', endsAt: '2026-11-24T06:30:00Z' }),
  ]);
  await tick(dropping, '2026-11-24T06:00:31Z');
  await tick(dropping, '2026-11-24T07:05:00Z');
  assert.is(hook.requests.length, 0, 'Alertmanager behaviour when asked: the muted episode is never sent');
  await dropping.close();
});

test('delivery :: retryable failures back off and deliver exactly once; a permanent one is a dead letter with a fallback alert', async () => {
  const server = await router(
    { FALLBACK_RECEIVER: 'fallback' },
    GROUPED(`    - matchers: ['subsystem="CGCU"']
      receiver: broken
      group_wait: 0s`).replace(
      'receivers:\n',
      `receivers:\n  - name: broken\n    webhook_configs:\n      - url: '${chat.url}/broken'\n  - name: fallback\n    webhook_configs:\n      - url: '${fallback.url}/fallback'\n`,
    ),
  );
  hook.failNext(2, 503);
  await server.call([alert({ key: 'r' })]);
  const first = await tick(server, '2026-11-24T10:00:31Z');
  assert.is(first.body.retrying, 1);
  const early = await tick(server, '2026-11-24T10:00:35Z');
  assert.is(early.body.delivered, 0, 'not before the backoff (10 s × jitter)');
  await tick(server, '2026-11-24T10:00:42Z');
  await tick(server, '2026-11-24T10:01:05Z');
  assert.is(hook.requests.length, 1, 'delivered once after two 503s');
  chat.failNext(1, 400);
  await server.call([alert({ subsystem: 'CGCU', key: 'p' })]);
  assert.is(chat.requests.length, 0);
  await tick(server, '2026-11-24T10:01:10Z');
  const [failed] = bodies(fallback);
  assert.is(failed.alerts[0].labels.alertname, 'NotificationFailed');
  assert.is(failed.alerts[0].labels.receiver, 'broken');
  assert.match(failed.alerts[0].annotations.summary, /failed after 1 attempts/);
  await server.close();
});

test('delivery :: a 429 with Retry-After waits that long, not the shorter backoff', async () => {
  const server = await router({}, GROUPED());
  hook.failNext(1, 429, { 'retry-after': '120' });
  await server.call([alert({ key: 'slow-down' })]);
  assert.is((await tick(server, '2026-11-24T10:00:31Z')).body.retrying, 1);
  await tick(server, '2026-11-24T10:01:31Z');
  assert.is(hook.requests.length, 0, 'the 10 s backoff has passed, the receiver asked for 120 s');
  await tick(server, '2026-11-24T10:02:32Z');
  assert.is(hook.requests.length, 1);
  await server.close();
});

test('receivers :: Slack/Mattermost chat, PagerDuty Events v2 and email over SMTP each get their shape', async () => {
  const routing = `
route:
  receiver: all
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: all
    slack_configs:
      - api_url: '${chat.url}/hooks/abc'
        channel: ground-ops
    pagerduty_configs:
      - routing_key: 0123456789abcdef0123456789abcdef
        url: '${pager.url}/v2/enqueue'
    email_configs:
      - to: oncall@ops.local
        from: cmp-ops@ops.local
        smarthost: 127.0.0.1:${smtpPort}
        require_tls: false
`;
  const server = await router({}, routing);
  const res = await server.call([alert({ key: 'x' })]);
  assert.is(res.body.delivered, 3, JSON.stringify(res.body));
  const slack = bodies(chat)[0];
  assert.is(slack.channel, 'ground-ops');
  assert.match(slack.text, /\*\[FIRING:1\] ChecksumMismatch\*/);
  const pd = bodies(pager)[0];
  assert.equal(
    [pd.event_action, pd.routing_key.length, pd.dedup_key.length, pd.payload.severity],
    ['trigger', 32, 64, 'critical'],
  );
  assert.match(mails[0]!, /Subject: \[FIRING:1\] ChecksumMismatch/);
  await server.close();
});

test('receivers :: an SMTP server that refuses (550) is a permanent failure, reported, nothing sent twice', async () => {
  smtpRefuse = true;
  const server = await router(
    {},
    `
route:
  receiver: mail
  group_wait: 0s
receivers:
  - name: mail
    email_configs:
      - to: nobody@ops.local
        from: cmp-ops@ops.local
        smarthost: 127.0.0.1:${smtpPort}
        require_tls: false
`,
  );
  const res = await server.call([alert({ key: 'm' })]);
  smtpRefuse = false;
  assert.is(res.body.deadLetters, 1);
  await tick(server, '2026-11-24T10:30:00Z');
  assert.is(mails.length, 0);
  await server.close();
});

test('receivers :: a receiver that hangs is cut at the delivery deadline and retried later', async () => {
  const server = await router();
  hook.failNext(1, 0);
  const res = await server.call([alert({ key: 'hang' })]);
  assert.is(res.body.retrying, 1);
  await tick(server, '2026-11-24T10:01:00Z');
  assert.is(hook.requests.length, 1);
  await server.close();
});

test('escalation :: primary at once, secondary after 10 min, the lead after 20 — stopped by the signed ack link', async () => {
  const server = await router(
    { EXTERNAL_URL: 'http://router' },
    readFixture('alerts', 'oncall.yml').replaceAll('http://HOOK', hook.url),
  );
  const paths = () => hook.requests.map((r) => r.path);
  await server.call([alert({ key: 'esc' }, { endsAt: '2026-11-24T12:00:00Z' })]);
  assert.equal(paths(), ['/pager', '/bob'], 'the pager receiver and the on-call primary (bob this week)');
  const ackURL: string = JSON.parse(hook.requests[0]!.body).ackURL;
  assert.match(ackURL, /^http:\/\/router\/ack\?g=.+&x=\d+&s=.+$/);
  await tick(server, '2026-11-24T10:05:00Z');
  assert.equal(paths(), ['/pager', '/bob']);
  await tick(server, '2026-11-24T10:10:00Z');
  assert.equal(paths(), ['/pager', '/bob', '/carol'], 'secondary after the 10 min wait');
  const forged = await fetch(`${server.url}/ack?${new URL(ackURL).search.slice(1).replace(/s=[^&]+/, 's=AAAA')}`);
  assert.is(forged.status, 401);
  clock.set('2026-11-24T10:12:00Z');
  const acked = await fetch(`${server.url}/ack${new URL(ackURL).search}&by=carol`);
  assert.is(acked.status, 200, 'the link needs no bearer token: its signature is the credential');
  assert.is(((await acked.json()) as { by: string }).by, 'carol');
  await tick(server, '2026-11-24T10:20:00Z');
  await tick(server, '2026-11-24T10:50:00Z');
  assert.equal(paths(), ['/pager', '/bob', '/carol'], 'nobody else woken after the ack');
  await server.close();
});

test('escalation :: without an ack it reaches the lead, repeats once, and stops when the alert resolves', async () => {
  const server = await router({}, readFixture('alerts', 'oncall.yml').replaceAll('http://HOOK', hook.url));
  const paths = () => hook.requests.map((r) => r.path);
  await server.call([alert({ key: 'esc2' }, { endsAt: '2026-11-24T12:00:00Z' })]);
  await tick(server, '2026-11-24T10:10:00Z');
  await tick(server, '2026-11-24T10:20:00Z');
  assert.equal(paths(), ['/pager', '/bob', '/carol', '/lead']);
  await tick(server, '2026-11-24T10:50:00Z');
  assert.equal(paths().slice(4), ['/bob'], 'second round starts with the primary again');
  clock.set('2026-11-24T10:55:00Z');
  await server.call([alert({ key: 'esc2' }, { endsAt: '2026-11-24T10:55:00Z' })]);
  await tick(server, '2026-11-24T11:00:00Z');
  await tick(server, '2026-11-24T11:30:00Z');
  assert.equal(paths().slice(5), ['/pager'], 'only the resolved notification: the escalation ended');
  assert.is(JSON.parse(hook.requests.at(-1)!.body).status, 'resolved');
  await server.close();
});

test('bad routing :: a routing file with an unknown key refuses to start, with the line', async () => {
  try {
    await router({}, 'route:\n  receiver: a\n  recevier: b\nreceivers:\n  - name: a\n');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /line 3: field recevier not found/);
  }
});

const bad: Array<[string, unknown, string, number | undefined]> = [
  ['label-less alert', [{ labels: {} }], '/0/labels', 0],
  ['no alertname', [alert({}), { labels: { severity: 'critical' } }], '/1/labels/alertname', 1],
  [
    'startsAt after endsAt',
    [alert({}, { startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T09:00:00Z' })],
    '/0/endsAt',
    0,
  ],
  ['bad label name', [{ labels: { alertname: 'x', 'bad-name': 'y' } }], '/0/labels', 0],
  [
    '10 000 labels',
    [{ labels: Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`l${i}`, 'v'])) }],
    '/0/labels',
    0,
  ],
  ['not an array', { hello: 1 }, '/', undefined],
];
for (const [name, body, field, index] of bad) {
  test(`bad input :: ${name} → 400 naming ${field}`, async () => {
    const server = await router();
    const res = await server.call(body);
    assert.is(res.status, 400);
    assert.is(res.body.error.code, 'BAD_REQUEST');
    assert.ok(
      res.body.error.details.some(
        (d: { field: string; index?: number }) => d.field.startsWith(field) && d.index === index,
      ),
      JSON.stringify(res.body.error.details).slice(0, 300),
    );
    await server.close();
  });
}

test('bad input :: a 1 MiB annotation is refused by the body limit with 413', async () => {
  const server = await router();
  const res = await server.call(
    [alert({}, {})].map((a) => ({ ...a, annotations: { description: 'x'.repeat(1024 * 1024) } })),
  );
  assert.is(res.status, 413);
  await server.close();
});

test.run();
