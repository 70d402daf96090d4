// The snapshot's format against a real S3-protocol server (s3rver): written a part at a time (alerts and groups in
// parts of PART_SIZE, the manifest last) and read back equal to the state; the two part sets are used in turn, so a
// manifest never points at parts being rewritten; a stale longer set left behind is ignored; a snapshot from before
// parts existed (the whole state in state.json) still loads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import {
  emptyState,
  ingestAlerts,
  PART_SIZE,
  readSnapshot,
  SNAPSHOT_KEY,
  SNAPSHOT_PARTS_PREFIX,
  writeSnapshot,
  type RouterState,
} from '#lib/alerting/router/index.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('alerting/snapshot');
let s3: TestS3;
let bucketNo = 0;
const config = loadAlertmanagerConfig(
  'route:\n  receiver: ops\n  group_by: [key]\n  group_wait: 30s\nreceivers:\n  - name: ops\n',
  'test',
);
const NOW = Date.parse('2026-11-24T10:00:00Z');
const stateWith = (n: number): RouterState => {
  const state = emptyState();
  ingestAlerts(
    state,
    Array.from({ length: n }, (_, i) => ({
      labels: { alertname: 'A', key: `k${i}` },
      annotations: { summary: `ünïcode "${i}" \u2028` },
      startsAt: '2026-11-24T09:59:00Z',
      endsAt: '2026-11-24T11:00:00Z',
    })),
    config,
    NOW,
  );
  state.silences.x = {
    id: 'x',
    matchers: [],
    startsAt: NOW,
    endsAt: NOW + 1,
    createdBy: 't',
    comment: 'c',
    updatedAt: NOW,
  };
  state.journalSeq = 7;
  return state;
};
async function fresh(): Promise<StateStore> {
  const name = `snapshot-${bucketNo++}`;
  await s3.store.ensureBucket(name);
  return createStateStore(s3.store, name);
}
const partKeys = async (state: StateStore) => {
  const keys: string[] = [];
  for await (const key of state.list(SNAPSHOT_PARTS_PREFIX)) keys.push(key);
  return keys.sort();
};

test.before(async () => {
  s3 = await startTestS3([]);
});
test.after(async () => {
  await s3.close();
});

test('round trip :: alerts and groups in parts, the manifest last; read back equal', async () => {
  const records = await fresh();
  const state = stateWith(PART_SIZE + 3); // two parts of alerts, two of groups (one group per alert)
  const stored = await writeSnapshot(records, state, {});
  assert.is(stored.set, 'a');
  assert.is((await partKeys(records)).length, 4);
  const manifest = (await records.read<Record<string, unknown>>(SNAPSHOT_KEY))!.value;
  assert.equal(
    [manifest.alerts, manifest.groups, manifest.journalSeq, manifest.parts],
    [undefined, undefined, 7, { set: 'a', count: 4 }],
  );
  const read = (await readSnapshot(records))!;
  assert.equal(read.value, JSON.parse(JSON.stringify(state)));
  assert.equal([read.stored.etag, read.stored.set], [stored.etag, 'a']);
});

test('sets in turn :: the next snapshot writes the other set; stale parts of a larger one are ignored', async () => {
  const records = await fresh();
  const big = await writeSnapshot(records, stateWith(PART_SIZE + 1), {});
  const second = await writeSnapshot(records, stateWith(2), { etag: big.etag, set: big.set! });
  assert.is(second.set, 'b');
  const third = await writeSnapshot(records, stateWith(1), { etag: second.etag, set: second.set! });
  assert.is(third.set, 'a', 'back to a: its four old parts are partly overwritten, the rest stale');
  assert.is(Object.keys((await readSnapshot(records))!.value.alerts).length, 1);
});

test('before parts :: a whole-state state.json still loads', async () => {
  const records = await fresh();
  const state = stateWith(3);
  await records.write(SNAPSHOT_KEY, state);
  assert.equal((await readSnapshot(records))!.value, JSON.parse(JSON.stringify(state)));
  assert.is(await readSnapshot(await fresh()), null);
});

test.run();
