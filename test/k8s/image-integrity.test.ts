// Image integrity over real Kubernetes objects (test/fixtures/kubernetes): running digests against the approved release.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  diffRelease,
  formatReleaseManifest,
  imageFindings,
  observedRelease,
  parseReleaseManifest,
  type ClusterSnapshot,
} from '#lib/k8s/index.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';

const test = suite('k8s/image-integrity');
const snapshot = () => fixtureCluster() as unknown as ClusterSnapshot;
const subsystemOf = (labels: Record<string, string> | undefined) => labels?.['cmp-ops.io/subsystem'] ?? 'CLUSTER';
const D = (c: string) => `sha256:${c.repeat(64)}`;

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
  assert.ok(
    changes.some((c) => c.change === 'added' && c.workload === 'openshift-monitoring/StatefulSet/prometheus-k8s'),
  );
  assert.ok(changes.some((c) => c.change === 'changed' && c.workload === 'default/Pod/nginx'));
});

test('a bare image config id is ImageUnverifiable unless the spec pins an approved digest; gone workloads drift', () => {
  const snap = snapshot();
  const { manifest } = observedRelease(snap, 'r1', '2026-11-24T10:00:00Z', undefined, subsystemOf);
  const nginx = snap.pods[0]!;
  nginx.status!.containerStatuses![0]!.imageID = `docker://${D('9')}`;
  const found = imageFindings(snap, manifest, subsystemOf, () => true);
  assert.equal(
    found.map((f) => f.kind),
    ['ImageUnverifiable'],
  );
  nginx.spec!.containers![0]!.image =
    `nginx@${manifest.workloads.find((w) => w.workload === 'default/Pod/nginx')!.containers[0]!.digests[0]}`;
  assert.equal(
    imageFindings(snap, manifest, subsystemOf, () => true),
    [],
  );
  snap.pods.splice(0, 1);
  const gone = imageFindings(snap, manifest, subsystemOf, () => true);
  assert.equal(
    gone.map((f) => [f.kind, f.key]),
    [['ReleaseDrift', 'absent/default/Pod/nginx']],
  );
});

test.run();
