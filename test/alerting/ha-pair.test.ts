// The pieces a pair of alert-router replicas coordinates with, against a real Ceph RGW (conditional writes enforced;
// s3rver ignores them, so it cannot show a lost race): the create-only notification log, the escalation lease, the
// shared silences and acknowledgements, and the replica's own key prefix. Time is injected: every `now` is a number.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHaPair, replicaIdProblem, replicaStateStore } from '#lib/alerting/router/ha-pair.ts';
import { createNotificationLog, notificationKey } from '#lib/alerting/router/notification-log.ts';
import { createLease } from '#lib/alerting/router/replica-lease.ts';
import { emptyState } from '#lib/alerting/router/state.ts';
import { createStateStore, probeConditionalWrites, type StateStore } from '#lib/storage/index.ts';
import { haModeAtStart } from '../../functions/alert-router/handler.ts';
import { captureLogger } from '../helpers/log-capture.ts';
import { rgwAvailable, rgwStore } from '../helpers/rgw.ts';
import { startTestS3 } from '../helpers/s3.ts';

const key = {
  groupKey: '{}:{alertname="Disk"}',
  receiver: 'ops',
  integration: 'webhook/0',
  firing: [{ fingerprint: 'a1', startsAt: 1000 }],
  resolved: [],
  decidedAt: 3_600_000,
  repeatIntervalMs: 4 * 3_600_000,
};

const pure = suite('notification-log key');
pure('is the same for both replicas, whatever the order of the alerts and the moment inside the window', () => {
  const two = { ...key, firing: [key.firing[0]!, { fingerprint: 'b2', startsAt: 5 }] };
  const swapped = { ...two, firing: [...two.firing].reverse(), decidedAt: key.decidedAt + 1234 };
  assert.is(notificationKey(two), notificationKey(swapped));
});
pure('changes with the alert set, its episode, the receiver, the integration and the repeat window', () => {
  const base = notificationKey(key);
  assert.is.not(notificationKey({ ...key, firing: [], resolved: key.firing }), base);
  assert.is.not(notificationKey({ ...key, firing: [{ fingerprint: 'a1', startsAt: 2000 }] }), base);
  assert.is.not(notificationKey({ ...key, receiver: 'other' }), base);
  assert.is.not(notificationKey({ ...key, integration: 'webhook/1' }), base);
  assert.is.not(notificationKey({ ...key, decidedAt: key.decidedAt + key.repeatIntervalMs }), base);
  assert.match(base, /^alert-router\/ha\/nflog\/[0-9a-f]{64}\.json$/);
});
pure('replica ids must name a key prefix', () => {
  assert.is(replicaIdProblem('alert-router-7f9c-x2'), undefined);
  assert.ok(replicaIdProblem('../other'));
  assert.ok(replicaIdProblem(''));
});
pure.run();

const s3rverSuite = suite('pair on s3rver');
s3rverSuite('the probe tells that s3rver ignores preconditions: on refuses, auto warns and runs alone', async () => {
  const s3 = await startTestS3(['cmp-ops-state']);
  try {
    const support = await probeConditionalWrites(s3.store, 'cmp-ops-state', 'alert-router/ha/probe-x');
    assert.equal(support, { ifNoneMatch: false, ifMatch: false });
    const config = { HA_REPLICA_ID: 'pod-a', STATE_BUCKET: 'cmp-ops-state' };
    const refused = await haModeAtStart({ ...config, HA_MODE: 'on' }, s3.store).catch((err) => err);
    assert.is(refused.code, 'CONFIG_INVALID');
    assert.match(refused.message, /HA_MODE=on refused: the state bucket ignores If-None-Match and If-Match/);
    const { log, lines } = captureLogger('alert-router');
    assert.is(await haModeAtStart({ ...config, HA_MODE: 'auto' }, s3.store, log), false);
    assert.match(lines.join('\n'), /running as a single replica — do not scale alert-router past 1/);
    assert.is(await haModeAtStart({ HA_MODE: 'off', STATE_BUCKET: 'no-such-bucket' }, s3.store), false, 'no probe');
    const unnamed = await haModeAtStart({ HA_MODE: 'on', STATE_BUCKET: 'cmp-ops-state' }, s3.store).catch((e) => e);
    assert.match(unnamed.message, /HA_MODE needs HA_REPLICA_ID or HOSTNAME/);
  } finally {
    await s3.close();
  }
});
s3rverSuite.run();

if (rgwAvailable('test/alerting/ha-pair.test.ts')) {
  let state: StateStore;
  const test = suite('pair coordination on Ceph RGW');
  test.before(async () => {
    const { store } = await rgwStore();
    const bucket = `ha-${randomBytes(4).toString('hex')}`;
    await store.ensureBucket(bucket);
    state = createStateStore(store, bucket);
  });
  const about = { groupKey: key.groupKey, receiver: 'ops', integration: 'webhook/0' };
  const log = (replica: string, ttl = 30_000) =>
    createNotificationLog({ state, replica, claimTtlMs: ttl, timeoutMs: 5000 });

  test('of 10 replicas claiming one notification at once, exactly one sends', async () => {
    const k = notificationKey({ ...key, groupKey: 'race' });
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => log(`r${i}`).claim(k, about, 1000)));
    assert.is(claims.filter((c) => c.send).length, 1);
    for (const c of claims.filter((c) => !c.send))
      assert.equal(c, { send: false, why: 'peer-sending', retryAt: 31_000 });
  });

  test('the peer skips a notification marked sent, and its owner too', async () => {
    const k = notificationKey({ ...key, groupKey: 'sent' });
    const a = log('a');
    assert.equal(await a.claim(k, about, 1000), { send: true, why: 'created' });
    await a.markSent(k, 1010);
    assert.equal(await log('b').claim(k, about, 1020), { send: false, why: 'sent' });
    assert.equal(await log('b').claim(k, about, 999_999), { send: false, why: 'sent' });
    assert.equal(await a.claim(k, about, 1030), { send: false, why: 'sent' });
    const stored = await state.read<{ owner: string; sentAt: number }>(k);
    assert.is(stored?.value.owner, 'a');
    assert.is(stored?.value.sentAt, 1010);
  });

  test('a claim left unsent by a dead owner is taken over once it expires, by one peer only', async () => {
    const k = notificationKey({ ...key, groupKey: 'dead-owner' });
    assert.equal(await log('dead').claim(k, about, 1000), { send: true, why: 'created' });
    // before the claim's time is up the peer waits
    assert.equal(await log('b').claim(k, about, 30_999), { send: false, why: 'peer-sending', retryAt: 31_000 });
    const takers = await Promise.all(['b', 'c', 'd'].map((r) => log(r).claim(k, about, 31_000)));
    assert.is(takers.filter((c) => c.send).length, 1);
    assert.equal(
      takers.find((c) => c.send),
      { send: true, why: 'taken-over' },
    );
  });

  test("an owner's retry renews its claim; the peer cannot take it meanwhile", async () => {
    const k = notificationKey({ ...key, groupKey: 'retry' });
    const a = log('a');
    assert.equal(await a.claim(k, about, 1000), { send: true, why: 'created' });
    assert.equal(await a.claim(k, about, 20_000), { send: true, why: 'own' });
    assert.equal(await log('b').claim(k, about, 35_000), { send: false, why: 'peer-sending', retryAt: 50_000 });
  });

  test('an unreachable store fails open: the notification is sent', async () => {
    const { store } = await rgwStore();
    const gone = createStateStore(store, 'no-such-bucket-ha');
    const claim = await createNotificationLog({ state: gone, replica: 'a', claimTtlMs: 1000, timeoutMs: 5000 }).claim(
      notificationKey(key),
      about,
      1000,
    );
    assert.equal(claim, { send: true, why: 'fail-open' });
    const lease = await createLease({ state: gone, key: 'l', replica: 'a', ttlMs: 1000, timeoutMs: 5000 }).acquire(1);
    assert.equal(lease, { held: true, why: 'fail-open' });
  });

  test('the lease: created, renewed by its holder, refused to the peer until it expires, then taken once', async () => {
    const lease = (replica: string) =>
      createLease({ state, key: 'alert-router/ha/test-lease.json', replica, ttlMs: 10_000, timeoutMs: 5000 });
    assert.equal(await lease('a').acquire(1000), { held: true, holder: 'a', expiresAt: 11_000, why: 'created' });
    assert.equal(await lease('a').acquire(5000), { held: true, holder: 'a', expiresAt: 15_000, why: 'renewed' });
    assert.equal(await lease('b').acquire(14_999), {
      held: false,
      holder: 'a',
      expiresAt: 15_000,
      why: 'held-by-peer',
    });
    const takers = await Promise.all(['b', 'c', 'd', 'e'].map((r) => lease(r).acquire(15_000)));
    assert.is(takers.filter((t) => t.held).length, 1);
    const winner = takers.find((t) => t.held)!;
    assert.is(winner.why, 'taken-over');
    assert.equal(await lease('a').acquire(15_001), {
      held: false,
      holder: winner.holder!,
      expiresAt: 25_000,
      why: 'held-by-peer',
    });
  });

  test('silences set on one replica are seen by the other; concurrent upserts lose nothing', async () => {
    const pair = (replica: string) =>
      createHaPair({ state, replica, claimTtlMs: 1000, leaseTtlMs: 1000, timeoutMs: 5000, silenceSyncMs: 0 });
    const [a, b] = [pair('a'), pair('b')];
    const silence = (value: string) => ({
      matchers: [{ name: 'subsystem', value }],
      createdBy: 'ops',
      comment: 'maintenance',
      endsAt: new Date(10_000_000).toISOString(),
    });
    const ids = await Promise.all([
      ...['EGM', 'STS', 'FTP'].map((v) => a.upsertSilence(silence(v), 1000)),
      ...['NBU', 'VMW'].map((v) => b.upsertSilence(silence(v), 1000)),
    ]);
    const seen = emptyState();
    await b.syncSilences(seen, 2000, true);
    assert.equal(Object.keys(seen.silences).sort(), ids.map((i) => i.id).sort());
    await b.expireSilence(ids[0]!.id, 3000);
    const again = emptyState();
    await a.syncSilences(again, 4000, true);
    assert.is(again.silences[ids[0]!.id]!.endsAt, 3000);
  });

  test('an acknowledgement on one replica stops the escalation the other follows, not a later one', async () => {
    const pair = (replica: string) =>
      createHaPair({ state, replica, claimTtlMs: 1000, leaseTtlMs: 1000, timeoutMs: 5000, skewMs: 100 });
    await pair('a').shareAck({ groupKey: 'g1', by: 'alice', at: 5000 });
    const following = emptyState();
    const esc = { policy: 'p', step: 1, round: 0, nextAt: 6000, notified: [] };
    following.escalations = {
      g1: { groupKey: 'g1', startedAt: 4000, ...esc },
      // a later escalation of the same group: the earlier acknowledgement does not stop it
      g2: { groupKey: 'g2', startedAt: 4000, ...esc },
    };
    await pair('b').shareAck({ groupKey: 'g2', by: 'bob', at: 3000 });
    await pair('b').applyAcks(following, 6000);
    assert.equal(following.escalations.g1!.ack, { by: 'alice', at: 5000 });
    assert.is(following.escalations.g2!.ack, undefined);
  });

  test("a replica's own state lives under its prefix; shared keys are not moved", async () => {
    const own = replicaStateStore(state, 'pod-1');
    await own.write('alert-router/state.json', { v: 1 });
    assert.equal((await state.read('alert-router/replicas/pod-1/state.json'))?.value, { v: 1 });
    assert.is(await state.read('alert-router/state.json'), null);
    await own.write('alert-router/journal/0001.json', { v: 2 });
    const listed: string[] = [];
    for await (const k of own.list('alert-router/journal/')) listed.push(k);
    assert.equal(listed, ['alert-router/journal/0001.json']);
  });

  test.run();
}
