import type { DateTime } from 'luxon';
import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/alert.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import type { StateStore } from '#lib/storage/index.ts';
import { DEFAULT_EXPECTATIONS, type VsphereExpectations } from './expectations.ts';
import { evaluateInventory, type VsphereFinding } from './findings.ts';
import type { Inventory } from './inventory.ts';

/** VsphereWatchState is what the vSphere check remembers between ticks (one record in the state bucket). */
export interface VsphereWatchState {
  version: 1;
  lastRunAt: string;
  /** unreachable is set while vCenter cannot be read: since when, and why (for the report; the alert keeps its start). */
  unreachable?: { since: number; reason: string };
  /** every condition seen at the last run: when it was first seen, and the alert sent while it fires. */
  active: Record<string, { firstSeenAt: number; alert?: Alert }>;
}

export interface VsphereWatchDeps {
  /** read reads vCenter once; it throws catalog errors (VSPHERE_*, DEADLINE_EXCEEDED) when it cannot. */
  read: (expectations: VsphereExpectations, signal?: AbortSignal) => Promise<Inventory>;
  /** expectations loads the operator's file; it throws VSPHERE_EXPECTATIONS_INVALID (raised as an alert, defaults used). */
  expectations: (signal?: AbortSignal) => Promise<VsphereExpectations>;
  state: StateStore;
  alerts: AlertSink;
  now: DateTime;
  /** vcenter names the vCenter (its host name): a label on every alert, and the state key. */
  vcenter: string;
  signal?: AbortSignal;
}

export interface VsphereReport {
  vcenter: string;
  dialect: 'api' | 'rest' | null;
  vms: number;
  hosts: number;
  datastores: number;
  /** unreachable says since when vCenter cannot be read and why; `started` is true on the tick it began. */
  unreachable: { since: string; reason: string; started: boolean } | null;
  findings: Array<{ kind: string; key: string; severity: string; firing: boolean; summary: string }>;
  firing: number;
  resolved: number;
}

/** vsphereStateKey is where the check of one vCenter keeps its state. */
export const vsphereStateKey = (vcenter: string): string => `installation-watch/vsphere/${vcenter}.json`;

const UNREACHABLE_KEY = 'vcenter';

function holdMs(kind: string, expectations: VsphereExpectations): number {
  return ((expectations.holdMinutes as Record<string, number | undefined>)[kind] ?? 0) * 60_000;
}

function toAlert(f: VsphereFinding, vcenter: string, startsAt: string): Alert {
  return buildAlert({
    alertname: f.kind,
    severity: f.severity,
    subsystem: f.subsystem,
    labels: { ...f.labels, vcenter },
    summary: f.summary,
    description: f.description,
    startsAt,
  });
}

const sameLabels = (a: Alert, b: Alert) =>
  JSON.stringify(Object.entries(a.labels).sort()) === JSON.stringify(Object.entries(b.labels).sort());

function unreachableFinding(reason: string, code: string): VsphereFinding {
  const credentials = code === 'VSPHERE_AUTH';
  return {
    kind: 'VSphereUnreachable',
    key: UNREACHABLE_KEY,
    severity: 'critical',
    subsystem: 'VSPHERE',
    labels: {},
    summary: credentials
      ? 'vCenter refuses the monitoring credentials: VMs, hosts and datastores are not watched'
      : 'vCenter cannot be read: VMs, hosts and datastores are not watched',
    description: `${reason} (${code}). The conditions known before stay as they were until vCenter answers again.`,
  };
}

/**
 * runVsphereWatch reads vCenter once and keeps its alerts in step: every firing alert is re-sent (Alertmanager clients
 * must), cleared ones are resolved, and the state is saved only after the sink took them. When vCenter cannot be read,
 * one VSphereUnreachable alert fires with the start of the outage (same labels and start every tick, so the router
 * notifies once), and the conditions known before are carried unchanged rather than resolved on no evidence.
 */
export async function runVsphereWatch(deps: VsphereWatchDeps): Promise<VsphereReport> {
  const key = vsphereStateKey(deps.vcenter);
  const stored = await deps.state.read<VsphereWatchState>(key);
  const previous = stored?.value ?? null;
  const now = deps.now.toMillis();
  const iso = deps.now.toUTC().toISO() ?? new Date(now).toISOString();
  const findings: VsphereFinding[] = [];
  let expectations = DEFAULT_EXPECTATIONS;
  try {
    expectations = await deps.expectations(deps.signal);
  } catch (err) {
    if (!isOpsError(err) || err.code !== 'VSPHERE_EXPECTATIONS_INVALID') throw err;
    findings.push({
      kind: 'VSphereExpectationsInvalid',
      key: 'expectations/invalid',
      severity: 'warning',
      subsystem: 'VSPHERE',
      labels: {},
      summary:
        'the vSphere expectations file is invalid: no VM is checked as expected, default datastore thresholds apply',
      description: err.message,
    });
  }
  let inventory: Inventory | null = null;
  let unreachable: VsphereWatchState['unreachable'];
  try {
    inventory = await deps.read(expectations, deps.signal);
    findings.push(...evaluateInventory(inventory, expectations));
  } catch (err) {
    if (!isOpsError(err) || deps.signal?.aborted) throw err;
    unreachable = { since: previous?.unreachable?.since ?? now, reason: err.message };
    findings.push(unreachableFinding(err.message, err.code));
  }

  const active: VsphereWatchState['active'] = {};
  const alerts: Alert[] = [];
  const report: VsphereReport['findings'] = [];
  let resolved = 0;
  for (const f of findings) {
    if (active[f.key]) continue;
    const was = previous?.active[f.key];
    const firstSeenAt = was?.firstSeenAt ?? now;
    const firing = now - firstSeenAt >= holdMs(f.kind, expectations);
    const entry: VsphereWatchState['active'][string] = { firstSeenAt };
    if (firing) {
      entry.alert = toAlert(f, deps.vcenter, new Date(firstSeenAt).toISOString());
      // A changed severity is another alert to Alertmanager (other labels): end the old one rather than let it linger.
      if (was?.alert && !sameLabels(was.alert, entry.alert)) {
        alerts.push({ ...was.alert, endsAt: iso });
        resolved++;
      }
      alerts.push(entry.alert);
    }
    active[f.key] = entry;
    report.push({ kind: f.kind, key: f.key, severity: f.severity, firing, summary: f.summary });
  }
  for (const [k, was] of Object.entries(previous?.active ?? {})) {
    if (active[k]) continue;
    if (!inventory && k !== UNREACHABLE_KEY && k !== 'expectations/invalid') {
      // vCenter said nothing about it this time: keep it as it was.
      active[k] = was;
      if (was.alert) alerts.push(was.alert);
      continue;
    }
    if (!was.alert) continue;
    alerts.push({ ...was.alert, endsAt: iso });
    resolved++;
  }
  if (alerts.length > 0) await deps.alerts.send(alerts, deps.signal);
  const state: VsphereWatchState = { version: 1, lastRunAt: iso, active, ...(unreachable ? { unreachable } : {}) };
  await deps.state.write(key, state, stored ? { ifMatch: stored.etag } : {});
  return {
    vcenter: deps.vcenter,
    dialect: inventory?.dialect ?? null,
    vms: inventory?.vms.length ?? 0,
    hosts: inventory?.hosts.length ?? 0,
    datastores: inventory?.datastores.length ?? 0,
    unreachable: unreachable
      ? {
          since: new Date(unreachable.since).toISOString(),
          reason: unreachable.reason,
          started: !previous?.unreachable,
        }
      : null,
    findings: report,
    firing: alerts.length - resolved,
    resolved,
  };
}
