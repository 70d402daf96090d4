import type { Finding, WatchTimings } from './findings.ts';
import {
  millis,
  workloadKey,
  workloadOf,
  type ClusterSnapshot,
  type KubeContainerStatus,
  type KubeMeta,
  type KubePod,
} from './objects.ts';

/** SubsystemOf names the subsystem of an object from its labels (or a fallback such as the release manifest's). */
export type SubsystemOf = (labels: Record<string, string> | undefined, workload?: string) => string;

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];
const PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);

/** nodeFindings: Ready not True (False or Unknown, i.e. the node lease lapsed) and memory/disk/PID pressure. */
export function nodeFindings(snapshot: ClusterSnapshot, subsystemOf: SubsystemOf): Finding[] {
  const findings: Finding[] = [];
  for (const node of snapshot.nodes) {
    const name = node.metadata?.name ?? '';
    const subsystem = subsystemOf(node.metadata?.labels);
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') {
      findings.push({
        kind: 'NodeNotReady',
        key: `node/${name}`,
        severity: 'critical',
        subsystem,
        labels: { node: name },
        summary: `node ${name} is not Ready (${ready?.status ?? 'no Ready condition'})`,
        description: `Ready=${ready?.status ?? 'absent'}${ready?.reason ? ` reason ${ready.reason}` : ''}${ready?.message ? `: ${ready.message}` : ''}; pods on it may be evicted.`,
      });
    }
    for (const c of conditions) {
      if (!PRESSURES.includes(c.type ?? '') || c.status !== 'True') continue;
      findings.push({
        kind: 'NodePressure',
        key: `node/${name}/${c.type}`,
        severity: 'warning',
        subsystem,
        labels: { node: name, condition: c.type ?? '' },
        summary: `node ${name} reports ${c.type}`,
        description: `${c.type}=True${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}; the kubelet may evict pods.`,
      });
    }
  }
  return findings;
}

/** ContainerRef is one container of one pod, with its workload. */
interface ContainerRef {
  pod: KubePod;
  status: KubeContainerStatus;
  workload: string;
  namespace: string;
  labels: { namespace: string; workload: string };
}

function* containers(pods: KubePod[]): Generator<ContainerRef> {
  for (const pod of pods) {
    const w = workloadOf(pod);
    const labels = { namespace: w.namespace, workload: `${w.kind}/${w.name}` };
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      yield { pod, status, workload: workloadKey(w), namespace: w.namespace, labels };
    }
  }
}

/** RestartMemory is the restart count of every container at the last run, and when each last rose. */
export interface RestartMemory {
  counts: Record<string, number>;
  risenAt: Record<string, number>;
}

/**
 * podFindings: containers waiting in CrashLoopBackOff or failing to pull, restart counts that rose since the last
 * run (held for `restartHoldMs` so one restart is one alert, not a flap), and pods Pending longer than
 * `pendingMaxMs` since creation (status.startTime is absent for unscheduled pods). Grouped per workload and
 * container so a ReplicaSet of ten crashing pods is one alert.
 */
export function podFindings(
  snapshot: ClusterSnapshot,
  previous: RestartMemory,
  now: number,
  timings: WatchTimings,
  subsystemOf: SubsystemOf,
): { findings: Finding[]; restarts: RestartMemory } {
  const grouped = new Map<string, { finding: Finding; pods: string[] }>();
  const add = (finding: Finding, pod: string) => {
    const entry = grouped.get(finding.key);
    if (entry) entry.pods.push(pod);
    else grouped.set(finding.key, { finding, pods: [pod] });
  };
  const restarts: RestartMemory = { counts: {}, risenAt: {} };
  for (const ref of containers(snapshot.pods)) {
    const podName = ref.pod.metadata?.name ?? '';
    const container = ref.status.name ?? '';
    const subsystem = subsystemOf(ref.pod.metadata?.labels, ref.workload);
    const labels = { ...ref.labels, container };
    const waiting = ref.status.state?.waiting?.reason;
    if (waiting === 'CrashLoopBackOff') {
      const last = ref.status.lastState?.terminated;
      add(
        {
          kind: 'PodCrashLooping',
          key: `crash/${ref.workload}/${container}`,
          severity: 'critical',
          subsystem,
          labels,
          summary: `${labels.workload} container ${container} is in CrashLoopBackOff in ${ref.namespace}`,
          description: `restartCount ${ref.status.restartCount ?? 0}${last ? `; last exit ${last.exitCode ?? '?'} (${last.reason ?? 'unknown'})` : ''}.`,
        },
        podName,
      );
    } else if (waiting && PULL_FAILURES.has(waiting)) {
      add(
        {
          kind: 'PodImagePullFailing',
          key: `pull/${ref.workload}/${container}`,
          severity: 'critical',
          subsystem,
          labels,
          summary: `${labels.workload} container ${container} cannot pull its image (${waiting}) in ${ref.namespace}`,
          description: `${ref.status.state?.waiting?.message ?? waiting}; image ${ref.status.image ?? '?'}.`,
        },
        podName,
      );
    }
    const countKey = `${ref.namespace}/${podName}/${container}`;
    const count = ref.status.restartCount ?? 0;
    restarts.counts[countKey] = count;
    const before = previous.counts[countKey];
    let risenAt = previous.risenAt[countKey];
    if (before !== undefined && count > before) risenAt = now;
    if (risenAt !== undefined && now - risenAt < timings.restartHoldMs) {
      restarts.risenAt[countKey] = risenAt;
      add(
        {
          kind: 'PodRestarting',
          key: `restart/${ref.workload}/${container}`,
          severity: 'warning',
          subsystem,
          labels,
          summary: `${labels.workload} container ${container} restarted in ${ref.namespace}`,
          description: `restartCount ${before ?? '?'} → ${count} between runs.`,
        },
        podName,
      );
    }
  }
  for (const pod of snapshot.pods) {
    if (pod.status?.phase !== 'Pending') continue;
    const created = millis(pod.metadata?.creationTimestamp);
    if (!(now - created > timings.pendingMaxMs)) continue;
    const w = workloadOf(pod);
    const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    add(
      {
        kind: 'PodPendingTooLong',
        key: `pending/${workloadKey(w)}`,
        severity: 'warning',
        subsystem: subsystemOf(pod.metadata?.labels, workloadKey(w)),
        labels: { namespace: w.namespace, workload: `${w.kind}/${w.name}` },
        summary: `${w.kind}/${w.name} has pods Pending for more than ${Math.round(timings.pendingMaxMs / 60_000)} min in ${w.namespace}`,
        description:
          scheduled?.status === 'False'
            ? `not scheduled: ${scheduled.reason ?? ''} ${scheduled.message ?? ''}`.trim()
            : `Pending since ${new Date(created).toISOString()}.`,
      },
      pod.metadata?.name ?? '',
    );
  }
  const findings = [...grouped.values()].map(({ finding, pods }) => ({
    ...finding,
    description: `${finding.description} Pods: ${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ` and ${pods.length - 5} more` : ''}.`,
  }));
  return { findings, restarts };
}

function workloadFinding(
  kind: string,
  meta: KubeMeta | undefined,
  templateLabels: Record<string, string> | undefined,
  want: number,
  have: number,
  subsystemOf: SubsystemOf,
  what: string,
): Finding | undefined {
  if (have >= want) return undefined;
  const namespace = meta?.namespace ?? 'default';
  const name = meta?.name ?? '';
  const key = `${namespace}/${kind}/${name}`;
  return {
    kind: 'WorkloadUnavailable',
    key: `unavailable/${key}`,
    severity: have === 0 ? 'critical' : 'warning',
    subsystem: subsystemOf(templateLabels ?? meta?.labels, key),
    labels: { namespace, workload: `${kind}/${name}` },
    summary: `${kind}/${name} has ${have}/${want} ${what} in ${namespace}`,
    description: `${want - have} of ${want} replicas are not ${what}.`,
  };
}

/**
 * workloadFindings: Deployments with fewer available replicas than desired (only once the controller observed the
 * current generation), StatefulSets with fewer ready replicas, DaemonSets with unavailable or unready pods. Absent
 * counters are 0 (omitempty).
 */
export function workloadFindings(snapshot: ClusterSnapshot, subsystemOf: SubsystemOf): Finding[] {
  const out: Array<Finding | undefined> = [];
  for (const d of snapshot.deployments) {
    if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) continue;
    const want = d.spec?.replicas ?? 1;
    const have = Math.min(d.status?.availableReplicas ?? 0, want - (d.status?.unavailableReplicas ?? 0));
    out.push(
      workloadFinding(
        'Deployment',
        d.metadata,
        d.spec?.template?.metadata?.labels,
        want,
        Math.max(0, have),
        subsystemOf,
        'available',
      ),
    );
  }
  for (const s of snapshot.statefulsets)
    out.push(
      workloadFinding(
        'StatefulSet',
        s.metadata,
        s.spec?.template?.metadata?.labels,
        s.spec?.replicas ?? 1,
        s.status?.readyReplicas ?? 0,
        subsystemOf,
        'ready',
      ),
    );
  for (const ds of snapshot.daemonsets) {
    const want = ds.status?.desiredNumberScheduled ?? 0;
    const have = Math.min(ds.status?.numberReady ?? 0, want - (ds.status?.numberUnavailable ?? 0));
    out.push(
      workloadFinding(
        'DaemonSet',
        ds.metadata,
        ds.spec?.template?.metadata?.labels,
        want,
        Math.max(0, have),
        subsystemOf,
        'ready',
      ),
    );
  }
  return out.filter((f): f is Finding => f !== undefined);
}
