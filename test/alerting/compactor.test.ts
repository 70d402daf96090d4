// The compactor alone: the policy (half the ring, the journal's size against the last snapshot, the bound), one
// snapshot queued at a time, the quiet moment that waits while changes come, a failure left to the next one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compactionDue, Compactor, type CompactionPolicy, type JournalUse } from '#lib/alerting/router/index.ts';
import { waitFor } from '../helpers/free-port.ts';

const test = suite('alerting/compactor');
const policy: CompactionPolicy = { ring: 8, compactBytes: 1000, journalBoundBytes: 8000, quietMs: 20 };

const cases: Array<[string, JournalUse, ReturnType<typeof compactionDue>]> = [
  ['half the ring :: now', { recordsInUse: 4, bytesSinceSnapshot: 0, snapshotBytes: 0 }, 'now'],
  ['little journal :: nothing', { recordsInUse: 2, bytesSinceSnapshot: 999, snapshotBytes: 0 }, undefined],
  [
    'journal past the minimum, larger than the snapshot :: when quiet',
    { recordsInUse: 2, bytesSinceSnapshot: 1000, snapshotBytes: 900 },
    'when-quiet',
  ],
  [
    'journal smaller than the snapshot :: nothing',
    { recordsInUse: 2, bytesSinceSnapshot: 5000, snapshotBytes: 6000 },
    undefined,
  ],
  [
    'journal past the bound and twice the snapshot :: now',
    { recordsInUse: 2, bytesSinceSnapshot: 8000, snapshotBytes: 4000 },
    'now',
  ],
  [
    'journal past the bound, not twice the snapshot :: when quiet',
    { recordsInUse: 2, bytesSinceSnapshot: 8000, snapshotBytes: 5000 },
    'when-quiet',
  ],
];
for (const [name, use, expected] of cases)
  test(`policy :: ${name}`, () => assert.is(compactionDue(use, policy), expected));

/** harness keeps queued work until runQueued, and counts the snapshots taken. */
function harness(changesPending = () => 0) {
  const queue: Array<() => Promise<void>> = [];
  let snapshots = 0;
  const compactor = new Compactor({
    policy,
    enqueue: (work) => queue.push(work),
    changesPending,
    snapshot: async () => {
      snapshots++;
    },
  });
  const runQueued = async () => {
    while (queue.length) await queue.shift()!();
  };
  return { compactor, runQueued, snapshots: () => snapshots, queued: () => queue.length };
}

test('one at a time :: a second start while one is queued does nothing; once it ran, another may start', async () => {
  const h = harness();
  h.compactor.start();
  h.compactor.start();
  assert.is(h.queued(), 1);
  assert.ok(h.compactor.queued);
  await h.runQueued();
  assert.not.ok(h.compactor.queued);
  h.compactor.start();
  await h.runQueued();
  assert.is(h.snapshots(), 2);
});

test('policy :: afterAppend starts at once when due now, and not at all when nothing is due', async () => {
  const h = harness();
  h.compactor.afterAppend({ recordsInUse: 1, bytesSinceSnapshot: 10, snapshotBytes: 0 });
  assert.is(h.queued(), 0);
  h.compactor.afterAppend({ recordsInUse: 4, bytesSinceSnapshot: 10, snapshotBytes: 0 });
  assert.is(h.queued(), 1);
});

test('quiet :: a snapshot due when quiet waits while changes are pending, then starts', async () => {
  let pending = 1;
  const h = harness(() => pending);
  h.compactor.noteChange();
  h.compactor.afterAppend({ recordsInUse: 1, bytesSinceSnapshot: 2000, snapshotBytes: 0 });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(h.queued(), 0, 'a change is still pending: no snapshot');
  pending = 0;
  await waitFor('the snapshot queued once quiet', async () => h.queued() === 1, 5000);
  await h.runQueued();
  assert.is(h.snapshots(), 1);
});

test('failure :: a snapshot that fails is left to the next one', async () => {
  const queue: Array<() => Promise<void>> = [];
  const compactor = new Compactor({
    policy,
    enqueue: (work) => queue.push(work),
    changesPending: () => 0,
    snapshot: async () => Promise.reject(new Error('503')),
  });
  compactor.start();
  await queue.shift()!();
  compactor.start();
  assert.is(queue.length, 1);
});

test.run();
