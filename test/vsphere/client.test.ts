// The vSphere Automation REST adapter against a vCenter stand-in (scripts/local-stack/vcenter-standin.ts). No vCenter
// and no simulator of this REST API can run here (govmomi's vcsim serves the SOAP API, not /api/vcenter/vm), so the
// stand-in answers as VMware's published API reference describes: both dialects (/api, and 6.7's /rest with
// {"value": …} wrapping and filter.x.N parameters), vAPI error bodies, session expiry as 401, the VM list cap answered
// with UNABLE_TO_ALLOCATE_RESOURCE. Everything runs over real HTTPS with a CA generated here with openssl.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isOpsError, Secret, type OpsError } from '#lib/runtime/index.ts';
import {
  createVsphereClient,
  DEFAULT_EXPECTATIONS,
  parseExpectations,
  readInventory,
  vapiError,
  type VsphereClient,
  type VsphereDialect,
} from '#lib/vsphere/index.ts';
import {
  createTestCertificates,
  demoVcenter,
  startVcenterStandin,
  type StandinInventory,
  type StandinVm,
  type TestCertificates,
  type VcenterStandin,
} from '../../scripts/local-stack/vcenter-standin.ts';

const test = suite('vsphere/client');
let dir: string;
let certs: TestCertificates;
let otherCa: TestCertificates;
const open: VcenterStandin[] = [];
const clients: VsphereClient[] = [];

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmp-ops-vsphere-'));
  certs = createTestCertificates(join(dir, 'pki'));
  otherCa = createTestCertificates(join(dir, 'other'), 'some other CA');
});
test.after.each(async () => {
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(open.splice(0).map((s) => s.close()));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function standin(
  inventory: StandinInventory = demoVcenter(),
  options: { dialects?: Array<'api' | 'rest'>; listCap?: number } = {},
): Promise<VcenterStandin> {
  const s = await startVcenterStandin(inventory, { tls: { key: certs.key, cert: certs.cert }, ...options });
  open.push(s);
  return s;
}
function client(
  s: { url: string; username: string; password: string },
  options: { dialect?: VsphereDialect; ca?: string | null; password?: string } = {},
): VsphereClient {
  const c = createVsphereClient({
    url: s.url,
    username: new Secret(s.username),
    password: new Secret(options.password ?? s.password),
    dialect: options.dialect ?? 'auto',
    timeoutMs: 5000,
    ...(options.ca === null ? {} : { ca: options.ca ?? certs.ca }),
  });
  clients.push(c);
  return c;
}
async function rejection(work: Promise<unknown>): Promise<OpsError> {
  try {
    await work;
  } catch (err) {
    if (isOpsError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
const EXPECT = parseExpectations('expected:\n  STS: ["sts-ingest-*"]\n  EGM: ["egm-archive-01"]\n');

test('api dialect :: one session, summaries as listed, tools of running expected VMs, details of stopped ones, DELETE at the end', async () => {
  const s = await standin();
  const c = client(s);
  const inv = await readInventory(c, EXPECT);
  assert.is(inv.dialect, 'api');
  assert.equal(inv.vms.map((v) => `${v.vm} ${v.name} ${v.power_state}`).slice(0, 2), [
    'vm-101 sts-ingest-01 POWERED_ON',
    'vm-102 sts-ingest-02 POWERED_ON',
  ]);
  assert.equal(Object.keys(inv.vms[0]!).sort(), ['cpu_count', 'memory_size_MiB', 'name', 'power_state', 'vm']);
  assert.equal(inv.tools, { 'vm-101': 'running', 'vm-102': 'running' });
  assert.equal(inv.details['vm-104']?.guest_OS, 'RHEL_9_64');
  assert.equal(
    inv.datastores.map((d) => d.name),
    ['ds-sts-01', 'ds-egm-01'],
  );
  assert.equal(
    inv.hosts.map((h) => h.connection_state),
    ['CONNECTED', 'CONNECTED'],
  );
  assert.is(s.sessionsCreated, 1);
  assert.is(s.openSessions, 0, 'the session is deleted');
  assert.equal(
    s.requests.filter((r) => r.includes('session')),
    ['POST /api/session', 'DELETE /api/session'],
  );
  assert.ok(s.requests.includes('GET /api/vcenter/vm/vm-101/guest/identity'));
  assert.ok(s.requests.includes('GET /api/vcenter/vm/vm-104'));
});

test('tools :: guest/identity 503 SERVICE_UNAVAILABLE means the tools do not run', async () => {
  const inventory = demoVcenter();
  inventory.vms.find((v) => v.name === 'sts-ingest-02')!.toolsRunning = false;
  const inv = await readInventory(client(await standin(inventory)), EXPECT);
  assert.equal(inv.tools, { 'vm-101': 'running', 'vm-102': 'not-running' });
});

test('6.7 /rest :: auto-detected after /api/session 404, values unwrapped, session deleted', async () => {
  const s = await standin(demoVcenter(), { dialects: ['rest'] });
  const inv = await readInventory(client(s), EXPECT);
  assert.is(inv.dialect, 'rest');
  assert.is(inv.vms.length, 5);
  assert.equal(inv.tools, { 'vm-101': 'running', 'vm-102': 'running' });
  assert.is(inv.details['vm-104']?.memory?.size_MiB, 16384);
  assert.equal(s.requests.slice(0, 2), ['POST /api/session', 'POST /rest/com/vmware/cis/session']);
  assert.ok(s.requests.includes('GET /rest/vcenter/vm'));
  assert.is(s.requests.at(-1), 'DELETE /rest/com/vmware/cis/session');
  assert.is(s.openSessions, 0);
  const forced = await standin(demoVcenter(), { dialects: ['rest'] });
  await readInventory(client(forced, { dialect: 'rest' }), DEFAULT_EXPECTATIONS);
  assert.is(forced.requests[0], 'POST /rest/com/vmware/cis/session', 'a configured dialect is not probed');
});

test('session expiry :: a 401 mid-run logs in again once and the run completes', async () => {
  for (const dialects of [['api'], ['rest']] as const) {
    const s = await standin(demoVcenter(), { dialects: [...dialects] });
    s.expireSessionsAfter(3);
    const inv = await readInventory(client(s), EXPECT);
    assert.is(inv.vms.length, 5, dialects[0]);
    assert.is(s.sessionsCreated, 2, `${dialects[0]}: ${s.requests.join('\n')}`);
    assert.is(s.openSessions, 0);
  }
});

function bigInventory(): StandinInventory {
  const base = demoVcenter();
  const vm = (i: number, power: StandinVm['power_state'], host: string): StandinVm => ({
    ...base.vms[0]!,
    vm: `vm-${1000 + i}`,
    name: `load-${i}`,
    power_state: power,
    host,
  });
  const vms = [
    ...[0, 1, 2].map((i) => vm(i, 'POWERED_ON', 'host-10')),
    ...[3, 4].map((i) => vm(i, 'POWERED_ON', 'host-11')),
    ...[5, 6].map((i) => vm(i, 'POWERED_OFF', 'host-10')),
    vm(7, 'SUSPENDED', 'host-11'),
  ];
  return { ...base, vms };
}

test('list cap :: a refused list is narrowed per power state, then per host, in both dialects', async () => {
  const s = await standin(bigInventory(), { listCap: 3 });
  const inv = await readInventory(client(s), DEFAULT_EXPECTATIONS);
  assert.equal(
    inv.vms.map((v) => v.vm).sort(),
    bigInventory()
      .vms.map((v) => v.vm)
      .sort(),
  );
  const lists = s.requests.filter((r) => r.startsWith('GET /api/vcenter/vm'));
  assert.equal(lists, [
    'GET /api/vcenter/vm',
    'GET /api/vcenter/vm?power_states=POWERED_ON',
    'GET /api/vcenter/vm?power_states=POWERED_ON&hosts=host-10',
    'GET /api/vcenter/vm?power_states=POWERED_ON&hosts=host-11',
    'GET /api/vcenter/vm?power_states=POWERED_OFF',
    'GET /api/vcenter/vm?power_states=SUSPENDED',
  ]);
  const r = await standin(bigInventory(), { dialects: ['rest'], listCap: 3 });
  const invRest = await readInventory(client(r), DEFAULT_EXPECTATIONS);
  assert.is(invRest.vms.length, 8);
  assert.ok(
    r.requests.includes('GET /rest/vcenter/vm?filter.power_states.1=POWERED_ON&filter.hosts.1=host-10'),
    r.requests.join('\n'),
  );
});

test('list cap :: one host over the cap even narrowed is VSPHERE_LIST_TOO_LARGE, and the session is still closed', async () => {
  const s = await standin(bigInventory(), { listCap: 2 });
  const err = await rejection(readInventory(client(s), DEFAULT_EXPECTATIONS));
  assert.is(err.code, 'VSPHERE_LIST_TOO_LARGE');
  assert.match(err.message, /POWERED_ON VMs of host esx-ground-01\.local/);
  assert.is(s.openSessions, 0);
});

test('credentials :: a refused login is VSPHERE_AUTH and never shows the password', async () => {
  const s = await standin();
  const err = await rejection(readInventory(client(s, { password: 'wrong-Passw0rd!' }), DEFAULT_EXPECTATIONS));
  assert.is(err.code, 'VSPHERE_AUTH');
  assert.match(err.message, /401 UNAUTHENTICATED to the login/);
  assert.not.match(`${err.message}${JSON.stringify(err.details)}`, /wrong-Passw0rd|standin-password/);
});

test('TLS :: verification is never skipped: Node roots or another CA refuse the stand-in (VSPHERE_TLS); http is refused', async () => {
  const s = await standin();
  for (const ca of [null, otherCa.ca]) {
    const err = await rejection(readInventory(client(s, { ca }), DEFAULT_EXPECTATIONS));
    assert.is(err.code, 'VSPHERE_TLS');
    assert.is(err.details[0]?.field, 'VSPHERE_CA_FILE');
  }
  assert.is(s.sessionsCreated, 0);
  let thrown: unknown;
  try {
    client({ url: 'http://127.0.0.1:1', username: 'u', password: 'p' });
  } catch (err) {
    thrown = err;
  }
  assert.is((thrown as OpsError).code, 'CONFIG_INVALID');
});

test('unavailable :: 503 at login, and nobody listening, are VSPHERE_UNAVAILABLE (retryable)', async () => {
  const s = await standin();
  s.failNext(1, 503);
  const busy = await rejection(readInventory(client(s), DEFAULT_EXPECTATIONS));
  assert.is(busy.code, 'VSPHERE_UNAVAILABLE');
  assert.ok(busy.retryable);
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  const down = await rejection(
    readInventory(client({ url: `https://127.0.0.1:${port}`, username: 'u', password: 'p' }), DEFAULT_EXPECTATIONS),
  );
  assert.is(down.code, 'VSPHERE_UNAVAILABLE');
  assert.match(down.message, /ECONNREFUSED/);
});

test('deadline :: a vCenter that accepts and never answers is ended by the read deadline (DEADLINE_EXCEEDED)', async () => {
  const hung = createHttpsServer({ key: certs.key, cert: certs.cert }, () => undefined);
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
  try {
    const url = `https://127.0.0.1:${(hung.address() as { port: number }).port}`;
    const c = createVsphereClient({
      url,
      username: new Secret('u'),
      password: new Secret('p'),
      dialect: 'auto',
      timeoutMs: 60_000,
      ca: certs.ca,
    });
    clients.push(c);
    const err = await rejection(readInventory(c, DEFAULT_EXPECTATIONS, AbortSignal.timeout(300)));
    assert.is(err.code, 'DEADLINE_EXCEEDED');
  } finally {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  }
});

test('error bodies :: both dialects read from the published samples', () => {
  const sample = (name: string) =>
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'vsphere', name), 'utf8')) as unknown;
  assert.equal(vapiError({ status: 401, body: sample('rest-unauthenticated.json') }), {
    status: 401,
    errorType: 'UNAUTHENTICATED',
    message: 'This method requires authentication.',
  });
  assert.equal(vapiError({ status: 401, body: sample('api-unauthenticated.json') }), {
    status: 401,
    errorType: 'UNAUTHENTICATED',
    message: 'Authentication required.',
  });
  assert.equal(vapiError({ status: 502, body: '<html>Bad Gateway</html>' }), {
    status: 502,
    errorType: '',
    message: '<html>Bad Gateway</html>',
  });
});

test.run();
