import type { Severity } from '#lib/alerting/alert.ts';
import { nameMatcher, type DatastoreThresholds, type VsphereExpectations } from './expectations.ts';
import type { DatastoreSummary, Inventory, VmSummary } from './inventory.ts';

/** VsphereFindingKind is every condition read from vCenter (each becomes an alert of the same name). */
export type VsphereFindingKind =
  | 'VMNotRunning'
  | 'VMHostDisconnected'
  | 'DatastoreLow'
  | 'VMToolsNotRunning'
  | 'VSphereUnreachable'
  | 'VSphereExpectationsInvalid';

/** VsphereFinding is one condition seen in this run; `key` is stable across runs so its alert refreshes and resolves. */
export interface VsphereFinding {
  kind: VsphereFindingKind;
  key: string;
  severity: Severity;
  subsystem: string;
  labels: Record<string, string>;
  summary: string;
  description: string;
}

/** DEFAULT_SUBSYSTEM labels what no pattern claims. */
export const DEFAULT_SUBSYSTEM = 'VSPHERE';

const GIB = 1024 ** 3;

/** subsystemLookup answers the subsystem of a name from the pattern map (first match wins), compiled once. */
export function subsystemLookup(map: VsphereExpectations['subsystems']): (name: string) => string {
  const compiled = map.map((m) => ({ re: nameMatcher(m.pattern), subsystem: m.subsystem }));
  return (name) => compiled.find((m) => m.re.test(name))?.subsystem ?? DEFAULT_SUBSYSTEM;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * GIB) return `${(bytes / (1024 * GIB)).toFixed(1)} TiB`;
  return `${(bytes / GIB).toFixed(1)} GiB`;
}

function vmDescription(vm: VmSummary, inventory: Inventory): string {
  const d = inventory.details[vm.vm];
  const cpu = d?.cpu?.count ?? vm.cpu_count;
  const mem = d?.memory?.size_MiB ?? vm.memory_size_MiB;
  const facts = [
    `id ${vm.vm}`,
    d?.guest_OS ? `guest ${d.guest_OS}` : '',
    cpu !== undefined ? `${cpu} vCPU` : '',
    mem !== undefined ? `${mem} MiB` : '',
  ].filter(Boolean);
  return facts.join(', ');
}

function vmFindings(inventory: Inventory, expectations: VsphereExpectations): VsphereFinding[] {
  const out: VsphereFinding[] = [];
  const seen = new Set<string>();
  for (const [subsystem, patterns] of Object.entries(expectations.expected)) {
    for (const pattern of patterns) {
      const re = nameMatcher(pattern);
      const matching = inventory.vms.filter((vm) => re.test(vm.name));
      if (matching.length === 0) {
        out.push({
          kind: 'VMNotRunning',
          key: `vm-missing/${subsystem}/${pattern}`,
          severity: 'critical',
          subsystem,
          labels: { vm: pattern },
          summary: `no VM named ${pattern} exists in vCenter (expected running for ${subsystem})`,
          description: `the expectations list ${pattern} for ${subsystem}, but vCenter lists no VM of that name: deleted, renamed, or not visible to the monitoring account.`,
        });
        continue;
      }
      for (const vm of matching) {
        if (seen.has(vm.vm)) continue;
        seen.add(vm.vm);
        if (vm.power_state !== 'POWERED_ON') {
          out.push({
            kind: 'VMNotRunning',
            key: `vm/${vm.vm}`,
            severity: 'critical',
            subsystem,
            labels: { vm: vm.name },
            summary: `VM ${vm.name} is ${vm.power_state} (expected running for ${subsystem})`,
            description: `${vmDescription(vm, inventory)}; expected by pattern ${pattern}.`,
          });
        } else if (expectations.tools && inventory.tools[vm.vm] === 'not-running') {
          out.push({
            kind: 'VMToolsNotRunning',
            key: `tools/${vm.vm}`,
            severity: 'warning',
            subsystem,
            labels: { vm: vm.name },
            summary: `VMware Tools are not running in VM ${vm.name}`,
            description: `vCenter cannot see inside ${vm.name} (${vmDescription(vm, inventory)}): the guest may be hung or rebooting, and its IP and guest state are unknown.`,
          });
        }
      }
    }
  }
  return out;
}

function hostFindings(inventory: Inventory, subsystemOf: (name: string) => string): VsphereFinding[] {
  return inventory.hosts
    .filter((h) => h.connection_state === 'DISCONNECTED' || h.connection_state === 'NOT_RESPONDING')
    .map((h) => ({
      kind: 'VMHostDisconnected' as const,
      key: `host/${h.host}`,
      severity: 'critical' as const,
      subsystem: subsystemOf(h.name),
      labels: { host: h.name },
      summary: `ESXi host ${h.name} is ${h.connection_state} in vCenter`,
      description:
        h.connection_state === 'NOT_RESPONDING'
          ? `vCenter lost contact with ${h.name} (id ${h.host}): its VMs may still run but are no longer managed (HA, vMotion, monitoring).`
          : `${h.name} (id ${h.host}) was disconnected from vCenter: its VMs are no longer managed or monitored.`,
    }));
}

function thresholdsFor(
  ds: DatastoreSummary,
  t: DatastoreThresholds,
): { minFreePercent: number; minFreeGiB?: number; criticalFreePercent?: number } {
  const override = t.overrides.find((o) => nameMatcher(o.pattern).test(ds.name));
  return {
    minFreePercent: t.minFreePercent,
    minFreeGiB: t.minFreeGiB,
    criticalFreePercent: t.criticalFreePercent,
    ...override,
  };
}

function datastoreFindings(
  inventory: Inventory,
  t: DatastoreThresholds,
  subsystemOf: (name: string) => string,
): VsphereFinding[] {
  const ignored = t.ignore.map(nameMatcher);
  const out: VsphereFinding[] = [];
  for (const ds of inventory.datastores) {
    // capacity and free_space are unset while a datastore is inaccessible: nothing to measure then.
    if (
      ignored.some((re) => re.test(ds.name)) ||
      typeof ds.capacity !== 'number' ||
      typeof ds.free_space !== 'number' ||
      ds.capacity <= 0
    )
      continue;
    const limits = thresholdsFor(ds, t);
    const pct = (ds.free_space / ds.capacity) * 100;
    const underPercent = pct < limits.minFreePercent;
    const underAbsolute = limits.minFreeGiB !== undefined && ds.free_space < limits.minFreeGiB * GIB;
    if (!underPercent && !underAbsolute) continue;
    const critical = limits.criticalFreePercent !== undefined && pct < limits.criticalFreePercent;
    const rule = [
      underPercent ? `under ${limits.minFreePercent} %` : '',
      underAbsolute ? `under ${limits.minFreeGiB} GiB` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    out.push({
      kind: 'DatastoreLow',
      key: `datastore/${ds.datastore}`,
      severity: critical ? 'critical' : 'warning',
      subsystem: subsystemOf(ds.name),
      labels: { datastore: ds.name },
      summary: `datastore ${ds.name} has ${pct.toFixed(1)} % free (${formatBytes(ds.free_space)} of ${formatBytes(ds.capacity)})`,
      description: `${ds.type} datastore ${ds.name} (id ${ds.datastore}) is ${rule}${critical ? `, below the critical ${limits.criticalFreePercent} %` : ''}: thin disks, snapshots and swap files fail to grow when it fills, and the VMs on it stop.`,
    });
  }
  return out;
}

/** evaluateInventory turns one read of vCenter into findings: expected VMs not running or without tools, lost hosts, low datastores. */
export function evaluateInventory(inventory: Inventory, expectations: VsphereExpectations): VsphereFinding[] {
  const subsystemOf = subsystemLookup(expectations.subsystems);
  return [
    ...vmFindings(inventory, expectations),
    ...hostFindings(inventory, subsystemOf),
    ...datastoreFindings(inventory, expectations.datastores, subsystemOf),
  ];
}

/** expectedVms lists the VMs an expectation names, split by whether they run (tools are asked of those) or not (details are). */
export function expectedVms(
  vms: VmSummary[],
  expectations: VsphereExpectations,
): { running: VmSummary[]; stopped: VmSummary[] } {
  const patterns = Object.values(expectations.expected).flat().map(nameMatcher);
  const expected = vms.filter((vm) => patterns.some((re) => re.test(vm.name)));
  return {
    running: expected.filter((vm) => vm.power_state === 'POWERED_ON'),
    stopped: expected.filter((vm) => vm.power_state !== 'POWERED_ON'),
  };
}
