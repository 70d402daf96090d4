// Workload identity over real Kubernetes objects (test/fixtures/kubernetes).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { workloadOf, type ClusterSnapshot } from '#lib/k8s/index.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';

const test = suite('k8s/objects');
const snapshot = () => fixtureCluster() as unknown as ClusterSnapshot;

test('workloadOf: ReplicaSet owner minus pod-template-hash is the Deployment; StatefulSet direct; bare pod', () => {
  const [nginx, , vsystem, prometheus] = snapshot().pods;
  assert.equal(workloadOf(vsystem!), { namespace: 'di-288312', kind: 'Deployment', name: 'vsystem' });
  assert.equal(workloadOf(prometheus!), {
    namespace: 'openshift-monitoring',
    kind: 'StatefulSet',
    name: 'prometheus-k8s',
  });
  assert.equal(workloadOf(nginx!), { namespace: 'default', kind: 'Pod', name: 'nginx' });
});

test.run();
