// The vSphere check's state machine over an in-memory state bucket, with the clock pinned: alerts refresh while their
// condition lasts, resolve when it clears, hold transient ones, and an unreachable vCenter is one alert with one start
// (the router then notifies once) that neither resolves nor forgets what was known before.
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '#lib/alerting/alert.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { createStateStore, type StateStore } from '#lib/storage/index.ts';
import { createMemoryStore } from '../helpers/memory-store.ts';
import {
  parseExpectations,
  runVsphereWatch,
  vsphereStateKey,
  type Inventory,
  type VsphereExpectations,
} from '#lib/vsphere/index.ts';

const test = suite('vsphere/watch');
const GiB = 1024 ** 3;
const T0 = DateTime.fromISO('2026-11-24T10:00:00Z', { zone: 'utc' });
const EXPECT = `expected:\n  EGM: ["egm-archive-01"]\n  STS: ["sts-ingest-01"]\nsubsystems:\n  - { pattern: "ds-egm-*", subsystem: EGM }\nholdMinutes:\n  VMToolsNotRunning: 10\n`;

function inventory(): Inventory {
  return {
    dialect: 'api',
    tools: { 'vm-1': 'running' },
    details: {},
    vms: [
      { vm: 'vm-1', name: 'sts-ingest-01', power_state: 'POWERED_ON' },
      { vm: 'vm-2', name: 'egm-archive-01', power_state: 'POWERED_OFF' },
    ],
    hosts: [{ host: 'host-1', name: 'esx-01', connection_state: 'CONNECTED', power_state: 'POWERED_ON' }],
    datastores: [
      { datastore: 'datastore-1', name: 'ds-egm-01', type: 'VMFS', capacity: 1000 * GiB, free_space: 10 * GiB },
    ],
  };
}

async function harness() {
  const store = createMemoryStore();
  await store.ensureBucket('cmp-ops-state');
  const state: StateStore = createStateStore(store, 'cmp-ops-state');
  const sent: Alert[][] = [];
  let current: Inventory | Error = inventory();
  let expectationsText = EXPECT;
  const tick = (at: DateTime) =>
    runVsphereWatch({
      read: async () => {
        if (current instanceof Error) throw current;
        return structuredClone(current);
      },
      expectations: async (): Promise<VsphereExpectations> => parseExpectations(expectationsText, 'vsphere.yaml'),
      state,
      now: at,
      vcenter: 'vcenter.ground.local',
      alerts: { send: async (alerts) => void sent.push(alerts) },
    });
  return {
    state,
    sent,
    tick,
    set: (next: Inventory | Error) => void (current = next),
    setExpectations: (text: string) => void (expectationsText = text),
  };
}
const names = (alerts: Alert[] | undefined) =>
  (alerts ?? [])
    .map((a) =>
      `${a.labels.alertname}${a.endsAt ? ' resolved' : ''} ${a.labels.vm ?? a.labels.datastore ?? a.labels.host ?? ''}`.trim(),
    )
    .sort();

test('fire → refresh → resolve :: the powered-off VM and the full datastore, with the vcenter label and a stable start', async () => {
  const h = await harness();
  const r1 = await h.tick(T0);
  assert.equal(names(h.sent[0]), ['DatastoreLow ds-egm-01', 'VMNotRunning egm-archive-01']);
  assert.is(h.sent[0]![0]!.labels.vcenter, 'vcenter.ground.local');
  assert.is(r1.firing, 2);
  await h.tick(T0.plus({ minutes: 2 }));
  assert.equal(
    h.sent[1]!.map((a) => a.startsAt),
    h.sent[0]!.map((a) => a.startsAt),
    'a refresh keeps the start',
  );
  const fixed = inventory();
  fixed.vms[1]!.power_state = 'POWERED_ON';
  fixed.tools['vm-2'] = 'running';
  fixed.datastores[0]!.free_space = 500 * GiB;
  h.set(fixed);
  const r3 = await h.tick(T0.plus({ minutes: 4 }));
  assert.equal(names(h.sent[2]), ['DatastoreLow resolved ds-egm-01', 'VMNotRunning resolved egm-archive-01']);
  assert.is(r3.resolved, 2);
  await h.tick(T0.plus({ minutes: 6 }));
  assert.is(h.sent.length, 3, 'nothing left to send');
});

test('hold :: tools down only alert once they stayed down for holdMinutes (a guest reboot does not page)', async () => {
  const h = await harness();
  const inv = inventory();
  inv.tools['vm-1'] = 'not-running';
  h.set(inv);
  const r1 = await h.tick(T0);
  assert.ok(r1.findings.some((f) => f.kind === 'VMToolsNotRunning' && !f.firing));
  assert.not.ok(names(h.sent[0]).some((n) => n.startsWith('VMToolsNotRunning')));
  await h.tick(T0.plus({ minutes: 10 }));
  const tools = h.sent[1]!.find((a) => a.labels.alertname === 'VMToolsNotRunning');
  assert.is(tools?.startsAt, '2026-11-24T10:00:00.000Z', 'the alert starts when the tools were first seen down');
});

test('unreachable :: one alert with one start across ticks, earlier conditions carried, resolved when vCenter answers', async () => {
  const h = await harness();
  await h.tick(T0);
  h.set(opsError('VSPHERE_UNAVAILABLE', 'vCenter is unreachable (POST /api/session): ECONNREFUSED'));
  const r2 = await h.tick(T0.plus({ minutes: 2 }));
  const r3 = await h.tick(T0.plus({ minutes: 4 }));
  assert.ok(r2.unreachable?.started);
  assert.not.ok(r3.unreachable?.started, 'the outage began once');
  assert.is(r3.unreachable?.since, T0.plus({ minutes: 2 }).toUTC().toISO());
  for (const batch of [h.sent[1]!, h.sent[2]!]) {
    assert.equal(
      names(batch),
      ['DatastoreLow ds-egm-01', 'VMNotRunning egm-archive-01', 'VSphereUnreachable'],
      'carried, not resolved',
    );
    const down = batch.find((a) => a.labels.alertname === 'VSphereUnreachable')!;
    assert.is(down.startsAt, '2026-11-24T10:02:00.000Z');
    assert.equal(down.labels, {
      vcenter: 'vcenter.ground.local',
      alertname: 'VSphereUnreachable',
      severity: 'critical',
      subsystem: 'VSPHERE',
    });
  }
  h.set(opsError('VSPHERE_AUTH', 'vCenter answered 401 UNAUTHENTICATED to the login'));
  const r4 = await h.tick(T0.plus({ minutes: 6 }));
  assert.match(r4.findings[0]!.summary, /refuses the monitoring credentials/);
  assert.is(
    h.sent[3]!.find((a) => a.labels.alertname === 'VSphereUnreachable')!.startsAt,
    '2026-11-24T10:02:00.000Z',
    'same outage, same start',
  );
  h.set(inventory());
  const r5 = await h.tick(T0.plus({ minutes: 8 }));
  assert.equal(names(h.sent[4]), [
    'DatastoreLow ds-egm-01',
    'VMNotRunning egm-archive-01',
    'VSphereUnreachable resolved',
  ]);
  assert.is(r5.unreachable, null);
});

test('severity change :: the warning alert is ended when the same datastore turns critical', async () => {
  const h = await harness();
  h.setExpectations('datastores: { minFreePercent: 10, criticalFreePercent: 0.5 }\n');
  const inv = inventory();
  inv.vms = [];
  inv.datastores[0]!.free_space = 50 * GiB;
  h.set(inv);
  await h.tick(T0);
  const crit = structuredClone(inv);
  crit.datastores[0]!.free_space = 1 * GiB;
  h.set(crit);
  const r = await h.tick(T0.plus({ minutes: 2 }));
  assert.equal(
    h.sent[1]!.filter((a) => a.labels.alertname === 'DatastoreLow').map(
      (a) => `${a.labels.severity}${a.endsAt ? ' ended' : ''}`,
    ),
    ['warning ended', 'critical'],
  );
  assert.is(r.resolved, 1);
});

test('expectations invalid :: raised as an alert, defaults still check datastores; state kept per vCenter', async () => {
  const h = await harness();
  h.setExpectations('expected:\n  EGM: "not-a-list"\n');
  const r = await h.tick(T0);
  assert.equal(names(h.sent[0]), ['DatastoreLow ds-egm-01', 'VSphereExpectationsInvalid']);
  assert.ok(r.findings.find((f) => f.kind === 'VSphereExpectationsInvalid'));
  const stored = await h.state.read<{ active: Record<string, unknown> }>(vsphereStateKey('vcenter.ground.local'));
  assert.equal(Object.keys(stored!.value.active).sort(), ['datastore/datastore-1', 'expectations/invalid']);
});

test.run();
