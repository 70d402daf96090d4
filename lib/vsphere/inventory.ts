/**
 * The vCenter inventory as the vSphere Automation API reports it (vCenter 7/8 `/api`, 6.7 `/rest` unwrapped), reduced
 * to what the checks read. Field names are the API's: `GET /api/vcenter/vm` answers VM.Summary
 * (`vm`, `name`, `power_state`, `cpu_count?`, `memory_size_MiB?`), `GET /api/vcenter/host` Host.Summary (`host`,
 * `name`, `connection_state`, `power_state?` only while connected), `GET /api/vcenter/datastore` Datastore.Summary
 * (`datastore`, `name`, `type`, `free_space?`, `capacity?`: unset when the datastore is inaccessible).
 */

/** VmPowerState is Power.State of the API. */
export type VmPowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';

/** VmSummary is one entry of `GET /api/vcenter/vm`. */
export interface VmSummary {
  vm: string;
  name: string;
  power_state: VmPowerState | string;
  cpu_count?: number;
  memory_size_MiB?: number;
}

/** HostSummary is one entry of `GET /api/vcenter/host`. */
export interface HostSummary {
  host: string;
  name: string;
  connection_state: 'CONNECTED' | 'DISCONNECTED' | 'NOT_RESPONDING' | string;
  power_state?: 'POWERED_ON' | 'POWERED_OFF' | 'STANDBY' | string;
}

/** DatastoreSummary is one entry of `GET /api/vcenter/datastore` (sizes in bytes). */
export interface DatastoreSummary {
  datastore: string;
  name: string;
  type: string;
  free_space?: number;
  capacity?: number;
}

/**
 * ToolsState is what `GET /api/vcenter/vm/{vm}/guest/identity` said: `running` (200), `not-running` (503
 * SERVICE_UNAVAILABLE: "if VMware Tools is not running", "if VMware Tools has not provided any data").
 */
export type ToolsState = 'running' | 'not-running';

/** VmDetails is the part of `GET /api/vcenter/vm/{vm}` (VM.Info) quoted in an alert's description. */
export interface VmDetails {
  guest_OS?: string;
  cpu?: { count?: number };
  memory?: { size_MiB?: number };
  hardware?: { version?: string };
}

/** Inventory is one complete read of vCenter. */
export interface Inventory {
  vms: VmSummary[];
  hosts: HostSummary[];
  datastores: DatastoreSummary[];
  /** tools holds the guest tools state of the expected, powered-on VMs, by VM id. */
  tools: Record<string, ToolsState>;
  /** details holds VM.Info of the expected VMs that are not running, by VM id. */
  details: Record<string, VmDetails>;
  /** dialect is the API flavour that answered: `api` (7.0 U2 and later) or `rest` (6.5–7.0, values wrapped). */
  dialect: 'api' | 'rest';
}
