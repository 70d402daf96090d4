// The vSphere pure core: the findings drawn from one inventory. Inventories are built from
// the API reference's answer shapes (test/fixtures/vsphere, SOURCES.md): no vCenter runs here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_EXPECTATIONS,
  evaluateInventory,
  parseExpectations,
  type Inventory,
  type VsphereExpectations,
} from '#lib/vsphere/index.ts';

const test = suite('vsphere/findings');
const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'vsphere', name), 'utf8')) as T;
const inventory = (change: Partial<Inventory> = {}): Inventory => ({
  vms: fixture('vm-list-api.json'),
  hosts: fixture('host-list-api.json'),
  datastores: fixture('datastore-list-api.json'),
  tools: {},
  details: {},
  dialect: 'api',
  ...change,
});
const expectations = (yaml: string): VsphereExpectations => parseExpectations(yaml, 'test');
const EXPECT = `expected:
  STS: ["sts-ingest-*"]
  EGM: ["egm-archive-01"]
  DUTCH: ["DUTCH-relay-??"]
subsystems:
  - { pattern: "ds-egm-*", subsystem: EGM }
  - { pattern: "esx-ground-0[2]*", subsystem: NEVER }
datastores: { minFreePercent: 10, criticalFreePercent: 3 }
`;
const rows = (findings: ReturnType<typeof evaluateInventory>) =>
  findings
    .map(
      (f) =>
        `${f.kind} ${f.severity} ${f.subsystem} ${Object.entries(f.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`,
    )
    .sort();

test('inventory → findings :: expected VMs off or suspended, lost hosts, the full datastore', () => {
  assert.equal(rows(evaluateInventory(inventory(), expectations(EXPECT))), [
    'DatastoreLow critical EGM datastore=ds-egm-01',
    'VMHostDisconnected critical VSPHERE host=esx-ground-02.local',
    'VMHostDisconnected critical VSPHERE host=esx-ground-03.local',
    'VMNotRunning critical DUTCH vm=dutch-relay-01',
    'VMNotRunning critical EGM vm=egm-archive-01',
  ]);
});

test('inventory → findings :: an expected pattern that matches no VM is a VM not running, named by the pattern', () => {
  const f = evaluateInventory(inventory(), expectations('expected:\n  OMGS: ["omgs-db-01"]\n')).filter(
    (x) => x.kind === 'VMNotRunning',
  );
  assert.equal(
    f.map((x) => [x.labels.vm, x.subsystem, x.key]),
    [['omgs-db-01', 'OMGS', 'vm-missing/OMGS/omgs-db-01']],
  );
});

test('tools :: an expected running VM whose guest/identity said not-running warns; unexpected or unknown ones do not', () => {
  const inv = inventory({ tools: { 'vm-1021': 'not-running' } });
  const tools = evaluateInventory(inv, expectations(EXPECT)).filter((f) => f.kind === 'VMToolsNotRunning');
  assert.equal(
    tools.map((f) => [f.labels.vm, f.severity, f.subsystem]),
    [['sts-ingest-01', 'warning', 'STS']],
  );
  assert.is(
    evaluateInventory(inv, expectations(`${EXPECT}tools: false\n`)).filter((f) => f.kind === 'VMToolsNotRunning')
      .length,
    0,
  );
  assert.is(
    evaluateInventory(inventory({ tools: { 'vm-1021': 'running' } }), expectations(EXPECT)).filter(
      (f) => f.kind === 'VMToolsNotRunning',
    ).length,
    0,
  );
});

test('datastores :: percent and absolute thresholds, critical level, overrides, ignore, inaccessible skipped', () => {
  const GiB = 1024 ** 3;
  const ds = (name: string, free: number, capacity: number) => ({
    datastore: `datastore-${name}`,
    name,
    type: 'VMFS',
    free_space: free * GiB,
    capacity: capacity * GiB,
  });
  const inv = inventory({
    vms: [],
    hosts: [],
    datastores: [
      ds('big', 900, 10_000),
      ds('small', 40, 100),
      ds('ok', 60, 100),
      ds('tiny-local', 1, 100),
      ds('boot-x', 5, 100),
      { datastore: 'datastore-x', name: 'gone', type: 'NFS' },
    ],
  });
  const e = expectations(
    'datastores:\n  minFreePercent: 10\n  minFreeGiB: 50\n  criticalFreePercent: 2\n  ignore: ["*-local"]\n  overrides:\n    - { pattern: "boot-*", minFreePercent: 4, minFreeGiB: 0 }\n',
  );
  const found = evaluateInventory(inv, e).map((f) => `${f.labels.datastore} ${f.severity} ${f.summary}`);
  assert.equal(found, [
    'big warning datastore big has 9.0 % free (900.0 GiB of 9.8 TiB)',
    'small warning datastore small has 40.0 % free (40.0 GiB of 100.0 GiB)',
  ]);
  const critical = evaluateInventory(
    inventory({ datastores: [ds('full', 1, 100)], vms: [], hosts: [] }),
    DEFAULT_EXPECTATIONS,
  );
  assert.equal(
    critical.map((f) => f.severity),
    ['critical'],
  );
});

test.run();
