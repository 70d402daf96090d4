import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { demoCluster, DEMO_DIGESTS } from '../../scripts/local-stack/kube-demo.ts';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { readNotifications, tailFunctionLogs } from '../helpers/stack-files.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/installation-watch');
let stack: LocalStack;
let dataDir: string;
const stackLog: string[] = [];
// What to show when an assertion fails: the stack's own lines (timer statuses) and the functions' logs.
const diagnostics = (): string =>
  [...stackLog.slice(-20), ...tailFunctionLogs(dataDir, ['installation-watch', 'alert-router'])].join('\n');
type Notification = { status: string; alerts: Array<{ status: string; labels: Record<string, string> }> };
const notified = (): Notification[] => readNotifications(stack.notificationsFile);
const alertsIn = (ns: Notification[]) =>
  ns
    .flatMap((n) => n.alerts.map((a) => `${a.labels.alertname} ${a.labels.subsystem} ${a.labels.workload} ${a.status}`))
    .sort();

test.before(async () => {
  dataDir = e2eDataDir('iw');
  stack = await startTestStack({
    dataDir,
    seedDemo: true,
    only: ['installation-watch', 'alert-router'],
    log: (line) => void stackLog.push(line),
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

test('tick → alerts :: the crash loop, the unapproved EGM build reach the receivers with subsystem and workload', async () => {
  const due = await stack.tick(DateTime.fromISO('2026-11-24T10:00:00Z', { zone: 'utc' }));
  assert.ok(due.includes('installation-watch'));
  await stack.settled();
  const fired = alertsIn(notified());
  assert.ok(
    fired.includes('PodCrashLooping DUTCH Deployment/dutch-relay firing'),
    `${fired.join('\n')}\n--- stack\n${diagnostics()}`,
  );
  assert.ok(fired.includes('ReleaseDrift EGM Deployment/egm-archiver firing'));
  assert.not.ok(
    fired.some((f) => f.includes('sts-ingest')),
    'the approved, healthy workload raises nothing',
  );
});

test('repair → resolved :: the crash fixed and EGM rolled back to its approved digest resolve both', async () => {
  const cluster = demoCluster();
  const pods = cluster.pods as Array<{
    metadata: { name: string };
    status: { containerStatuses: Array<Record<string, unknown>> };
  }>;
  const relay = pods.find((p) => p.metadata.name.startsWith('dutch-relay'))!;
  relay.status.containerStatuses[0]!.state = { running: { startedAt: '2026-11-24T10:01:00Z' } };
  const egm = pods.find((p) => p.metadata.name.startsWith('egm-archiver'))!;
  egm.status.containerStatuses[0]!.imageID = `registry.local:5000/egm-archiver@${DEMO_DIGESTS.egmApproved}`;
  const relayDeployment = (
    cluster.deployments as Array<{ metadata: { name: string }; status: Record<string, number> }>
  ).find((d) => d.metadata.name === 'dutch-relay')!;
  relayDeployment.status = {
    observedGeneration: 3,
    replicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    updatedReplicas: 1,
  };
  stack.kube.setCluster(cluster);
  const before = notified().length;
  await stack.tick(DateTime.fromISO('2026-11-24T10:02:00Z', { zone: 'utc' }));
  await stack.settled();
  const resolved = alertsIn(notified().slice(before));
  assert.ok(
    resolved.includes('PodCrashLooping DUTCH Deployment/dutch-relay resolved'),
    `${resolved.join('\n')}\n--- stack\n${diagnostics()}`,
  );
  assert.ok(resolved.includes('ReleaseDrift EGM Deployment/egm-archiver resolved'));
});

test.run();
