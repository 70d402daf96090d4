// The journal writer alone, against a real S3-protocol server (s3rver): entries that arrive while a write is in
// flight share the next record (group commit), early-answered records linger and an entry that waits ends the
// linger, seal closes a record at a boundary, and a failed write fails every pending record with a retryable error.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  JOURNAL_PREFIX,
  journalEntryText,
  journalSlotKey,
  JournalWriter,
  type JournalRecord,
} from '#lib/alerting/router/index.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('alerting/journal-writer');
let s3: TestS3;
let bucketNo = 0;
async function freshState(): Promise<StateStore> {
  const name = `journal-writer-${bucketNo++}`;
  await s3.store.ensureBucket(name);
  return createStateStore(s3.store, name);
}
/** gated wraps a real state store: writes wait for `release()`; `failing.on` makes them throw. */
async function gated() {
  const real = await freshState();
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const failing = { on: false };
  const state: StateStore = {
    ...real,
    writeText: async (key, text, options) => {
      await gate;
      if (failing.on) throw new Error('503 Slow Down');
      return real.writeText(key, text, options);
    },
  };
  return {
    real,
    state,
    failing,
    release: () => release(),
    close: () => (gate = new Promise<void>((resolve) => (release = resolve))),
  };
}
const records = async (state: StateStore): Promise<JournalRecord[]> => {
  const out: JournalRecord[] = [];
  for await (const key of state.list(JOURNAL_PREFIX)) out.push((await state.read<JournalRecord>(key))!.value);
  return out.sort((a, b) => a.seq - b.seq);
};
const entry = (n: number) => journalEntryText({ now: n, alerts: [] });

test.before(async () => {
  s3 = await startTestS3([]);
});
test.after(async () => {
  await s3.close();
});

test('entry text :: a request body is spliced in as it came; without it the entry is serialized', () => {
  const body = [{ labels: { alertname: 'X' } }];
  assert.equal(
    JSON.parse(journalEntryText({ now: 1, resolveTimeoutMs: 2, body }, '[ {"labels":{"alertname":"X"}} ]')),
    { now: 1, resolveTimeoutMs: 2, body },
  );
  assert.equal(JSON.parse(journalEntryText({ now: 1, alerts: [] })), { now: 1, alerts: [] });
  assert.is(journalSlotKey(1025, 1024), `${JOURNAL_PREFIX}0001.json`);
});

test('group commit :: entries appended while a write is in flight share the next record', async () => {
  const g = await gated();
  const writer = new JournalWriter({ state: g.state, ring: 8, lingerMs: 0, onFailure: () => assert.unreachable() });
  const first = writer.append(entry(1), false);
  const rest = [2, 3, 4].map((n) => writer.append(entry(n), false));
  g.release();
  await Promise.all([first, ...rest]);
  assert.equal(
    (await records(g.real)).map((r) => [r.seq, r.entries.length]),
    [
      [1, 1],
      [2, 3],
    ],
  );
  assert.not.ok(writer.busy);
  assert.is(writer.lastSeq, 2);
});

test('linger :: early entries wait for more; an entry whose caller waits ends the linger at once', async () => {
  const state = await freshState();
  const writer = new JournalWriter({ state, ring: 8, lingerMs: 3_600_000, onFailure: () => assert.unreachable() });
  await writer.append(entry(1), true); // the first record goes at once: nothing written before it
  void writer.append(entry(2), true);
  assert.ok(writer.busy, 'lingering: an hour, unless something ends it');
  await writer.append(entry(3), false);
  assert.equal(
    (await records(state)).map((r) => r.entries.length),
    [1, 2],
  );
  void writer.append(entry(4), true);
  await writer.drain(); // a drain ends the linger too
  assert.equal(
    (await records(state)).map((r) => r.seq),
    [1, 2, 3],
  );
  assert.is(writer.earlyUnwritten, 0);
});

test('seal :: entries after a seal start the next record; pendingUpTo tells what is unwritten', async () => {
  const g = await gated();
  const writer = new JournalWriter({ state: g.state, ring: 8, lingerMs: 0, onFailure: () => assert.unreachable() });
  writer.continueAfter(41);
  const a = writer.append(entry(1), false);
  const b = writer.append(entry(2), false); // joins record 43, still open behind the write of 42
  assert.is(writer.seal(), 43);
  const c = writer.append(entry(3), false);
  assert.ok(writer.pendingUpTo(43));
  g.release();
  await Promise.all([a, b, c]);
  assert.not.ok(writer.pendingUpTo(44));
  assert.equal(
    (await records(g.real)).map((r) => [r.seq, r.entries.length]),
    [
      [42, 1],
      [43, 1],
      [44, 1],
    ],
  );
});

test('failure :: a failed write fails every pending record (STORAGE_UNAVAILABLE) and reports the early ones lost', async () => {
  const g = await gated();
  const failures: number[] = [];
  const writer = new JournalWriter({
    state: g.state,
    ring: 8,
    lingerMs: 0,
    onFailure: (err, early) => failures.push(early) && assert.is(err.code, 'STORAGE_UNAVAILABLE'),
  });
  g.failing.on = true;
  const waited = writer.append(entry(1), false).catch((err: { code?: string }) => err.code);
  const early = writer.append(entry(2), true).catch((err: { code?: string }) => err.code);
  g.release();
  assert.equal(await Promise.all([waited, early]), ['STORAGE_UNAVAILABLE', 'STORAGE_UNAVAILABLE']);
  assert.equal(failures, [1]);
  assert.not.ok(writer.healthy);
  assert.is(writer.earlyUnwritten, 0);
  g.failing.on = false;
  await writer.append(entry(3), false);
  assert.ok(writer.healthy, 'healthy again once a write lands');
  assert.equal(
    (await records(g.real)).map((r) => r.seq),
    [1],
    "the next record took the failed one's number: no gap",
  );
});

test.run();
