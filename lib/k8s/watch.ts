import type { DateTime } from 'luxon';
import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/alert.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { forMs, type Finding, type WatchTimings } from './findings.ts';
import { nodeFindings, podFindings, workloadFindings, type RestartMemory, type SubsystemOf } from './health.ts';
import { imageFindings } from './image-integrity.ts';
import type { ClusterSnapshot, KubeReader } from './objects.ts';
import type { ReleaseManifest } from './release.ts';

/** ReleaseSource loads the approved release: a manifest, `null` when none was approved yet; throws RELEASE_INVALID. */
export type ReleaseSource = (signal?: AbortSignal) => Promise<ReleaseManifest | null>;

/** WatchState is what installation-watch remembers between runs (one record in the state bucket). */
export interface WatchState {
  version: 1;
  lastRunAt: string;
  restarts: RestartMemory;
  /** every condition seen at the last run: when it was first seen, and the alert sent while it fired. */
  active: Record<string, { firstSeenAt: number; alert?: Alert }>;
}

export interface WatchDeps {
  reader: KubeReader;
  release: ReleaseSource;
  state: StateStore;
  alerts: AlertSink;
  now: DateTime;
  subsystemOf: SubsystemOf;
  timings: WatchTimings;
  /** namespaces limits workload checks; empty means every namespace. */
  namespaces: string[];
  cluster: string;
  signal?: AbortSignal;
}

export interface WatchReport {
  cluster: string;
  nodes: number;
  pods: number;
  workloads: number;
  release: string | null;
  findings: Array<{ kind: string; key: string; severity: string; firing: boolean; summary: string }>;
  firing: number;
  resolved: number;
}

export const WATCH_STATE_KEY = 'installation-watch/state.json';

function inNamespaces(namespaces: string[]): (ns: string) => boolean {
  const set = new Set(namespaces);
  return (ns) => set.size === 0 || set.has(ns);
}

function scoped(snapshot: ClusterSnapshot, inScope: (ns: string) => boolean): ClusterSnapshot {
  const keep = <T extends { metadata?: { namespace?: string } }>(items: T[]) =>
    items.filter((i) => inScope(i.metadata?.namespace ?? 'default'));
  return {
    nodes: snapshot.nodes,
    pods: keep(snapshot.pods),
    deployments: keep(snapshot.deployments),
    statefulsets: keep(snapshot.statefulsets),
    daemonsets: keep(snapshot.daemonsets),
  };
}

async function releaseFindings(
  deps: WatchDeps,
  snapshot: ClusterSnapshot,
  inScope: (ns: string) => boolean,
): Promise<{ findings: Finding[]; release: string | null }> {
  let manifest: ReleaseManifest | null;
  try {
    manifest = await deps.release(deps.signal);
  } catch (err) {
    if (!isOpsError(err) || err.code !== 'RELEASE_INVALID') throw err;
    return {
      release: null,
      findings: [
        {
          kind: 'ReleaseManifestInvalid',
          key: 'release/invalid',
          severity: 'critical',
          subsystem: 'CLUSTER',
          labels: {},
          summary: 'the approved release manifest is invalid: image integrity is not being checked',
          description: err.message,
        },
      ],
    };
  }
  if (!manifest) {
    return {
      release: null,
      findings: [
        {
          kind: 'ReleaseManifestMissing',
          key: 'release/missing',
          severity: 'warning',
          subsystem: 'CLUSTER',
          labels: {},
          summary: 'no approved release manifest: image integrity is not being checked',
          description:
            'record the validated baseline with `cmp-ops release approve` and store it where RELEASE_MANIFEST points.',
        },
      ],
    };
  }
  return { release: manifest.release, findings: imageFindings(snapshot, manifest, deps.subsystemOf, inScope) };
}

function toAlert(f: Finding, cluster: string, startsAt: string, resolvedAt?: string): Alert {
  return buildAlert({
    alertname: f.kind,
    severity: f.severity,
    subsystem: f.subsystem,
    labels: { ...f.labels, cluster },
    summary: f.summary,
    description: f.description,
    startsAt,
    ...(resolvedAt ? { resolvedAt } : {}),
  });
}

/**
 * runWatch reads the cluster once, evaluates node, workload and image-integrity conditions, re-sends every firing
 * alert (Alertmanager clients must re-send), resolves the ones that cleared, and only then saves its state: if the
 * alert sink is down nothing is saved and the next tick sends the same alerts again.
 */
export async function runWatch(deps: WatchDeps): Promise<WatchReport> {
  const key = WATCH_STATE_KEY;
  const stored = await deps.state.read<WatchState>(key);
  const previous = stored?.value ?? null;
  const full = await deps.reader.snapshot(deps.signal);
  const inScope = inNamespaces(deps.namespaces);
  const snapshot = scoped(full, inScope);
  const now = deps.now.toMillis();
  const iso = deps.now.toUTC().toISO() ?? new Date(now).toISOString();
  const pods = podFindings(
    snapshot,
    previous?.restarts ?? { counts: {}, risenAt: {} },
    now,
    deps.timings,
    deps.subsystemOf,
  );
  const release = await releaseFindings(deps, snapshot, inScope);
  const findings = [
    ...nodeFindings(snapshot, deps.subsystemOf),
    ...pods.findings,
    ...workloadFindings(snapshot, deps.subsystemOf),
    ...release.findings,
  ];

  const active: WatchState['active'] = {};
  const alerts: Alert[] = [];
  const report: WatchReport['findings'] = [];
  for (const f of findings) {
    if (active[f.key]) continue;
    const firstSeenAt = previous?.active[f.key]?.firstSeenAt ?? now;
    const firing = now - firstSeenAt >= forMs(f.kind, deps.timings);
    const entry: WatchState['active'][string] = { firstSeenAt };
    if (firing) {
      entry.alert = toAlert(f, deps.cluster, new Date(firstSeenAt).toISOString());
      alerts.push(entry.alert);
    }
    active[f.key] = entry;
    report.push({ kind: f.kind, key: f.key, severity: f.severity, firing, summary: f.summary });
  }
  let resolved = 0;
  for (const [k, was] of Object.entries(previous?.active ?? {})) {
    if (active[k] || !was.alert) continue;
    alerts.push({ ...was.alert, endsAt: iso });
    resolved++;
  }
  if (alerts.length > 0) await deps.alerts.send(alerts, deps.signal);
  const state: WatchState = { version: 1, lastRunAt: iso, restarts: pods.restarts, active };
  await deps.state.write(key, state, stored ? { ifMatch: stored.etag } : {});
  return {
    cluster: deps.cluster,
    nodes: full.nodes.length,
    pods: snapshot.pods.length,
    workloads: snapshot.deployments.length + snapshot.statefulsets.length + snapshot.daemonsets.length,
    release: release.release,
    findings: report,
    firing: alerts.length - resolved,
    resolved,
  };
}
