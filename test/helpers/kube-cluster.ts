import type { StandinCluster } from '../../scripts/local-stack/kube-api-standin.ts';
import { readFixture } from './fixtures.ts';

/** asListItem drops kind/apiVersion: items inside a real list response carry neither (reference kubernetes.md §1). */
export function asListItem(object: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/** kubeFixture parses one copied real object from test/fixtures/kubernetes. */
export function kubeFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFixture('kubernetes', name)) as Record<string, unknown>;
}

/**
 * fixtureCluster is a cluster made of the real samples: a dockershim nginx pod, a containerd pod with a sidecar, the
 * CRI-O pods (one in Init:CrashLoopBackOff, Prometheus pinned by digest, etcd-operator restarted 11 times), two
 * nodes, and the k9s Deployment, StatefulSet and DaemonSet.
 */
export function fixtureCluster(): StandinCluster {
  const items = (...names: string[]) => names.map((n) => asListItem(kubeFixture(n)));
  return {
    nodes: items('derailed-k9s__internal-render-testdata-no.json', 'openshift-insights-operator__node-master-0.json'),
    pods: items(
      'derailed-k9s__internal-render-testdata-po.json',
      'derailed-k9s__internal-render-testdata-po_sidecar.json',
      'openshift-insights-operator__pod-di-288312-vsystem-867f4b77cc-pqcns.json',
      'openshift-insights-operator__pod-openshift-monitoring-prometheus-k8s-0.json',
      'openshift-insights-operator__pod-openshift-etcd-operator-etcd-operator-78bb597755-r6lgn.json',
    ),
    deployments: items('derailed-k9s__internal-render-testdata-dp.json'),
    statefulsets: items('derailed-k9s__internal-render-testdata-sts.json'),
    daemonsets: items('derailed-k9s__internal-render-testdata-ds.json'),
  };
}
