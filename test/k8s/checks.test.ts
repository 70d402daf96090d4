// installation-watch's pure core over real Kubernetes objects (test/fixtures/kubernetes, dockershim, containerd and
// CRI-O samples): image references, the release manifest, health findings and image integrity.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_TIMINGS, diffRelease, formatReleaseManifest, imageFindings, nodeFindings, normalizeRepository, observedRelease, parseImageID, parseImageSpec,
  parseReleaseManifest, podFindings, workloadFindings, workloadOf, type ClusterSnapshot,
} from '#lib/k8s/index.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';

const test = suite('k8s/checks');
const snapshot = () => fixtureCluster() as unknown as ClusterSnapshot;
const subsystemOf = (labels: Record<string, string> | undefined) => labels?.['cmp-ops.io/subsystem'] ?? 'CLUSTER';
const NOW = Date.parse('2026-11-24T10:00:00Z');
const D = (c: string) => `sha256:${c.repeat(64)}`;

function rejected(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isOpsError(err)) return err;
    throw err;
  }
  throw new Error('expected RELEASE_INVALID');
}

test('imageID per runtime: dockershim, containerd, CRI-O digests; bare config ids are unverifiable; "" not started', () => {
  assert.equal(parseImageID('docker-pullable://nginx@sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595'), { kind: 'digest', repository: 'docker.io/library/nginx', digest: 'sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595' });
  assert.equal(parseImageID(`docker.io/istio/base@${D('a')}`), { kind: 'digest', repository: 'docker.io/istio/base', digest: D('a') });
  assert.equal(parseImageID(`quay.io/openshift-release-dev/ocp-v4.0-art-dev@${D('b')}`).kind, 'digest');
  assert.equal(parseImageID(`docker://${D('c')}`), { kind: 'config-id', id: D('c') });
  assert.equal(parseImageID(D('c')).kind, 'config-id');
  assert.equal(parseImageID(''), { kind: 'not-started' });
  assert.is(normalizeRepository('registry.local:5000/cmp-ops-alert-router'), 'registry.local:5000/cmp-ops-alert-router');
  assert.is(normalizeRepository('localhost/app'), 'localhost/app');
  assert.equal(parseImageSpec('nginx'), { repository: 'docker.io/library/nginx', tag: 'latest' });
  assert.equal(parseImageSpec(`registry.local:5000/sts@${D('d')}`), { repository: 'registry.local:5000/sts', digest: D('d') });
});

test('workloadOf: ReplicaSet owner minus pod-template-hash is the Deployment; StatefulSet direct; bare pod', () => {
  const [nginx, , vsystem, prometheus] = snapshot().pods;
  assert.equal(workloadOf(vsystem!), { namespace: 'di-288312', kind: 'Deployment', name: 'vsystem' });
  assert.equal(workloadOf(prometheus!), { namespace: 'openshift-monitoring', kind: 'StatefulSet', name: 'prometheus-k8s' });
  assert.equal(workloadOf(nginx!), { namespace: 'default', kind: 'Pod', name: 'nginx' });
});

test('release manifest: a tag without a digest is rejected with its line; bad YAML and unknown keys too', () => {
  const tagged = 'release: "2026.11"\nworkloads:\n  - workload: ops/Deployment/sts-ingest\n    containers:\n      - name: ingest\n        image: registry.local:5000/sts-ingest:1.4.2\n';
  const err = rejected(() => parseReleaseManifest(tagged));
  assert.is(err.code, 'RELEASE_INVALID');
  assert.is(err.details[0]?.line, 6);
  assert.match(err.message, /tag 1\.4\.2 and no digest/);
  const yaml = rejected(() => parseReleaseManifest('release: "x"\nworkloads: [\n  - a: b\n'));
  assert.is(yaml.code, 'RELEASE_INVALID');
  assert.ok(typeof yaml.details[0]?.line === 'number');
  const unknown = rejected(() => parseReleaseManifest('release: "x"\nworkloads: []\nnotes: hi\n'));
  assert.is(unknown.details[0]?.line, 3);
  const badDigest = rejected(() => parseReleaseManifest('release: x\nworkloads:\n  - workload: ops/Deployment/a\n    containers:\n      - name: a\n        image: r/a\n        digests: [sha256:abc]\n'));
  assert.match(badDigest.message, /not a sha256 digest/);
  const ok = parseReleaseManifest(`release: x\nworkloads:\n  - workload: ops/Deployment/a\n    containers:\n      - name: a\n        image: r.local/a@${D('e')}\n`);
  assert.equal(ok.workloads[0]?.containers[0], { name: 'a', image: 'r.local/a', digests: [D('e')] });
});

test('health over the real samples: Init:CrashLoopBackOff, Pending too long; restarts alert only when they rise', () => {
  const snap = snapshot();
  const first = podFindings(snap, { counts: {}, risenAt: {} }, NOW, DEFAULT_TIMINGS, subsystemOf);
  const kinds = first.findings.map((f) => `${f.kind} ${f.labels.namespace}/${f.labels.workload}`);
  assert.ok(kinds.includes('PodCrashLooping di-288312/Deployment/vsystem'), kinds.join('\n'));
  assert.ok(kinds.includes('PodPendingTooLong di-288312/Deployment/vsystem'));
  assert.not.ok(kinds.some((k) => k.startsWith('PodRestarting')), 'a first run has no baseline: restarts are not news');
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
  const later = podFindings(again, second.restarts, NOW + 120_000 + DEFAULT_TIMINGS.restartHoldMs, DEFAULT_TIMINGS, subsystemOf);
  assert.not.ok(later.findings.some((f) => f.kind === 'PodRestarting'), 'no new restart within the hold: resolved');
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

test('image integrity: the observed baseline approves itself; a moved tag is ReleaseDrift; unknown workload is UnapprovedImage', () => {
  const snap = snapshot();
  const { manifest, unverifiable } = observedRelease(snap, '2026.11', '2026-11-24T10:00:00Z', 'VC-42', subsystemOf);
  assert.is(unverifiable.length, 0);
  const again = parseReleaseManifest(formatReleaseManifest(manifest));
  assert.equal(again, manifest, 'approve output reads back identically');
  const all = () => true;
  assert.equal(imageFindings(snap, again, subsystemOf, all), []);

  const nginx = again.workloads.find((w) => w.workload === 'default/Pod/nginx')!;
  nginx.containers[0]!.digests = [D('f')];
  const drift = imageFindings(snap, again, subsystemOf, all);
  assert.is(drift.length, 1);
  assert.is(drift[0]!.kind, 'ReleaseDrift');
  assert.match(drift[0]!.summary, /unapproved build of docker\.io\/library\/nginx:alpine/);
  assert.is(drift[0]!.labels.digest, 'sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595');

  const without = { ...again, workloads: again.workloads.filter((w) => !w.workload.includes('prometheus-k8s')) };
  const unapproved = imageFindings(snap, without, subsystemOf, all).filter((f) => f.kind === 'UnapprovedImage');
  assert.ok(unapproved.length >= 1);
  assert.ok(unapproved.every((f) => f.labels.workload === 'StatefulSet/prometheus-k8s'));

  const changes = diffRelease(without, observedRelease(snap, 'now', '', undefined, subsystemOf).manifest);
  assert.ok(changes.some((c) => c.change === 'added' && c.workload === 'openshift-monitoring/StatefulSet/prometheus-k8s'));
  assert.ok(changes.some((c) => c.change === 'changed' && c.workload === 'default/Pod/nginx'));
});

test('a bare image config id is ImageUnverifiable unless the spec pins an approved digest; gone workloads drift', () => {
  const snap = snapshot();
  const { manifest } = observedRelease(snap, 'r1', '2026-11-24T10:00:00Z', undefined, subsystemOf);
  const nginx = snap.pods[0]!;
  nginx.status!.containerStatuses![0]!.imageID = `docker://${D('9')}`;
  const found = imageFindings(snap, manifest, subsystemOf, () => true);
  assert.equal(found.map((f) => f.kind), ['ImageUnverifiable']);
  nginx.spec!.containers![0]!.image = `nginx@${manifest.workloads.find((w) => w.workload === 'default/Pod/nginx')!.containers[0]!.digests[0]}`;
  assert.equal(imageFindings(snap, manifest, subsystemOf, () => true), []);
  snap.pods.splice(0, 1);
  const gone = imageFindings(snap, manifest, subsystemOf, () => true);
  assert.equal(gone.map((f) => [f.kind, f.key]), [['ReleaseDrift', 'absent/default/Pod/nginx']]);
});

test.run();
