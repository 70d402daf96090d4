// installation-watch reads vCenter through the local stack: the cron tick reaches it through the gateway, it reads the
// demo vCenter from the vSphere Automation API stand-in (no vCenter, and no simulator of this REST API, can run on
// these machines; the stand-in answers as VMware's API reference describes, over HTTPS with a CA made by openssl),
// and its alerts reach alert-router and land in notifications.jsonl. Needs `npm run build` first.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cronMatches, parseCron } from '#lib/triggers/index.ts';
import { readStackFile } from '../../scripts/local-stack/stack-file.ts';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { demoVcenter } from '../../scripts/local-stack/vcenter-standin.ts';
import { readNotifications, tailFunctionLogs } from '../helpers/stack-files.ts';

const root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/vmware');
let stack: LocalStack;
let dataDir: string;
const stackLog: string[] = [];
const diagnostics = (): string =>
  [...stackLog.slice(-20), ...tailFunctionLogs(dataDir, ['installation-watch', 'alert-router'])].join('\n');
type Notification = {
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string>; startsAt: string }>;
};
const notified = (): Notification[] => readNotifications(stack.notificationsFile);
const vsphereAlerts = (ns: Notification[]) =>
  ns
    .flatMap((n) =>
      n.alerts
        .filter((a) => a.labels.vcenter)
        .map(
          (a) =>
            `${a.labels.alertname} ${a.labels.subsystem} ${a.labels.vm ?? a.labels.datastore ?? a.labels.host ?? '-'} ${a.status}`,
        ),
    )
    .sort();
const at = (minute: number) => DateTime.fromISO('2026-11-24T10:00:00Z', { zone: 'utc' }).plus({ minutes: minute });

test.before(async () => {
  dataDir = e2eDataDir('vmware');
  stack = await startTestStack({
    dataDir,
    seedDemo: true,
    only: ['installation-watch', 'alert-router'],
    log: (line) => void stackLog.push(line),
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

test('schedule :: installation-watch runs in every two-minute window of the day (the stack timers follow stack.yml)', () => {
  const fn = readStackFile(join(root, 'stack.yml')).find((f) => f.name === 'installation-watch')!;
  const cron = parseCron(fn.schedule!);
  const day = DateTime.fromISO('2026-11-24T00:00:00Z', { zone: 'utc' });
  for (let m = 0; m < 24 * 60; m++)
    assert.ok(
      cronMatches(cron, day.plus({ minutes: m })) || cronMatches(cron, day.plus({ minutes: m + 1 })),
      `no run at ${m} or ${m + 1}`,
    );
});

test('tick → alerts :: the powered-off expected VM and the full datastore reach the receivers, labelled and subsystem-mapped', async () => {
  assert.ok((await stack.tick(at(0))).includes('installation-watch'));
  await stack.settled();
  const fired = vsphereAlerts(notified());
  assert.ok(
    fired.includes('VMNotRunning EGM egm-archive-01 firing'),
    `${fired.join('\n')}\n--- stack\n${diagnostics()}`,
  );
  assert.ok(fired.includes('DatastoreLow EGM ds-egm-01 firing'), fired.join('\n'));
  assert.is(fired.length, 2, `only those two: ${fired.join('\n')}`);
  const vm = notified()
    .flatMap((n) => n.alerts)
    .find((a) => a.labels.alertname === 'VMNotRunning')!;
  assert.is(vm.labels.vcenter, '127.0.0.1');
  assert.is(vm.labels.severity, 'critical');
  assert.is(stack.vcenter.openSessions, 0, 'the session was closed');
  assert.ok(stack.vcenter.requests.includes('POST /api/session'));
  const logs = readFileSync(join(dataDir, 'logs', 'installation-watch.log'), 'utf8');
  assert.not.match(logs, new RegExp(stack.vcenter.password), 'the vCenter password never reaches the logs');
});

test('vCenter refuses the account :: one VSphereUnreachable notification over two ticks; the known conditions stay firing', async () => {
  const before = notified().length;
  const password = stack.vcenter.password;
  stack.vcenter.setPassword('rotated-elsewhere');
  await stack.tick(at(2));
  await stack.settled();
  await stack.tick(at(4));
  await stack.settled();
  const seen = vsphereAlerts(notified().slice(before));
  assert.equal(seen, ['VSphereUnreachable VSPHERE - firing'], `${seen.join('\n')}\n--- stack\n${diagnostics()}`);
  stack.vcenter.setPassword(password);
});

test('repair → resolved :: the VM powered on, space freed and vCenter back resolve all three', async () => {
  const inventory = demoVcenter();
  const vm = inventory.vms.find((v) => v.name === 'egm-archive-01')!;
  vm.power_state = 'POWERED_ON';
  vm.toolsRunning = true;
  inventory.datastores.find((d) => d.name === 'ds-egm-01')!.free_space = 1500 * 1024 ** 3;
  stack.vcenter.setInventory(inventory);
  const before = notified().length;
  await stack.tick(at(6));
  await stack.settled();
  await stack.tick(at(8));
  await stack.settled();
  const resolved = vsphereAlerts(notified().slice(before));
  assert.equal(
    resolved,
    [
      'DatastoreLow EGM ds-egm-01 resolved',
      'VMNotRunning EGM egm-archive-01 resolved',
      'VSphereUnreachable VSPHERE - resolved',
    ],
    `${resolved.join('\n')}\n--- stack\n${diagnostics()}`,
  );
});

test.run();
