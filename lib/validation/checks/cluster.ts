import {
  DEFAULT_TIMINGS,
  imageFindings,
  nodeFindings,
  parseReleaseManifest,
  podFindings,
  runningContainers,
  workloadFindings,
  type ClusterSnapshot,
  type Finding,
} from '#lib/k8s/index.ts';
import { readConfigText } from '#lib/storage/index.ts';
import type { ImagesApprovedSpec, WorkloadsHealthySpec } from '../check-specs.ts';
import { blocked, capped, type CheckDeps, type CheckOutcome } from './types.ts';

// only what is wrong now counts: a restart seen between two runs needs installation-watch's memory, not a campaign
const NOW_WRONG = new Set(['PodCrashLooping', 'PodImagePullFailing', 'PodPendingTooLong']);

function scoped(
  snapshot: ClusterSnapshot,
  namespaces: string[] | undefined,
): { snapshot: ClusterSnapshot; inScope: (ns: string) => boolean } {
  const set = new Set(namespaces ?? []);
  const inScope = (ns: string) => set.size === 0 || set.has(ns);
  const keep = <T extends { metadata?: { namespace?: string } }>(items: T[]) =>
    items.filter((i) => inScope(i.metadata?.namespace ?? 'default'));
  return {
    inScope,
    snapshot: {
      nodes: snapshot.nodes,
      pods: keep(snapshot.pods),
      deployments: keep(snapshot.deployments),
      statefulsets: keep(snapshot.statefulsets),
      daemonsets: keep(snapshot.daemonsets),
    },
  };
}

const findingLine = (f: Finding) =>
  `${f.kind} ${f.labels.namespace ? `${f.labels.namespace}/` : ''}${f.labels.workload ?? f.labels.node ?? ''}${f.labels.container ? ` ${f.labels.container}` : ''}: ${f.summary}. ${f.description}`;

/** checkImagesApproved compares every running image digest with the approved release installation-watch reads. */
export async function checkImagesApproved(spec: ImagesApprovedSpec, deps: CheckDeps): Promise<CheckOutcome> {
  if (!deps.kube) return blocked('no Kubernetes API configured (KUBECONFIG or the in-cluster ServiceAccount)');
  const where = (spec.manifest ?? 'state:installation-watch/release.yaml').slice('state:'.length);
  const read = await readConfigText(`state:${where}`, {
    store: deps.store,
    stateBucket: deps.state.bucket,
    invalidCode: 'RELEASE_INVALID',
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  if (!read || !('text' in read))
    return {
      status: 'f',
      summary: `no approved release manifest at s3://${deps.state.bucket}/${where}`,
      evidence: ['record it with `cmp-ops release approve --release NAME --to s3://…`'],
    };
  const manifest = parseReleaseManifest(read.text, `s3://${deps.state.bucket}/${where}`);
  const { snapshot, inScope } = scoped(await deps.kube.snapshot(deps.signal), spec.namespaces);
  const subsystemOf = (labels: Record<string, string> | undefined) => labels?.[deps.subsystemLabel] ?? 'CLUSTER';
  const findings = imageFindings(snapshot, manifest, subsystemOf, inScope);
  const running = runningContainers(snapshot)
    .filter((rc) => rc.running.kind === 'digest')
    .map(
      (rc) =>
        `${rc.workload} ${rc.container} ${rc.running.kind === 'digest' ? `${rc.running.repository}@${rc.running.digest}` : ''}`,
    );
  const header = `approved release ${manifest.release}${manifest.approvedAt ? ` (approved ${manifest.approvedAt}${manifest.approvedBy ? ` by ${manifest.approvedBy}` : ''})` : ''}, manifest s3://${deps.state.bucket}/${where}`;
  if (manifest.release !== deps.release) {
    return {
      status: 'f',
      summary: `the approved release is ${manifest.release}, not ${deps.release}`,
      evidence: [header],
    };
  }
  if (findings.length > 0) {
    return {
      status: 'f',
      summary: `${findings.length} container(s) run images outside release ${manifest.release}`,
      evidence: [header, ...capped(findings.map(findingLine))],
    };
  }
  return {
    status: 'p',
    summary: `${running.length} running container(s) match release ${manifest.release}`,
    evidence: [header, ...capped(running)],
  };
}

/** checkWorkloadsHealthy finds no NotReady or pressured node and no unavailable, crash-looping or pending workload. */
export async function checkWorkloadsHealthy(spec: WorkloadsHealthySpec, deps: CheckDeps): Promise<CheckOutcome> {
  if (!deps.kube) return blocked('no Kubernetes API configured (KUBECONFIG or the in-cluster ServiceAccount)');
  const { snapshot } = scoped(await deps.kube.snapshot(deps.signal), spec.namespaces);
  const subsystemOf = (labels: Record<string, string> | undefined) => labels?.[deps.subsystemLabel] ?? 'CLUSTER';
  const pods = podFindings(
    snapshot,
    { counts: {}, risenAt: {} },
    deps.now().toMillis(),
    DEFAULT_TIMINGS,
    subsystemOf,
  ).findings.filter((f) => NOW_WRONG.has(f.kind));
  const findings = [...nodeFindings(snapshot, subsystemOf), ...workloadFindings(snapshot, subsystemOf), ...pods];
  const scope = `namespaces ${spec.namespaces.join(', ')}: ${snapshot.nodes.length} node(s), ${snapshot.pods.length} pod(s), ${snapshot.deployments.length + snapshot.statefulsets.length + snapshot.daemonsets.length} workload(s)`;
  if (findings.length > 0)
    return {
      status: 'f',
      summary: `${findings.length} node or workload finding(s)`,
      evidence: [scope, ...capped(findings.map(findingLine))],
    };
  return { status: 'p', summary: 'every node Ready, every workload available', evidence: [scope] };
}
