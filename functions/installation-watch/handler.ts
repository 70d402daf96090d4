import {
  parseReleaseManifest,
  runWatch,
  type KubeReader,
  type ReleaseManifest,
  type ReleaseSource,
} from '#lib/k8s/index.ts';
import { createKubeReader, loadKubeConfig } from '#lib/k8s/reader.ts';
import { json, readEmptyOptions, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';
import { readConfigText, type ObjectStore } from '#lib/storage/index.ts';
import { createVsphereCheck, vsphereConfigProperties, type VsphereCheck, type VsphereConfig } from './vsphere.ts';

/** InstallationWatchConfig is installation-watch's own configuration (docs/deploy.md). */
export interface InstallationWatchConfig extends VsphereConfig {
  KUBECONFIG?: string;
  RELEASE_MANIFEST: string;
  WATCH_NAMESPACES: string[];
  SUBSYSTEM_LABEL: string;
  CLUSTER_NAME: string;
  PENDING_MAX_MINUTES: number;
  UNAVAILABLE_FOR_MINUTES: number;
  RESTART_HOLD_MINUTES: number;
  KUBE_PAGE_SIZE: number;
  KUBE_TIMEOUT_MS: number;
}

export const configSchema = {
  properties: {
    KUBECONFIG: { type: 'string', minLength: 1 },
    RELEASE_MANIFEST: { type: 'string', pattern: '^(state|file):.+', default: 'state:installation-watch/release.yaml' },
    WATCH_NAMESPACES: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    SUBSYSTEM_LABEL: { type: 'string', minLength: 1, default: 'cmp-ops.io/subsystem' },
    CLUSTER_NAME: { type: 'string', minLength: 1, default: 'cmp-ops' },
    PENDING_MAX_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 10 },
    UNAVAILABLE_FOR_MINUTES: { type: 'number', minimum: 0, default: 5 },
    RESTART_HOLD_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 30 },
    KUBE_PAGE_SIZE: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
    KUBE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 30000 },
    ...vsphereConfigProperties,
  },
};

/**
 * releaseSource reads the approved release from `state:<key>` (an object in the state bucket, written by
 * `cmp-ops release approve --to`) or `file:<path>` (the mounted ConfigMap); absent means none approved yet.
 */
export function releaseSource(spec: string, store: ObjectStore, stateBucket: string): ReleaseSource {
  return async (signal): Promise<ReleaseManifest | null> => {
    const read = await readConfigText(spec, {
      store,
      stateBucket,
      invalidCode: 'RELEASE_INVALID',
      ...(signal ? { signal } : {}),
    });
    return read && 'text' in read ? parseReleaseManifest(read.text, spec) : null;
  };
}

/** createHandler builds installation-watch's edge: each cron tick (or POST) reads the cluster once and reports. */
export function createHandler(
  deps: Pick<FunctionDeps<InstallationWatchConfig>, 'config' | 'store' | 'state' | 'alerts'> &
    Partial<Pick<FunctionDeps<InstallationWatchConfig>, 'secrets'>>,
  reader?: KubeReader,
  vsphereCheck?: VsphereCheck,
): Handler {
  const c = deps.config;
  const kube =
    reader ??
    createKubeReader(loadKubeConfig(c.KUBECONFIG), { pageSize: c.KUBE_PAGE_SIZE, timeoutMs: c.KUBE_TIMEOUT_MS });
  const release = releaseSource(c.RELEASE_MANIFEST, deps.store, c.STATE_BUCKET);
  const subsystemOf = (labels: Record<string, string> | undefined) => labels?.[c.SUBSYSTEM_LABEL] ?? 'CLUSTER';
  const vsphere = vsphereCheck ?? createVsphereCheck(deps);
  return async (req, ctx) => {
    await readEmptyOptions(req, 'installation-watch');
    // vCenter is read even when the cluster cannot be: the VMs may be why it cannot.
    const [cluster, vcenter] = await Promise.allSettled([
      runWatch({
        reader: kube,
        release,
        state: deps.state,
        alerts: deps.alerts,
        now: ctx.now(),
        subsystemOf,
        namespaces: c.WATCH_NAMESPACES,
        cluster: c.CLUSTER_NAME,
        signal: ctx.signal,
        timings: {
          pendingMaxMs: c.PENDING_MAX_MINUTES * 60_000,
          unavailableForMs: c.UNAVAILABLE_FOR_MINUTES * 60_000,
          restartHoldMs: c.RESTART_HOLD_MINUTES * 60_000,
        },
      }),
      vsphere?.(ctx),
    ]);
    if (cluster.status === 'rejected') throw cluster.reason;
    if (vcenter.status === 'rejected') throw vcenter.reason;
    const report = cluster.value;
    ctx.log.info(
      {
        nodes: report.nodes,
        pods: report.pods,
        findings: report.findings.length,
        firing: report.firing,
        resolved: report.resolved,
      },
      'cluster checked',
    );
    return json(vcenter.value ? { ...report, vsphere: vcenter.value } : report);
  };
}
