// GET /api/v2/alerts/groups through alert-router's function over HTTP (s3rver state): the groups its routing made,
// in Alertmanager's alertGroup shape with the group key POST /api/v1/ack takes, the query's filter and receiver,
// the bearer check, and a bad query answered 400 naming the parameter.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/alert-router/handler.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/alert-router :: groups');
const dir = mkdtempSync(join(tmpdir(), 'router-groups-'));
const clock = fixedClock('2026-11-24T10:00:00Z');
let s3: TestS3;
let hook: TestListener;
let server: Awaited<ReturnType<typeof serveHandler>>;

const get = async (path: string, token = TEST_TOKEN) => {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
};

test.before(async () => {
  s3 = await startTestS3();
  hook = await startListener();
  const routing = join(dir, 'am.yml');
  writeFileSync(
    routing,
    `route:
  receiver: desk
  group_by: [subsystem]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      group_by: [alertname]
receivers:
  - name: desk
    webhook_configs: [{ url: '${hook.url}/desk' }]
  - name: pager
    webhook_configs: [{ url: '${hook.url}/pager' }]
`,
  );
  await s3.store.ensureBucket('router-groups');
  const handler = createHandler({
    config: {
      WEBHOOK_RECEIVERS: [],
      EXTERNAL_URL: 'http://router',
      RESOLVE_TIMEOUT_MS: 300000,
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_MS: 10000,
      DROP_MUTED_RECEIVERS: [],
      DELIVERY_TIMEOUT_MS: 1000,
      STATE_BUCKET: 'router-groups',
      ROUTING_CONFIG: `file:${routing}`,
    } as never,
    state: createStateStore(s3.store, 'router-groups'),
    random: () => 0.5,
    ackKey: () => undefined,
  });
  server = await serveHandler(handler, { clock });
  const alert = (labels: Record<string, string>) => ({
    labels: { severity: 'warning', subsystem: 'STS', ...labels },
    annotations: { summary: labels.alertname },
    startsAt: '2026-11-24T09:59:00Z',
  });
  const res = await fetch(`${server.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify([
      alert({ alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'DUTCH' }),
      alert({ alertname: 'BackupFailed', subsystem: 'CCS' }),
      alert({ alertname: 'FtpBruteForce' }),
      alert({ alertname: 'PodCrashLooping' }),
    ]),
  });
  assert.is(res.status, 200);
  await res.arrayBuffer();
});
test.after(async () => {
  await server.close();
  await hook.close();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

test("lists the routing's groups as Alertmanager's alertGroup, with the group key", async () => {
  const r = await get('/api/v2/alerts/groups');
  assert.is(r.status, 200);
  assert.match(r.type ?? '', /application\/json/);
  assert.equal(
    r.body.map(
      (g: any) => `${g.receiver.name} ${g.groupKey} ${g.alerts.map((a: any) => a.labels.alertname).join(',')}`,
    ),
    [
      'pager {}/{severity="critical"}:{alertname="ChecksumMismatch"} ChecksumMismatch',
      'desk {}:{subsystem="CCS"} BackupFailed',
      'desk {}:{subsystem="STS"} FtpBruteForce,PodCrashLooping',
    ],
  );
  const a = r.body[0].alerts[0];
  assert.equal(a.status, { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] });
  assert.equal(a.receivers, [{ name: 'pager' }]);
  assert.match(a.fingerprint, /^[0-9a-f]{16}$/);
});

test('filter and receiver narrow the groups; a bad query is 400 naming the parameter; no token is 401', async () => {
  const r = await get(`/api/v2/alerts/groups?receiver=desk&filter=${encodeURIComponent('alertname=~"Ftp.*"')}`);
  assert.equal(
    r.body.map((g: any) => g.alerts.map((a: any) => a.labels.alertname)),
    [['FtpBruteForce']],
  );
  const bad = await get('/api/v2/alerts/groups?inhibited=maybe');
  assert.is(bad.status, 400);
  assert.is(bad.body.error.code, 'BAD_REQUEST');
  assert.is(bad.body.error.details[0].field, 'inhibited');
  assert.is((await get('/api/v2/alerts/groups', 'wrong')).status, 401);
});

test.run();
