import type { Finding } from './findings.ts';
import type { SubsystemOf } from './health.ts';
import { parseImageID, parseImageSpec, type RunningImage } from './image-ref.ts';
import { workloadKey, workloadOf, type ClusterSnapshot } from './objects.ts';
import { approvedIndex, type ReleaseManifest } from './release.ts';

/** RunningContainer is what one container of a workload runs right now, across all its pods. */
export interface RunningContainer {
  workload: string;
  container: string;
  specImage: string;
  running: RunningImage;
  pods: string[];
  labels: Record<string, string> | undefined;
}

/**
 * runningContainers lists every distinct (workload, container, running image) of the cluster, init containers and
 * sidecars included: everything that executes must be the validated version.
 */
export function runningContainers(snapshot: ClusterSnapshot): RunningContainer[] {
  const found = new Map<string, RunningContainer>();
  for (const pod of snapshot.pods) {
    const workload = workloadKey(workloadOf(pod));
    const specs = new Map(
      [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name ?? '', c.image ?? '']),
    );
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const running = parseImageID(status.imageID);
      const container = status.name ?? '';
      const identity = running.kind === 'digest' ? running.digest : running.kind === 'config-id' ? running.id : '';
      const key = `${workload}\u0000${container}\u0000${identity}`;
      const entry = found.get(key);
      if (entry) entry.pods.push(pod.metadata?.name ?? '');
      else
        found.set(key, {
          workload,
          container,
          specImage: specs.get(container) ?? status.image ?? '',
          running,
          pods: [pod.metadata?.name ?? ''],
          labels: pod.metadata?.labels,
        });
    }
  }
  return [...found.values()];
}

function labelsOf(workload: string, container?: string): Record<string, string> {
  const [namespace = '', kind = '', name = ''] = workload.split('/');
  return { namespace, workload: `${kind}/${name}`, ...(container ? { container } : {}) };
}

/**
 * imageFindings compares what runs with the approved release:
 * - UnapprovedImage: a workload or container absent from the manifest, or a different repository;
 * - ReleaseDrift: the approved repository at a digest that was never approved (a tag such as `:latest` moved, or a
 *   build deployed without validation), or an approved workload that no longer runs;
 * - ImageUnverifiable: the runtime reports only an image config id (no registry digest), unless the pod spec pins
 *   an approved digest.
 * Containers that have not started (`imageID: ""`) are skipped; they are judged once they run.
 */
export function imageFindings(
  snapshot: ClusterSnapshot,
  manifest: ReleaseManifest,
  subsystemOf: SubsystemOf,
  inScope: (namespace: string) => boolean,
): Finding[] {
  const approved = approvedIndex(manifest);
  const findings: Finding[] = [];
  const seenWorkloads = new Set<string>();
  for (const rc of runningContainers(snapshot)) {
    seenWorkloads.add(rc.workload);
    if (rc.running.kind === 'not-started') continue;
    const entry = approved.get(rc.workload);
    const expected = entry?.containers.get(rc.container);
    const subsystem = entry?.subsystem ?? subsystemOf(rc.labels, rc.workload);
    const labels = labelsOf(rc.workload, rc.container);
    const pods = `Pods: ${rc.pods.slice(0, 5).join(', ')}${rc.pods.length > 5 ? ` and ${rc.pods.length - 5} more` : ''}.`;
    if (rc.running.kind === 'config-id') {
      const pinned = parseImageSpec(rc.specImage).digest;
      if (pinned && expected?.digests.includes(pinned)) continue;
      findings.push({
        kind: 'ImageUnverifiable',
        key: `unverifiable/${rc.workload}/${rc.container}`,
        severity: 'warning',
        subsystem,
        labels,
        summary: `${labels.workload} container ${rc.container} runs an image without a registry digest in ${labels.namespace}`,
        description: `the runtime reports only the image config id ${rc.running.id}; pin the image by digest (${rc.specImage}@sha256:…) so it can be verified. ${pods}`,
      });
      continue;
    }
    const { repository, digest } = rc.running;
    if (expected?.digests.includes(digest)) continue;
    if (!expected) {
      findings.push({
        kind: 'UnapprovedImage',
        key: `unapproved/${rc.workload}/${rc.container}/${digest}`,
        severity: 'critical',
        subsystem,
        labels: { ...labels, digest },
        summary: `${labels.workload} container ${rc.container} is not in the approved release ${manifest.release}`,
        description: `${entry ? `container ${rc.container} is` : `workload ${rc.workload} is`} missing from the release manifest; it runs ${repository}@${digest}. ${pods}`,
      });
    } else if (expected.image !== repository) {
      findings.push({
        kind: 'UnapprovedImage',
        key: `unapproved/${rc.workload}/${rc.container}/${digest}`,
        severity: 'critical',
        subsystem,
        labels: { ...labels, digest },
        summary: `${labels.workload} container ${rc.container} runs ${repository}, not the approved ${expected.image}`,
        description: `running ${repository}@${digest}; release ${manifest.release} approves ${expected.image}@${expected.digests.join(' or ')}. ${pods}`,
      });
    } else {
      const tag = parseImageSpec(rc.specImage).tag;
      findings.push({
        kind: 'ReleaseDrift',
        key: `drift/${rc.workload}/${rc.container}/${digest}`,
        severity: 'critical',
        subsystem,
        labels: { ...labels, digest },
        summary: `${labels.workload} container ${rc.container} runs an unapproved build of ${repository}${tag ? `:${tag}` : ''}`,
        description: `running digest ${digest}; release ${manifest.release} approves ${expected.digests.join(' or ')}${tag ? ` (tag ${tag} moved, or a build was deployed without validation)` : ''}. ${pods}`,
      });
    }
  }
  for (const w of manifest.workloads) {
    const namespace = w.workload.split('/')[0] ?? '';
    if (seenWorkloads.has(w.workload) || !inScope(namespace)) continue;
    findings.push({
      kind: 'ReleaseDrift',
      key: `absent/${w.workload}`,
      severity: 'warning',
      subsystem: w.subsystem ?? subsystemOf(undefined, w.workload),
      labels: labelsOf(w.workload),
      summary: `${w.workload} of release ${manifest.release} has no running pod`,
      description: `the approved workload ${w.workload} is not running (deleted, renamed or scaled to zero).`,
    });
  }
  return findings;
}

/** observedRelease records what runs now as a release manifest (`cmp-ops release approve`). */
export function observedRelease(
  snapshot: ClusterSnapshot,
  release: string,
  now: string,
  approvedBy: string | undefined,
  subsystemOf: SubsystemOf,
): { manifest: ReleaseManifest; unverifiable: RunningContainer[] } {
  const workloads = new Map<string, Map<string, { image: string; digests: Set<string> }>>();
  const subsystems = new Map<string, string>();
  const unverifiable: RunningContainer[] = [];
  for (const rc of runningContainers(snapshot)) {
    if (rc.running.kind !== 'digest') {
      if (rc.running.kind === 'config-id') unverifiable.push(rc);
      continue;
    }
    const containers = workloads.get(rc.workload) ?? new Map();
    workloads.set(rc.workload, containers);
    subsystems.set(rc.workload, subsystemOf(rc.labels, rc.workload));
    const c = containers.get(rc.container) ?? { image: rc.running.repository, digests: new Set<string>() };
    c.digests.add(rc.running.digest);
    containers.set(rc.container, c);
  }
  const manifest: ReleaseManifest = {
    release,
    approvedAt: now,
    ...(approvedBy ? { approvedBy } : {}),
    workloads: [...workloads.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([workload, containers]) => ({
        workload,
        subsystem: subsystems.get(workload) ?? 'unknown',
        containers: [...containers.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, c]) => ({ name, image: c.image, digests: [...c.digests].sort() })),
      })),
  };
  return { manifest, unverifiable };
}

/** ReleaseChange is one line of `cmp-ops release diff`. */
export interface ReleaseChange {
  change: 'added' | 'removed' | 'changed';
  workload: string;
  container?: string;
  approved?: string[];
  running?: string[];
  image?: string;
}

/** diffRelease lists what differs between the approved manifest and an observed one, workload by container. */
export function diffRelease(approved: ReleaseManifest, observed: ReleaseManifest): ReleaseChange[] {
  const a = approvedIndex(approved);
  const o = approvedIndex(observed);
  const changes: ReleaseChange[] = [];
  for (const [workload, obs] of o) {
    const app = a.get(workload);
    if (!app) {
      changes.push({ change: 'added', workload });
      continue;
    }
    for (const [name, c] of obs.containers) {
      const ac = app.containers.get(name);
      if (!ac) changes.push({ change: 'added', workload, container: name, running: c.digests, image: c.image });
      else if (ac.image !== c.image || c.digests.some((d) => !ac.digests.includes(d)))
        changes.push({
          change: 'changed',
          workload,
          container: name,
          approved: ac.digests,
          running: c.digests,
          image: c.image,
        });
    }
    for (const name of app.containers.keys())
      if (!obs.containers.has(name)) changes.push({ change: 'removed', workload, container: name });
  }
  for (const workload of a.keys()) if (!o.has(workload)) changes.push({ change: 'removed', workload });
  return changes;
}
