import type { StandinCluster } from './kube-api-standin.ts';

/**
 * The local stack's demo cluster, served by the Kubernetes API stand-in: one Ready node; STS ingest running its
 * approved build; DUTCH relay crash-looping; EGM archiver running a build that was never approved (its `:latest`
 * moved); an OMGS StatefulSet. The objects follow the API's shapes (list items without kind, omitempty counters).
 */
const digest = (c: string) => `sha256:${c.repeat(64)}`;
export const DEMO_DIGESTS = {
  sts: digest('1'),
  dutch: digest('2'),
  egmApproved: digest('3'),
  egmRunning: digest('4'),
  omgs: digest('5'),
};
const REGISTRY = 'registry.local:5000';
const created = '2026-11-20T08:00:00Z';

function pod(
  ns: string,
  workload: { kind: 'Deployment' | 'StatefulSet'; name: string },
  subsystem: string,
  container: string,
  image: string,
  running: string,
  state: Record<string, unknown>,
  restartCount = 0,
) {
  const hash = '7d9c8b6f5';
  const owner =
    workload.kind === 'Deployment'
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${workload.name}-${hash}`, controller: true }
      : { apiVersion: 'apps/v1', kind: 'StatefulSet', name: workload.name, controller: true };
  const name = workload.kind === 'Deployment' ? `${workload.name}-${hash}-x2k9q` : `${workload.name}-0`;
  return {
    metadata: {
      name,
      namespace: ns,
      uid: `${name}-uid`,
      resourceVersion: '4242',
      creationTimestamp: created,
      labels: {
        app: workload.name,
        'cmp-ops.io/subsystem': subsystem,
        ...(workload.kind === 'Deployment' ? { 'pod-template-hash': hash } : {}),
      },
      ownerReferences: [owner],
    },
    spec: { nodeName: 'ground-node-1', containers: [{ name: container, image }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: state.running ? 'True' : 'False', lastTransitionTime: created }],
      containerStatuses: [
        {
          name: container,
          image,
          imageID: `${REGISTRY}/${image.split('/').pop()!.split(':')[0]}@${running}`,
          ready: Boolean(state.running),
          restartCount,
          started: Boolean(state.running),
          state,
          ...(restartCount
            ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-24T09:58:00Z' } } }
            : {}),
        },
      ],
    },
  };
}

function deployment(ns: string, name: string, subsystem: string, replicas: number, available: number) {
  return {
    metadata: { name, namespace: ns, generation: 3, creationTimestamp: created, labels: { app: name } },
    spec: { replicas, template: { metadata: { labels: { app: name, 'cmp-ops.io/subsystem': subsystem } } } },
    status: {
      observedGeneration: 3,
      replicas,
      updatedReplicas: replicas,
      ...(available ? { readyReplicas: available, availableReplicas: available } : {}),
      ...(replicas > available ? { unavailableReplicas: replicas - available } : {}),
    },
  };
}

/** demoCluster is the cluster the local stack's installation-watch reads. */
export function demoCluster(): StandinCluster {
  const running = { running: { startedAt: '2026-11-24T07:00:00Z' } };
  return {
    nodes: [
      {
        metadata: {
          name: 'ground-node-1',
          labels: { 'kubernetes.io/hostname': 'ground-node-1' },
          creationTimestamp: '2026-01-10T08:00:00Z',
        },
        spec: {},
        status: {
          conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure']
            .map((type) => ({
              type,
              status: 'False',
              reason: `KubeletHasNo${type}`,
              lastHeartbeatTime: '2026-11-24T09:59:00Z',
              lastTransitionTime: '2026-01-10T08:00:00Z',
            }))
            .concat([
              {
                type: 'Ready',
                status: 'True',
                reason: 'KubeletReady',
                lastHeartbeatTime: '2026-11-24T09:59:00Z',
                lastTransitionTime: '2026-01-10T08:00:00Z',
              },
            ]),
          nodeInfo: {
            containerRuntimeVersion: 'containerd://1.7.24',
            kubeletVersion: 'v1.31.4',
            osImage: 'Red Hat Enterprise Linux 9.4 (Plow)',
          },
        },
      },
    ],
    pods: [
      pod(
        'ops',
        { kind: 'Deployment', name: 'sts-ingest' },
        'STS',
        'ingest',
        `${REGISTRY}/sts-ingest:2.4.1`,
        DEMO_DIGESTS.sts,
        running,
      ),
      pod(
        'ops',
        { kind: 'Deployment', name: 'dutch-relay' },
        'DUTCH',
        'relay',
        `${REGISTRY}/dutch-relay:1.9.0`,
        DEMO_DIGESTS.dutch,
        {
          waiting: {
            reason: 'CrashLoopBackOff',
            message:
              'back-off 5m0s restarting failed container=relay pod=dutch-relay-7d9c8b6f5-x2k9q_ops(dutch-relay-7d9c8b6f5-x2k9q-uid)',
          },
        },
        14,
      ),
      pod(
        'ops',
        { kind: 'Deployment', name: 'egm-archiver' },
        'EGM',
        'archiver',
        `${REGISTRY}/egm-archiver:latest`,
        DEMO_DIGESTS.egmRunning,
        running,
      ),
      pod(
        'ops',
        { kind: 'StatefulSet', name: 'omgs-db' },
        'OMGS',
        'postgres',
        `${REGISTRY}/omgs-db:15.8`,
        DEMO_DIGESTS.omgs,
        running,
      ),
    ],
    deployments: [
      deployment('ops', 'sts-ingest', 'STS', 1, 1),
      deployment('ops', 'dutch-relay', 'DUTCH', 1, 0),
      deployment('ops', 'egm-archiver', 'EGM', 1, 1),
    ],
    statefulsets: [
      {
        metadata: { name: 'omgs-db', namespace: 'ops', creationTimestamp: created },
        spec: { replicas: 1, template: { metadata: { labels: { 'cmp-ops.io/subsystem': 'OMGS' } } } },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, currentReplicas: 1, updatedReplicas: 1 },
      },
    ],
    daemonsets: [],
  };
}

/** demoRelease is the validated release of the demo: EGM's approved build is not the one running. */
export function demoRelease(): string {
  const entry = (workload: string, subsystem: string, container: string, image: string, d: string) =>
    `  - workload: ${workload}\n    subsystem: ${subsystem}\n    containers:\n      - name: ${container}\n        image: ${REGISTRY}/${image}\n        digests: ["${d}"]\n`;
  return `# demo release (cmp-ops release approve format)\nrelease: "2026.11-demo"\napprovedAt: "2026-11-20T09:00:00Z"\napprovedBy: "validation campaign VC-DEMO"\nworkloads:\n${entry('ops/Deployment/sts-ingest', 'STS', 'ingest', 'sts-ingest', DEMO_DIGESTS.sts)}${entry('ops/Deployment/dutch-relay', 'DUTCH', 'relay', 'dutch-relay', DEMO_DIGESTS.dutch)}${entry('ops/Deployment/egm-archiver', 'EGM', 'archiver', 'egm-archiver', DEMO_DIGESTS.egmApproved)}${entry('ops/StatefulSet/omgs-db', 'OMGS', 'postgres', 'omgs-db', DEMO_DIGESTS.omgs)}`;
}
