import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A stand-in for the vSphere Automation REST API paths installation-watch reads. No vCenter, and no simulator of this
 * API, can run on these machines (govmomi's vcsim serves the SOAP API, not `/api/vcenter/vm`), so this answers as
 * VMware's published API reference describes, over real HTTPS (a CA made with openssl):
 * - `/api` (vCenter 7.0 U2+): `POST /api/session` with basic auth → 201 and the session id as a JSON string;
 *   `DELETE /api/session` → 204; lists take repeated parameters (`power_states=POWERED_OFF&hosts=host-1`); bare answers;
 *   errors `{"error_type":"UNAUTHENTICATED","messages":[{"args":[],"default_message":…,"id":…}]}`.
 * - `/rest` (6.5–7.0): `POST /rest/com/vmware/cis/session` → 200 `{"value":"<id>"}`; filters `filter.power_states.1=…`;
 *   every answer wrapped in `{"value":…}`; errors `{"type":"com.vmware.vapi.std.errors.unauthenticated","value":{"messages":[…]}}`.
 * - Session id in the `vmware-api-session-id` header; an expired session answers 401 UNAUTHENTICATED.
 * - `GET …/vcenter/vm` over the cap (4 000 on /api, 1 000 on /rest: "Returns information about at most 4000 visible
 *   virtual machines") answers 400 UNABLE_TO_ALLOCATE_RESOURCE instead of paging.
 * - `GET …/vcenter/vm/{vm}/guest/identity` answers 503 SERVICE_UNAVAILABLE "if VMware Tools is not running".
 * Summaries carry exactly the documented fields: VM `vm,name,power_state,cpu_count,memory_size_MiB`; host
 * `host,name,connection_state,power_state` (power_state only while connected); datastore
 * `datastore,name,type,free_space,capacity` (sizes unset while inaccessible).
 * The error `messages` ids and texts other than the authentication one are illustrative: clients (ours included) read
 * the status and `error_type`/`type` only.
 */

/** StandinVm is a VM of the stand-in: its summary fields plus where it runs and whether its tools do. */
export interface StandinVm {
  vm: string;
  name: string;
  power_state: 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';
  cpu_count: number;
  memory_size_MiB: number;
  host: string;
  guest_OS: string;
  toolsRunning: boolean;
}

export interface StandinInventory {
  vms: StandinVm[];
  hosts: Array<{
    host: string;
    name: string;
    connection_state: 'CONNECTED' | 'DISCONNECTED' | 'NOT_RESPONDING';
    power_state?: 'POWERED_ON' | 'POWERED_OFF' | 'STANDBY';
  }>;
  datastores: Array<{ datastore: string; name: string; type: string; free_space?: number; capacity?: number }>;
}

export interface VcenterStandinOptions {
  tls: { key: string; cert: string };
  /** dialects served: a 7.0 U2+ vCenter serves both, a 6.7 one only `rest`. */
  dialects?: Array<'api' | 'rest'>;
  username?: string;
  password?: string;
  /** listCap overrides the VM list cap (4 000 on /api, 1 000 on /rest) so tests need not build thousands of VMs. */
  listCap?: number;
  port?: number;
}

export interface VcenterStandin {
  url: string;
  username: string;
  password: string;
  /** requests seen, as `METHOD path?query`. */
  requests: string[];
  /** sessionsCreated counts successful logins. */
  readonly sessionsCreated: number;
  /** openSessions counts sessions not deleted nor expired. */
  readonly openSessions: number;
  setInventory(inventory: StandinInventory): void;
  inventory(): StandinInventory;
  /** expireSessionsAfter lets `n` more authenticated requests through, then expires every session (idle timeout). */
  expireSessionsAfter(n: number): void;
  /** failNext makes the next `n` requests answer `status` with a SERVICE_UNAVAILABLE/INTERNAL_SERVER_ERROR body. */
  failNext(n: number, status: number): void;
  setPassword(password: string): void;
  close(): Promise<void>;
}

const API_CAP = 4000;
const REST_CAP = 1000;

type ErrorType =
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'SERVICE_UNAVAILABLE'
  | 'UNABLE_TO_ALLOCATE_RESOURCE'
  | 'INTERNAL_SERVER_ERROR'
  | 'INVALID_ARGUMENT';

const MESSAGES: Record<ErrorType, { api: [string, string]; rest: [string, string] }> = {
  UNAUTHENTICATED: {
    api: ['com.vmware.vapi.endpoint.method.authentication.required', 'Authentication required.'],
    rest: ['vapi.method.authentication.required', 'This method requires authentication.'],
  },
  NOT_FOUND: {
    api: ['com.vmware.api.vcenter.vm.not_found', "Virtual machine with identifier '{0}' does not exist."],
    rest: ['com.vmware.api.vcenter.vm.not_found', "Virtual machine with identifier '{0}' does not exist."],
  },
  SERVICE_UNAVAILABLE: {
    api: [
      'com.vmware.api.vcenter.vm.guest.tools_not_running',
      "VMware Tools is not running in the virtual machine '{0}'.",
    ],
    rest: [
      'com.vmware.api.vcenter.vm.guest.tools_not_running',
      "VMware Tools is not running in the virtual machine '{0}'.",
    ],
  },
  UNABLE_TO_ALLOCATE_RESOURCE: {
    api: [
      'com.vmware.api.vcenter.vm.max_limit_exceeded',
      'Too many virtual machines. Add more filter criteria to reduce the number.',
    ],
    rest: [
      'com.vmware.api.vcenter.vm.max_limit_exceeded',
      'Too many virtual machines. Add more filter criteria to reduce the number.',
    ],
  },
  INTERNAL_SERVER_ERROR: {
    api: ['vapi.bindings.method.impl.unexpected', 'Provider method implementation threw unexpected exception'],
    rest: ['vapi.bindings.method.impl.unexpected', 'Provider method implementation threw unexpected exception'],
  },
  INVALID_ARGUMENT: {
    api: ['vapi.bindings.typeconverter.invalid.enum', "Invalid value '{0}' for enumeration."],
    rest: ['vapi.bindings.typeconverter.invalid.enum', "Invalid value '{0}' for enumeration."],
  },
};

const STATUS: Record<ErrorType, number> = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
  UNABLE_TO_ALLOCATE_RESOURCE: 400,
  INTERNAL_SERVER_ERROR: 500,
  INVALID_ARGUMENT: 400,
};

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, dialect: 'api' | 'rest', type: ErrorType, arg = ''): void {
  const [id, text] = MESSAGES[type][dialect];
  const messages = [{ args: arg ? [arg] : [], default_message: text.replace('{0}', arg), id }];
  send(
    res,
    STATUS[type],
    dialect === 'api'
      ? { error_type: type, messages }
      : { type: `com.vmware.vapi.std.errors.${type.toLowerCase()}`, value: { messages } },
  );
}

/** filterOf reads VM.FilterSpec in the dialect's query syntax. */
function filterOf(url: URL, dialect: 'api' | 'rest'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    const field = dialect === 'api' ? name : /^filter\.([a-z_]+)\.\d+$/.exec(name)?.[1];
    if (!field) continue;
    (out[field] ??= []).push(value);
  }
  return out;
}

const POWER_STATES = new Set(['POWERED_ON', 'POWERED_OFF', 'SUSPENDED']);

/** startVcenterStandin listens on 127.0.0.1 over HTTPS and serves `inventory`. */
export async function startVcenterStandin(
  initial: StandinInventory,
  options: VcenterStandinOptions,
): Promise<VcenterStandin> {
  let current = initial;
  const dialects = new Set(options.dialects ?? ['api', 'rest']);
  const username = options.username ?? 'svc-cmp-ops@vsphere.local';
  let password = options.password ?? 'standin-password';
  const sessions = new Set<string>();
  let sessionsCreated = 0;
  let expireAfter = -1;
  let failures = 0;
  let failStatus = 503;
  const requests: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://standin');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const dialect = url.pathname.startsWith('/api/') ? 'api' : url.pathname.startsWith('/rest/') ? 'rest' : undefined;
    // an older vCenter's reverse proxy knows no /api: a plain 404, not a vAPI error
    if (!dialect || !dialects.has(dialect)) return send(res, 404, undefined);
    if (failures > 0) {
      failures--;
      return sendError(res, dialect, failStatus === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR');
    }
    const sessionPath = dialect === 'api' ? '/api/session' : '/rest/com/vmware/cis/session';
    if (url.pathname === sessionPath && req.method === 'POST') {
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return sendError(res, dialect, 'UNAUTHENTICATED');
      const id = randomBytes(16).toString('hex');
      sessions.add(id);
      sessionsCreated++;
      return dialect === 'api' ? send(res, 201, id) : send(res, 200, { value: id });
    }
    const id = req.headers['vmware-api-session-id'];
    if (typeof id !== 'string' || !sessions.has(id)) return sendError(res, dialect, 'UNAUTHENTICATED');
    if (expireAfter === 0) {
      sessions.clear();
      expireAfter = -1;
      return sendError(res, dialect, 'UNAUTHENTICATED');
    }
    if (expireAfter > 0) expireAfter--;
    if (url.pathname === sessionPath && req.method === 'DELETE') {
      sessions.delete(id);
      return dialect === 'api' ? send(res, 204) : send(res, 200, {});
    }
    if (req.method !== 'GET') return send(res, 404, undefined);
    const wrap = (value: unknown) => send(res, 200, dialect === 'api' ? value : { value });
    const path = url.pathname.slice(dialect === 'api' ? 4 : 5);
    if (path === '/vcenter/host')
      return wrap(
        current.hosts.map((h) =>
          h.connection_state === 'CONNECTED' ? h : { host: h.host, name: h.name, connection_state: h.connection_state },
        ),
      );
    if (path === '/vcenter/datastore') return wrap(current.datastores);
    if (path === '/vcenter/vm') {
      const filter = filterOf(url, dialect);
      const bad = (filter.power_states ?? []).find((s) => !POWER_STATES.has(s));
      if (bad) return sendError(res, dialect, 'INVALID_ARGUMENT', bad);
      const matching = current.vms.filter(
        (vm) =>
          (!filter.power_states || filter.power_states.includes(vm.power_state)) &&
          (!filter.hosts || filter.hosts.includes(vm.host)) &&
          (!filter.names || filter.names.includes(vm.name)) &&
          (!filter.vms || filter.vms.includes(vm.vm)),
      );
      if (matching.length > (options.listCap ?? (dialect === 'api' ? API_CAP : REST_CAP)))
        return sendError(res, dialect, 'UNABLE_TO_ALLOCATE_RESOURCE');
      return wrap(
        matching.map(({ vm, name, power_state, cpu_count, memory_size_MiB }) => ({
          vm,
          name,
          power_state,
          cpu_count,
          memory_size_MiB,
        })),
      );
    }
    const m = /^\/vcenter\/vm\/([^/]+)(\/guest\/identity)?$/.exec(path);
    if (m) {
      const vmId = decodeURIComponent(m[1]!);
      const vm = current.vms.find((v) => v.vm === vmId);
      if (!vm) return sendError(res, dialect, 'NOT_FOUND', vmId);
      if (m[2]) {
        if (vm.power_state !== 'POWERED_ON' || !vm.toolsRunning)
          return sendError(res, dialect, 'SERVICE_UNAVAILABLE', vmId);
        return wrap({
          name: 'RHEL_9_64',
          family: 'LINUX',
          full_name: { args: [], default_message: vm.guest_OS, id: 'vmsg.guestos.rhel9_64Guest.label' },
          host_name: vm.name,
          ip_address: '10.20.0.10',
        });
      }
      return wrap({
        name: vm.name,
        power_state: vm.power_state,
        guest_OS: 'RHEL_9_64',
        identity: { name: vm.name, bios_uuid: `4211${vm.vm}`, instance_uuid: `5011${vm.vm}` },
        cpu: { count: vm.cpu_count, cores_per_socket: 1, hot_add_enabled: false, hot_remove_enabled: false },
        memory: { size_MiB: vm.memory_size_MiB, hot_add_enabled: false },
        hardware: { version: 'VMX_19', upgrade_policy: 'NEVER', upgrade_status: 'NONE' },
        boot: { type: 'BIOS', delay: 0, retry: false, retry_delay: 10000, enter_setup_mode: false },
      });
    }
    return sendError(res, dialect, 'NOT_FOUND', path);
  };

  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, handle);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    username,
    get password() {
      return password;
    },
    requests,
    get sessionsCreated() {
      return sessionsCreated;
    },
    get openSessions() {
      return sessions.size;
    },
    setInventory: (next) => {
      current = next;
    },
    inventory: () => current,
    expireSessionsAfter: (n) => {
      expireAfter = n;
    },
    failNext: (n, status) => {
      failures = n;
      failStatus = status;
    },
    setPassword: (next) => {
      password = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** TestCertificates are a throwaway CA and a server certificate for 127.0.0.1/localhost signed by it (PEM). */
export interface TestCertificates {
  caFile: string;
  ca: string;
  key: string;
  cert: string;
}

/** createTestCertificates makes, with openssl, a CA and a server certificate for 127.0.0.1 under `dir` (reused when present). */
export function createTestCertificates(dir: string, commonName = 'cmp-ops vCenter stand-in CA'): TestCertificates {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  try {
    return {
      caFile: file('ca.pem'),
      ca: readFileSync(file('ca.pem'), 'utf8'),
      key: readFileSync(file('server.key'), 'utf8'),
      cert: readFileSync(file('server.pem'), 'utf8'),
    };
  } catch {
    // not made yet
  }
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=vcenter.standin.local']);
  writeFileSync(
    file('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '30',
    '-extfile',
    'server.ext',
  ]);
  return {
    caFile: file('ca.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
  };
}

const GIB = 1024 ** 3;

/**
 * demoVcenter is the local stack's vCenter: two connected ESXi hosts; the STS and DUTCH VMs running; EGM's archive VM
 * powered off although the expectations list it; and the EGM datastore almost full (1.5 % free).
 */
export function demoVcenter(): StandinInventory {
  const vm = (
    id: number,
    name: string,
    host: string,
    power_state: StandinVm['power_state'] = 'POWERED_ON',
  ): StandinVm => ({
    vm: `vm-${id}`,
    name,
    power_state,
    cpu_count: 4,
    memory_size_MiB: 16384,
    host,
    guest_OS: 'Red Hat Enterprise Linux 9 (64-bit)',
    toolsRunning: power_state === 'POWERED_ON',
  });
  return {
    hosts: [
      { host: 'host-10', name: 'esx-ground-01.local', connection_state: 'CONNECTED', power_state: 'POWERED_ON' },
      { host: 'host-11', name: 'esx-ground-02.local', connection_state: 'CONNECTED', power_state: 'POWERED_ON' },
    ],
    datastores: [
      { datastore: 'datastore-20', name: 'ds-sts-01', type: 'VMFS', capacity: 4096 * GIB, free_space: 1900 * GIB },
      { datastore: 'datastore-21', name: 'ds-egm-01', type: 'VMFS', capacity: 2048 * GIB, free_space: 30 * GIB },
    ],
    vms: [
      vm(101, 'sts-ingest-01', 'host-10'),
      vm(102, 'sts-ingest-02', 'host-11'),
      vm(103, 'dutch-relay-01', 'host-10'),
      vm(104, 'egm-archive-01', 'host-11', 'POWERED_OFF'),
      vm(105, 'omgs-db-01', 'host-10'),
    ],
  };
}

/** DEMO_EXPECTATIONS is the local stack's expectations file for demoVcenter (docs/deploy.md documents the format). */
export const DEMO_EXPECTATIONS = `# VMs that must run, per subsystem (name globs, case-insensitive)
expected:
  STS: ["sts-ingest-*"]
  DUTCH: ["dutch-relay-01"]
  EGM: ["egm-archive-*"]
  OMGS: ["omgs-db-01"]
# subsystem label of hosts, datastores and other VMs (first match wins; VSPHERE otherwise)
subsystems:
  - { pattern: "ds-sts-*", subsystem: STS }
  - { pattern: "ds-egm-*", subsystem: EGM }
datastores:
  minFreePercent: 10
  minFreeGiB: 100
  criticalFreePercent: 3
holdMinutes:
  VMToolsNotRunning: 10
`;

/**
 * startVcenterWithDemo serves demoVcenter for the local stack: its CA, the expectations file and the vCenter account
 * (as the secret files installation-watch reads from SECRETS_DIR) under `dataDir`; `env` points installation-watch at it.
 */
export async function startVcenterWithDemo(
  dataDir: string,
): Promise<{ standin: VcenterStandin; env: Record<string, string> }> {
  const certs = createTestCertificates(join(dataDir, 'vcenter-pki'));
  const standin = await startVcenterStandin(demoVcenter(), { tls: { key: certs.key, cert: certs.cert } });
  const secrets = join(dataDir, 'secrets');
  mkdirSync(secrets, { recursive: true });
  writeFileSync(join(secrets, 'cmp-ops-vsphere-username'), `${standin.username}\n`, { mode: 0o600 });
  writeFileSync(join(secrets, 'cmp-ops-vsphere-password'), `${standin.password}\n`, { mode: 0o600 });
  const expectations = join(dataDir, 'vsphere-expectations.yaml');
  writeFileSync(expectations, DEMO_EXPECTATIONS);
  return {
    standin,
    env: { VSPHERE_URL: standin.url, VSPHERE_CA_FILE: certs.caFile, VSPHERE_EXPECTATIONS: `file:${expectations}` },
  };
}
