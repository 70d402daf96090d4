// Two alert-router handlers running as a pair (HA_MODE decided on: `pair: true`) on one Ceph RGW bucket, in this
// process, served by the real runtime server, with a real HTTP receiver and the on-call fixture. Time is injected
// (one fixed clock both replicas read, so both decide at the same instants): the escalation is sent by the lease
// holder only and an acknowledgement given to the other replica stops it; when the holder stops (no more ticks), the
// other takes the lease over once it expired; a silence set on one replica mutes the other too.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock, type Handler } from '#lib/runtime/index.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/alert-router/handler.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { rgwAvailable, rgwStore } from '../helpers/rgw.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

type Server = Awaited<ReturnType<typeof serveHandler>> & { handler: Handler };

if (rgwAvailable('test/alerting/ha-router.test.ts')) {
  const test = suite('alert-router pair on RGW');
  const clock = fixedClock('2026-11-24T10:00:00Z');
  let hook: TestListener;
  let dir: string;
  let state: StateStore;
  let a: Server;
  let b: Server;

  const replica = async (id: string): Promise<Server> => {
    const config = {
      ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
      WEBHOOK_RECEIVERS: [],
      EXTERNAL_URL: 'http://router',
      RESOLVE_TIMEOUT_MS: 300000,
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_MS: 10000,
      DROP_MUTED_RECEIVERS: [],
      DELIVERY_TIMEOUT_MS: 1000,
      STATE_BUCKET: state.bucket,
      HA_MODE: 'on',
      HA_REPLICA_ID: id,
      HA_CLAIM_TTL_MS: 60000,
      HA_LEASE_TTL_MS: 180000,
      HA_TICK_MS: 3_600_000, // the test ticks by hand, at the instants it chooses
      HA_STORE_TIMEOUT_MS: 5000,
    };
    const handler = createHandler({ config: config as never, state, random: () => 0.5, clock, pair: true });
    return Object.assign(await serveHandler(handler, { clock }), { handler });
  };
  const post = async (server: Server, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const tick = (server: Server) => post(server, '/', undefined, { 'x-topic': 'cron-function' });
  const sent = (path: string) => hook.requests.filter((r) => r.path === path).length;
  const escalationPaths = ['/alice', '/bob', '/carol', '/lead'];
  const escalationSends = () => hook.requests.filter((r) => escalationPaths.includes(r.path)).map((r) => r.path);
  const alert = (subsystem: string) => [
    {
      labels: { alertname: 'BackupFailed', severity: 'critical', subsystem },
      annotations: { summary: `backup of ${subsystem} failed` },
      startsAt: '2026-11-24T09:59:00Z',
      endsAt: '2026-11-25T00:00:00Z',
    },
  ];
  const toBoth = async (body: unknown) => {
    // in turn, A first: the replica that decides first holds the lease
    assert.is((await post(a, '/', body)).status, 200);
    assert.is((await post(b, '/', body)).status, 200);
  };

  test.before(async () => {
    const { store } = await rgwStore();
    const bucket = `ha-router-${randomBytes(3).toString('hex')}`;
    await store.ensureBucket(bucket);
    state = createStateStore(store, bucket);
    hook = await startListener();
    dir = mkdtempSync(join(tmpdir(), 'ha-router-'));
    writeFileSync(join(dir, 'am.yml'), readFixture('alerts', 'oncall.yml').replaceAll('http://HOOK', hook.url));
    [a, b] = await Promise.all([replica('pod-a'), replica('pod-b')]);
  });
  test.after(async () => {
    for (const s of [a, b]) {
      await s?.handler.settle?.();
      await s?.close();
    }
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one page and one escalation step per instant; the ack given to the other replica stops the holder', async () => {
    clock.set('2026-11-24T10:00:00Z');
    await toBoth(alert('CGCU'));
    assert.is(sent('/pager'), 1, 'the page once, though both replicas decided it');
    assert.is(escalationSends().length, 1, 'the on-call primary once: only the lease holder sends the step');
    const groupKey = JSON.parse(hook.requests.find((r) => r.path === '/pager')!.body).groupKey as string;
    // both follow the escalation
    for (const s of [a, b]) {
      const escalations = (await (
        await fetch(`${s.url}/api/v1/escalations`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
      ).json()) as Array<{ groupKey: string; step: number }>;
      assert.is(escalations.find((e) => e.groupKey === groupKey)?.step, 2);
    }

    clock.set('2026-11-24T10:10:00Z');
    await tick(a);
    await tick(b);
    assert.is(escalationSends().length, 2, 'the secondary once');

    clock.set('2026-11-24T10:12:00Z');
    const ack = await post(b, '/api/v1/ack', { groupKey, by: 'bob' });
    assert.is(ack.status, 200, JSON.stringify(ack.body));

    clock.set('2026-11-24T10:20:00Z');
    await tick(a);
    await tick(b);
    assert.is(sent('/lead'), 0, 'the holder read the acknowledgement given to its peer: the lead is not woken');
    assert.is(escalationSends().length, 2);
  });

  test("a dead holder's lease expires and the other replica sends the next step", async () => {
    clock.set('2026-11-24T11:00:00Z');
    const before = escalationSends().length;
    await toBoth(alert('FDS'));
    assert.is(escalationSends().length, before + 1, 'the primary once');
    // pod-a stops here (no more ticks: as if killed). Its lease ran until 11:03.
    clock.set('2026-11-24T11:10:00Z');
    await tick(b);
    assert.is(escalationSends().length, before + 2, 'the secondary, sent by pod-b once it took the lease over');
    const lease = await state.read<{ holder: string }>('alert-router/ha/escalation-lease.json');
    assert.is(lease?.value.holder, 'pod-b');
  });

  test('a silence set on one replica mutes the other', async () => {
    clock.set('2026-11-24T12:00:00Z');
    const silence = await post(a, '/api/v2/silences', {
      matchers: [{ name: 'subsystem', value: 'SIL', isRegex: false }],
      createdBy: 'ops',
      comment: 'maintenance',
      endsAt: '2026-11-24T14:00:00Z',
    });
    assert.is(silence.status, 200, JSON.stringify(silence.body));
    const pages = sent('/pager');
    clock.set('2026-11-24T12:01:00Z');
    await toBoth(alert('SIL'));
    await tick(a);
    await tick(b);
    assert.is(sent('/pager'), pages, 'silenced on both replicas');
    const listed = (await (
      await fetch(`${b.url}/api/v2/silences`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    ).json()) as Array<{ id: string }>;
    assert.equal(
      listed.map((s) => s.id),
      [silence.body.silenceID],
    );
  });

  test("each replica's snapshot lives under its own name", async () => {
    await a.handler.settle?.();
    await b.handler.settle?.();
    assert.ok(await state.read('alert-router/replicas/pod-a/state.json'));
    assert.ok(await state.read('alert-router/replicas/pod-b/state.json'));
    assert.is(await state.read('alert-router/state.json'), null);
  });

  test.run();
}
