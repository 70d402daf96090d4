import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/netbackup');
let stack: LocalStack;
let dataDir: string;
const T0 = Math.floor(Date.now() / 1000) - 3600;
const lines = () => readNotifications(stack.notificationsFile);

test.before(async () => {
  dataDir = e2eDataDir('nb');
  stack = await startTestStack({
    dataDir,
    only: ['netbackup-status', 'alert-router'],
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

test('report object → alerts :: one BackupFailed (CGCU) in notifications.jsonl; the same report again adds nothing', async () => {
  const report = [
    allColumnsLine({
      jobid: 7001,
      client: 'cgcu-db01',
      policy: 'CGCU_Oracle',
      status: 58,
      started: T0,
      ended: T0 + 60,
    }),
    allColumnsLine({ jobid: 7002, client: 'sts-app01', status: 0, started: T0, ended: T0 + 600 }),
  ].join('\n');
  await stack.store.put('reports', 'netbackup/nbmaster01/report-1.txt', report);
  await stack.settled();
  const first = lines();
  assert.is(first.length, 1);
  assert.equal(
    first[0].alerts.map((a: { labels: Record<string, string> }) => [
      a.labels.alertname,
      a.labels.subsystem,
      a.labels.client,
    ]),
    [['BackupFailed', 'CGCU', 'cgcu-db01']],
  );
  await stack.store.put('reports', 'netbackup/nbmaster01/report-1-copy.txt', report);
  await stack.settled();
  assert.is(lines().length, 1);
});

test('later success → resolution :: the next report with a success of the same policy and client resolves it', async () => {
  const report = allColumnsLine({
    jobid: 7003,
    client: 'cgcu-db01',
    policy: 'CGCU_Oracle',
    status: 0,
    started: T0 + 900,
    ended: T0 + 1500,
  });
  await stack.store.put('reports', 'netbackup/nbmaster01/report-2.txt', report);
  await stack.settled();
  const all = lines();
  assert.is(all.length, 2);
  assert.is(all[1].status, 'resolved');
});

test.run();
