// alert-router's snapshot + journal persistence against a real S3-protocol server (s3rver): ingests go to the
// journal ring and share writes while one is in flight, a cold start replays them, snapshots cover them (in the
// background once half the ring is used), the ring is never overrun, and a failed write is never acknowledged.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import {
  createRouterStore,
  ingestAlerts,
  JOURNAL_PREFIX,
  SNAPSHOT_KEY,
  type JournalEntry,
  type RouterState,
  type RouterStore,
} from '#lib/alerting/router/index.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { waitFor } from '../helpers/free-port.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('alerting/router-store');
let s3: TestS3;
let bucketNo = 0;
const config = loadAlertmanagerConfig(
  'route:\n  receiver: ops\n  group_by: [subsystem]\n  group_wait: 30s\nreceivers:\n  - name: ops\n',
  'test',
);
const NOW = Date.parse('2026-11-24T10:00:00Z');
const alert = (key: string) => ({
  labels: { alertname: 'ChecksumMismatch', subsystem: 'STS', key },
  annotations: {},
  startsAt: '2026-11-24T09:59:00Z',
  endsAt: '2026-11-24T10:05:00Z',
});

async function freshState(): Promise<StateStore> {
  const name = `router-store-${bucketNo++}`;
  await s3.store.ensureBucket(name);
  return createStateStore(s3.store, name);
}
const replay = (s: RouterState, entry: JournalEntry) =>
  void ingestAlerts(s, 'alerts' in entry ? entry.alerts : [], config, entry.now);
const open = (state: StateStore, ring?: number): RouterStore =>
  createRouterStore({ state, replay, ...(ring ? { ring } : {}) });
const ingest = (store: RouterStore, key: string, answerBeforeWrite = false) =>
  store.change(async (s) => {
    const alerts = [alert(key)];
    ingestAlerts(s, alerts, config, NOW);
    return { value: key, journal: { now: NOW, alerts }, answerBeforeWrite };
  });
/** gatedState wraps a real state store: journal writes wait until `open()`; `written` lists the records that landed. */
async function gatedState() {
  const real = await freshState();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const written: string[] = [];
  const state: StateStore = {
    ...real,
    writeText: async (key, text, options) => {
      if (!key.startsWith(JOURNAL_PREFIX)) return real.writeText(key, text, options);
      await gate;
      const result = await real.writeText(key, text, options);
      written.push(typeof text === 'string' ? text : Buffer.concat(text.chunks).toString('utf8'));
      return result;
    },
  };
  return { state, open: release, written };
}
const keysOf = async (state: StateStore, prefix: string) => {
  const keys: string[] = [];
  for await (const key of state.list(prefix)) keys.push(key);
  return keys;
};
/** failingState wraps a real state store: while `failing.on`, writes of the snapshot or of journal records throw. */
async function failingState(what: 'snapshot' | 'journal', on: boolean) {
  const real = await freshState();
  const failing = { on };
  const refuse = () => Promise.reject(Object.assign(new Error('503 Slow Down'), { code: 'STORAGE_UNAVAILABLE' }));
  const state: StateStore = {
    ...real,
    writeText: (key, text, options) =>
      failing.on && (what === 'snapshot' ? key === SNAPSHOT_KEY : key.startsWith(JOURNAL_PREFIX))
        ? refuse()
        : real.writeText(key, text, options),
    write: (key, value, options) =>
      failing.on && what === 'journal' && key.startsWith(JOURNAL_PREFIX) ? refuse() : real.write(key, value, options),
  };
  return { state, failing };
}
const alertKeys = (s: RouterState) =>
  Object.values(s.alerts)
    .map((a) => a.labels.key)
    .sort();

test.before(async () => {
  s3 = await startTestS3([]);
});
test.after(async () => {
  await s3.close();
});

test('journal :: an ingest alone is a journal record, no snapshot; a cold start replays it', async () => {
  const state = await freshState();
  const store = open(state);
  await ingest(store, 'a');
  await ingest(store, 'b');
  assert.is(await state.read(SNAPSHOT_KEY), null);
  assert.is((await keysOf(state, JOURNAL_PREFIX)).length, 2);
  const restarted = open(state);
  const s = await restarted.read();
  assert.equal(alertKeys(s), ['a', 'b']);
  assert.equal(
    Object.values(s.groups).map((g) => g.fingerprints.length),
    [2],
  );
});

test('group commit :: twenty ingests at once share journal writes and are all stored', async () => {
  const state = await freshState();
  const store = open(state);
  await ingest(store, 'first');
  const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  assert.equal(await Promise.all(keys.map((k) => ingest(store, k))), keys);
  const records = await keysOf(state, JOURNAL_PREFIX);
  assert.ok(records.length < 21, `${records.length} journal writes for 21 ingests`);
  assert.equal(alertKeys(await open(state).read()), ['first', ...keys].sort());
});

test('snapshot :: another change writes a snapshot covering the journal; a cold start replays only what is newer', async () => {
  const state = await freshState();
  const store = open(state);
  await ingest(store, 'a');
  await ingest(store, 'b');
  await store.change(async (s) => {
    s.silences.x = {
      id: 'x',
      matchers: [],
      startsAt: NOW,
      endsAt: NOW + 1,
      createdBy: 't',
      comment: 'c',
      updatedAt: NOW,
    };
    return { value: undefined };
  });
  assert.is((await state.read<RouterState>(SNAPSHOT_KEY))?.value.journalSeq, 2);
  await ingest(store, 'c');
  assert.equal(
    await keysOf(state, JOURNAL_PREFIX),
    ['0001', '0002', '0003'].map((slot) => `${JOURNAL_PREFIX}${slot}.json`),
    'no deletes: slots are reused',
  );
  let replayed = 0;
  const restarted = createRouterStore({ state, replay: (s, entry) => void (replayed++, replay(s, entry)) });
  const s = await restarted.read();
  assert.is(replayed, 1, 'only the record after the snapshot');
  assert.equal(alertKeys(s), ['a', 'b', 'c']);
  assert.ok(s.silences.x);
});

test('ring :: half the ring in use starts a background snapshot; slots are reused; nothing is lost', async () => {
  const state = await freshState();
  const store = open(state, 4);
  const keys = Array.from({ length: 12 }, (_, i) => `r${String(i).padStart(2, '0')}`);
  for (const k of keys) await ingest(store, k);
  await store.idle();
  assert.ok(((await state.read<RouterState>(SNAPSHOT_KEY))?.value.journalSeq ?? 0) >= 8, 'snapshots kept up');
  assert.ok((await keysOf(state, JOURNAL_PREFIX)).length <= 4, 'at most ring objects');
  assert.equal(alertKeys(await open(state, 4).read()), keys);
});

test("quiet :: a snapshot due by the journal's size waits while changes come, starts once they stop, and starts at once past the bound", async () => {
  const coveredBy = async (state: StateStore) => (await state.read<RouterState>(SNAPSHOT_KEY))?.value.journalSeq ?? 0;
  // due by size after the first record, but never quiet: no snapshot however many ingests come
  const busy = await freshState();
  const waiting = createRouterStore({ state: busy, replay, compactBytes: 1, quietMs: 3_600_000 });
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) await ingest(waiting, k);
  await waiting.idle();
  assert.is(await coveredBy(busy), 0, 'no snapshot while the quiet moment has not come');
  // the same, with a quiet moment of 20 ms: once the ingests stop, a snapshot covers them all
  const quiet = await freshState();
  const store = createRouterStore({ state: quiet, replay, compactBytes: 1, quietMs: 20 });
  for (const k of ['a', 'b', 'c']) await ingest(store, k);
  await waitFor('a snapshot after the quiet moment', async () => (await coveredBy(quiet)) === 3, 30_000);
  assert.equal(alertKeys(await open(quiet).read()), ['a', 'b', 'c']);
  // past the bound (twice the snapshot, at least journalBoundBytes), a snapshot starts at once, quiet or not
  const bound = await freshState();
  const pressed = createRouterStore({
    state: bound,
    replay,
    compactBytes: 1,
    journalBoundBytes: 1,
    quietMs: 3_600_000,
  });
  for (const k of ['a', 'b', 'c', 'd']) await ingest(pressed, k);
  await pressed.idle();
  assert.ok((await coveredBy(bound)) >= 2, 'a snapshot started at once, while changes still came');
});

test('ring :: when snapshots fail, an ingest that would overrun the ring is refused (503) rather than overwrite', async () => {
  const { state, failing } = await failingState('snapshot', true);
  const store = open(state, 4);
  const acknowledged: string[] = [];
  const refused: string[] = [];
  for (const k of ['a', 'b', 'c', 'd', 'e']) {
    await ingest(store, k).then(
      () => acknowledged.push(k),
      (err: { code?: string }) => refused.push(`${k}:${err.code}`),
    );
    await store.idle();
  }
  assert.equal(acknowledged, ['a', 'b', 'c', 'd'], 'four records fill the ring');
  assert.equal(refused, ['e:STORAGE_UNAVAILABLE'], 'the fifth would overwrite the first');
  failing.on = false;
  assert.equal(
    alertKeys(await open(state, 4).read()),
    ['a', 'b', 'c', 'd'],
    'every acknowledged ingest is still in the ring',
  );
});

test('failure :: a journal write that fails is a retryable error, and the memory copy forgets the change', async () => {
  const { state, failing } = await failingState('journal', false);
  const store = open(state);
  await ingest(store, 'kept');
  failing.on = true;
  const failed = await ingest(store, 'lost').catch((err: { code?: string }) => err.code);
  assert.is(failed, 'STORAGE_UNAVAILABLE');
  assert.equal(alertKeys(await store.read()), ['kept'], 'the unacknowledged ingest is gone from memory too');
  // reloaded from storage, the next change snapshots what it replayed: it lands even while the journal fails
  await ingest(store, 'after');
  failing.on = false;
  assert.equal(alertKeys(await open(state).read()), ['after', 'kept']);
});

test('failure :: a snapshot that fails is a retryable error; the next change starts from what is stored', async () => {
  const { state, failing } = await failingState('snapshot', false);
  const store = open(state);
  await ingest(store, 'a');
  failing.on = true;
  const failed = await store
    .change(async (s) => {
      delete s.alerts[Object.keys(s.alerts)[0]!];
      return { value: 'removed' };
    })
    .catch((err: { code?: string }) => err.code);
  assert.is(failed, 'STORAGE_UNAVAILABLE');
  failing.on = false;
  assert.equal(alertKeys(await store.read()), ['a']);
});

test('accepted :: an ingest that asks is answered before its write; idle waits for the write; a cold start finds it', async () => {
  const { state, open: release, written } = await gatedState();
  const store = createRouterStore({ state, replay });
  assert.is(await ingest(store, 'early', true), 'early', 'answered while the journal write is held');
  assert.is(written.length, 0);
  const settled = store.idle();
  release();
  await settled;
  assert.is(written.length, 1);
  assert.equal(alertKeys(await open(state).read()), ['early']);
});

test('accepted :: at most earlyBacklog ingests are answered before their write; the next one waits for it', async () => {
  const { state, open: release } = await gatedState();
  const store = createRouterStore({ state, replay, earlyBacklog: 2, lingerMs: 0 });
  const answered: string[] = [];
  await ingest(store, 'a', true).then((k) => answered.push(k));
  await ingest(store, 'b', true).then((k) => answered.push(k));
  const third = ingest(store, 'c', true).then((k) => answered.push(k));
  await store.read();
  assert.equal(answered, ['a', 'b'], 'the third waits: two are already unwritten');
  release();
  await third;
  await store.idle();
  assert.equal(answered, ['a', 'b', 'c']);
  assert.equal(alertKeys(await open(state).read()), ['a', 'b', 'c']);
});

test('accepted :: accepted ingests linger to share a write; an ingest that waits for its write ends the linger', async () => {
  const state = await freshState();
  const store = createRouterStore({ state, replay, lingerMs: 3_600_000 });
  await ingest(store, 'first', true);
  await store.idle(); // the first record goes at once
  await ingest(store, 'lingering', true);
  // an hour of linger: only the waiting ingest can make this write happen before the test times out
  await ingest(store, 'waiting');
  const records = [];
  for (const key of await keysOf(state, JOURNAL_PREFIX))
    records.push((await state.read<{ seq: number; entries: unknown[] }>(key))!.value);
  assert.equal(
    records.map((r) => [r.seq, r.entries.length]),
    [
      [1, 1],
      [2, 2],
    ],
    'the lingering ingest shares the second record',
  );
});

test('accepted :: a failed write is reported through onUnstored, and the ingests after it wait for their own write', async () => {
  const { state, failing } = await failingState('journal', false);
  const unstored: number[] = [];
  const store = createRouterStore({ state, replay, lingerMs: 0, onUnstored: (n) => unstored.push(n) });
  await ingest(store, 'kept');
  await store.change(async () => ({ value: 'a snapshot covers kept' }));
  failing.on = true;
  assert.is(await ingest(store, 'accepted-then-lost', true), 'accepted-then-lost');
  await store.idle();
  assert.equal(unstored, [1]);
  assert.equal(alertKeys(await store.read()), ['kept'], 'the memory copy forgot what was not stored');
  const next = await ingest(store, 'after', true).catch((err: { code?: string }) => err.code);
  assert.is(
    next,
    'STORAGE_UNAVAILABLE',
    'no early answer while writes fail: it waited for its own write, which failed',
  );
  failing.on = false;
  assert.is(await ingest(store, 'healthy', true), 'healthy');
  await store.idle();
  assert.equal(unstored, [1]);
  assert.equal(alertKeys(await open(state).read()), ['healthy', 'kept']);
});

test('background :: a change queued behind a slow one is seen by the read after it; a failure goes to failed', async () => {
  const { state, failing } = await failingState('snapshot', false);
  const store = createRouterStore({ state, replay, lingerMs: 0 });
  await ingest(store, 'loaded');
  assert.ok(store.acceptsEarly());
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const slow = store.change(async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    started();
    await held;
    return { value: 'slow' };
  });
  await running;
  store.changeInBackground(
    async (s) => {
      const alerts = [alert('queued')];
      ingestAlerts(s, alerts, config, NOW);
      return { value: undefined, journal: { now: NOW, alerts }, answerBeforeWrite: true };
    },
    () => assert.unreachable('no failure expected'),
  );
  const read = store.read().then(alertKeys); // what the read saw when it answered
  release();
  await slow;
  assert.equal(await read, ['loaded', 'queued'], 'the read waited for the queued change');
  failing.on = true;
  const failures: string[] = [];
  store.changeInBackground(
    async () => ({ value: undefined }),
    (err) => failures.push((err as { code?: string }).code ?? '?'),
  );
  await store.idle();
  assert.equal(failures, ['STORAGE_UNAVAILABLE'], 'a snapshot that failed in the background is reported');
});

test.run();
