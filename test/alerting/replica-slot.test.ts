// Replica slots: a pod of an alert-router pair claims `slot-0` or `slot-1` by lease, so the pod that replaces a dead
// or rolled one adopts the state left under that slot instead of starting empty under a new pod name. Against a
// real Ceph RGW (conditional writes enforced; s3rver ignores them, so it cannot show a lost race). Time is injected.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { replicaStateStore } from '#lib/alerting/router/ha-pair.ts';
import { claimReplicaSlot } from '#lib/alerting/router/replica-slot.ts';
import { replicaAtStart } from '#lib/alerting/router/router-config.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { rgwAvailable, rgwStore } from '../helpers/rgw.ts';

if (rgwAvailable('test/alerting/replica-slot.test.ts')) {
  let state: StateStore;
  let t = 1_000_000;
  const now = () => t;
  const claim = (pod: string, waitMs = 0) =>
    claimReplicaSlot({ state, pod, slots: 2, ttlMs: 30_000, timeoutMs: 5000, waitMs, retryMs: 10, now });
  const test = suite('replica slots on Ceph RGW');
  test.before.each(async () => {
    const { store } = await rgwStore();
    const bucket = `slot-${randomBytes(4).toString('hex')}`;
    await store.ensureBucket(bucket);
    state = createStateStore(store, bucket);
    t = 1_000_000;
  });

  test('two pods starting at once get the two slots; a third finds none and names the holders', async () => {
    const [a, b] = await Promise.all([claim('pod-a'), claim('pod-b')]);
    assert.equal([a.replica, b.replica].sort(), ['slot-0', 'slot-1']);
    const third = await claim('pod-c').catch((err: Error) => err);
    assert.instance(third, Error);
    assert.match((third as Error).message, /no free alert-router replica slot/);
    assert.match((third as Error).message, /pod-a/);
    assert.match((third as Error).message, /pod-b/);
  });

  test('six pods racing for two slots: exactly two win, each slot once', async () => {
    const results = await Promise.allSettled(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((pod) => claim(pod)));
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.replica] : []));
    assert.equal(won.sort(), ['slot-0', 'slot-1']);
  });

  test('a released slot is adopted by the next pod, with the state its predecessor left under it', async () => {
    const old = await claim('pod-old');
    await replicaStateStore(state, old.replica).write('alert-router/state.json', { alerts: 7 });
    await claim('pod-other');
    await old.release(); // a graceful stop
    const next = await claim('pod-new');
    assert.is(next.replica, old.replica);
    assert.equal((await replicaStateStore(state, next.replica).read('alert-router/state.json'))?.value, { alerts: 7 });
  });

  test('a dead pod (no renewal) loses its slot once the lease expired; its late renewal is refused', async () => {
    const dead = await claim('pod-dead');
    await claim('pod-live');
    t += 10_000;
    assert.ok(await dead.renew(t), 'renewed while it lives');
    t += 31_000; // the lease ran out without renewal
    const surge = await claim('pod-surge');
    assert.is(surge.replica, dead.replica);
    assert.is(await dead.renew(t), false, 'the old holder learns it lost the slot');
  });

  test('a surge pod waits for a slot: the claim succeeds once a holder releases, within the wait', async () => {
    const a = await claim('pod-a');
    await claim('pod-b');
    const waiting = claim('pod-c', 60_000);
    await new Promise((r) => setTimeout(r, 30));
    await a.release();
    assert.is((await waiting).replica, a.replica);
  });

  test('a restarted container (same pod name) takes back its own slot, even when another is free', async () => {
    await claim('pod-x'); // slot-0
    const mine = await claim('pod-y'); // slot-1
    assert.is(mine.replica, 'slot-1');
    const x = await claimReplicaSlot({ state, pod: 'pod-x', slots: 2, ttlMs: 30_000, timeoutMs: 5000, waitMs: 0, now });
    await x.release(); // slot-0 free again
    const again = await claim('pod-y');
    assert.is(again.replica, 'slot-1');
  });

  test('replicaAtStart: a fixed HA_REPLICA_ID claims nothing; a pod name claims a slot', async () => {
    assert.equal(
      await replicaAtStart(
        { HA_REPLICA_ID: 'fixed-1', HA_SLOTS: 2, HA_SLOT_TTL_MS: 30000, HA_SLOT_WAIT_MS: 0 },
        state,
        now,
      ),
      {
        replica: 'fixed-1',
      },
    );
    const claimed = await replicaAtStart(
      { HOSTNAME: 'alert-router-7f9c-x2', HA_SLOTS: 2, HA_SLOT_TTL_MS: 30000, HA_SLOT_WAIT_MS: 0 },
      state,
      now,
    );
    assert.is(claimed.replica, 'slot-0');
    assert.ok(claimed.slot);
  });

  test.run();
}
