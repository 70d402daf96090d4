/**
 * The few fields of Kubernetes objects installation-watch reads, typed structurally so both the client's model
 * instances (timestamps as Date) and plain JSON (timestamps as RFC 3339 strings) fit. Counters are omitempty on the
 * wire: absent means 0 (kubernetes/api apps/v1 types.go).
 */
export type KubeTime = string | Date;

export interface KubeMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp?: KubeTime;
  generation?: number;
  ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
}

export interface KubeCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: KubeTime;
}

export interface KubeContainerStatus {
  name?: string;
  image?: string;
  imageID?: string;
  restartCount?: number;
  ready?: boolean;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: KubeTime };
    terminated?: { reason?: string; exitCode?: number };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: KubeTime } };
}

export interface KubePod {
  metadata?: KubeMeta;
  spec?: {
    nodeName?: string;
    containers?: Array<{ name?: string; image?: string }>;
    initContainers?: Array<{ name?: string; image?: string }>;
  };
  status?: {
    phase?: string;
    conditions?: KubeCondition[];
    containerStatuses?: KubeContainerStatus[];
    initContainerStatuses?: KubeContainerStatus[];
  };
}

export interface KubeNode {
  metadata?: KubeMeta;
  spec?: { unschedulable?: boolean };
  status?: { conditions?: KubeCondition[] };
}

export interface KubeDeployment {
  metadata?: KubeMeta;
  spec?: { replicas?: number; template?: { metadata?: KubeMeta } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
  };
}

export interface KubeStatefulSet {
  metadata?: KubeMeta;
  spec?: { replicas?: number; template?: { metadata?: KubeMeta } };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface KubeDaemonSet {
  metadata?: KubeMeta;
  spec?: { template?: { metadata?: KubeMeta } };
  status?: {
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
  };
}

/** ClusterSnapshot is one consistent-enough read of everything installation-watch checks. */
export interface ClusterSnapshot {
  nodes: KubeNode[];
  pods: KubePod[];
  deployments: KubeDeployment[];
  statefulsets: KubeStatefulSet[];
  daemonsets: KubeDaemonSet[];
}

/** KubeReader is the port to the Kubernetes API: list everything (all pages) once per run. */
export interface KubeReader {
  snapshot(signal?: AbortSignal): Promise<ClusterSnapshot>;
}

/** millis turns a Kubernetes timestamp (Date or RFC 3339) into epoch milliseconds, NaN when absent or invalid. */
export function millis(time: KubeTime | undefined): number {
  if (time === undefined) return Number.NaN;
  return time instanceof Date ? time.getTime() : Date.parse(time);
}

/** Workload identifies what owns a pod: Deployment, StatefulSet, DaemonSet, Job, or the bare Pod itself. */
export interface Workload {
  namespace: string;
  kind: string;
  name: string;
}

/** workloadKey is the stable text form `namespace/Kind/name` used in release manifests and alert keys. */
export function workloadKey(w: Workload): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

/**
 * workloadOf follows a pod's controller reference one level and, for a ReplicaSet, strips the pod-template-hash
 * suffix (`<deployment>-<hash>`, the ReplicaSet naming rule of the deployment controller) to name the Deployment.
 */
export function workloadOf(pod: KubePod): Workload {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? 'default';
  const owner = meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];
  if (!owner?.kind || !owner.name) return { namespace, kind: 'Pod', name: meta.name ?? '' };
  if (owner.kind === 'ReplicaSet') {
    const hash = meta.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`))
      return { namespace, kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
    return { namespace, kind: 'ReplicaSet', name: owner.name };
  }
  return { namespace, kind: owner.kind, name: owner.name };
}
