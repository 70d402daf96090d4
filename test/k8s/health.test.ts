// Health findings over real Kubernetes objects (test/fixtures/kubernetes): nodes, pods and workloads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_TIMINGS, nodeFindings, podFindings, workloadFindings, type ClusterSnapshot } from '#lib/k8s/index.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';

const test = suite('k8s/health');
const snapshot = () => fixtureCluster() as unknown as ClusterSnapshot;
const subsystemOf = (labels: Record<string, string> | undefined) => labels?.['cmp-ops.io/subsystem'] ?? 'CLUSTER';
const NOW = Date.parse('2026-11-24T10:00:00Z');

test('health over the real samples: Init:CrashLoopBackOff, Pending too long; restarts alert only when they rise', () => {
  const snap = snapshot();
  const first = podFindings(snap, { counts: {}, risenAt: {} }, NOW, DEFAULT_TIMINGS, subsystemOf);
  const kinds = first.findings.map((f) => `${f.kind} ${f.labels.namespace}/${f.labels.workload}`);
  assert.ok(kinds.includes('PodCrashLooping di-288312/Deployment/vsystem'), kinds.join('\n'));
  assert.ok(kinds.includes('PodPendingTooLong di-288312/Deployment/vsystem'));
  assert.not.ok(
    kinds.some((k) => k.startsWith('PodRestarting')),
    'a first run has no baseline: restarts are not news',
  );
  const crash = first.findings.find((f) => f.kind === 'PodCrashLooping')!;
  assert.match(crash.description, /restartCount 7527; last exit 1 \(Error\)/);
  // etcd-operator restarts once more before the next run
  const again = snapshot();
  const etcd = again.pods[4]!;
  etcd.status!.containerStatuses![0]!.restartCount = 12;
  const second = podFindings(again, first.restarts, NOW + 120_000, DEFAULT_TIMINGS, subsystemOf);
  const restarting = second.findings.filter((f) => f.kind === 'PodRestarting');
  assert.is(restarting.length, 1);
  assert.is(restarting[0]!.labels.workload, 'Deployment/etcd-operator');
  const later = podFindings(
    again,
    second.restarts,
    NOW + 120_000 + DEFAULT_TIMINGS.restartHoldMs,
    DEFAULT_TIMINGS,
    subsystemOf,
  );
  assert.not.ok(
    later.findings.some((f) => f.kind === 'PodRestarting'),
    'no new restart within the hold: resolved',
  );
});

test('nodes Ready and pressure-free give nothing; NotReady/Unknown and DiskPressure are reported', () => {
  const snap = snapshot();
  assert.equal(nodeFindings(snap, subsystemOf), []);
  const cond = snap.nodes[0]!.status!.conditions!;
  cond.find((c) => c.type === 'Ready')!.status = 'Unknown';
  cond.find((c) => c.type === 'DiskPressure')!.status = 'True';
  const found = nodeFindings(snap, subsystemOf).map((f) => f.kind);
  assert.equal(found, ['NodeNotReady', 'NodePressure']);
});

test('workloads: absent counters count as 0; fewer available than desired is reported', () => {
  const snap = snapshot();
  assert.equal(workloadFindings(snap, subsystemOf), []);
  const dp = snap.deployments[0]!;
  delete dp.status!.availableReplicas;
  const found = workloadFindings(snap, subsystemOf);
  assert.is(found.length, 1);
  assert.is(found[0]!.severity, 'critical');
  assert.match(found[0]!.summary, /has 0\/\d+ available/);
});

test.run();
