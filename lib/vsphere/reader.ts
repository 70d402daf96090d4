import { isOpsError, opsError } from '#lib/runtime/errors.ts';
import type { VsphereClient, VmFilter } from './client.ts';
import type { VsphereExpectations } from './expectations.ts';
import { expectedVms } from './findings.ts';
import type { HostSummary, Inventory, VmSummary } from './inventory.ts';

const POWER_STATES = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];
const PER_VM_CONCURRENCY = 4;

const tooMany = (err: unknown) => isOpsError(err) && err.code === 'VSPHERE_LIST_TOO_LARGE';

/**
 * listAllVms lists every VM. vCenter refuses a list over its cap (4 000 on `/api`, 1 000 on `/rest`) with
 * UNABLE_TO_ALLOCATE_RESOURCE rather than paging, so a refused list is narrowed: per power state, then per host
 * within a power state; a host alone over the cap is VSPHERE_LIST_TOO_LARGE.
 */
export async function listAllVms(
  client: VsphereClient,
  hosts: HostSummary[],
  signal?: AbortSignal,
): Promise<VmSummary[]> {
  const attempt = async (filter: VmFilter): Promise<VmSummary[] | null> => {
    try {
      return await client.listVms(filter, signal);
    } catch (err) {
      if (tooMany(err)) return null;
      throw err;
    }
  };
  const all = await attempt({});
  if (all) return all;
  const byId = new Map<string, VmSummary>();
  for (const state of POWER_STATES) {
    const some = await attempt({ power_states: [state] });
    if (some) {
      some.forEach((vm) => byId.set(vm.vm, vm));
      continue;
    }
    for (const host of hosts) {
      const onHost = await attempt({ power_states: [state], hosts: [host.host] });
      if (!onHost)
        throw opsError(
          'VSPHERE_LIST_TOO_LARGE',
          `vCenter refuses to list the ${state} VMs of host ${host.name} (over its list limit)`,
        );
      onHost.forEach((vm) => byId.set(vm.vm, vm));
    }
  }
  return [...byId.values()];
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * readInventory reads vCenter in one session: hosts, datastores, every VM, the guest tools of the expected VMs that
 * run, and the details of those that do not; the session is closed (DELETE) whatever happens.
 */
export async function readInventory(
  client: VsphereClient,
  expectations: VsphereExpectations,
  signal?: AbortSignal,
): Promise<Inventory> {
  const dialect = await client.login(signal);
  try {
    const [hosts, datastores] = await Promise.all([client.listHosts(signal), client.listDatastores(signal)]);
    const vms = await listAllVms(client, hosts, signal);
    const { running, stopped } = expectedVms(vms, expectations);
    const tools: Inventory['tools'] = {};
    const details: Inventory['details'] = {};
    if (expectations.tools) {
      await eachLimited(running, PER_VM_CONCURRENCY, async (vm) => {
        const state = await client.toolsState(vm.vm, signal);
        if (state) tools[vm.vm] = state;
      });
    }
    await eachLimited(stopped, PER_VM_CONCURRENCY, async (vm) => {
      const info = await client.getVm(vm.vm, signal);
      if (info) details[vm.vm] = info;
    });
    return { vms, hosts, datastores, tools, details, dialect };
  } finally {
    await client.logout(signal).catch(() => undefined);
  }
}
