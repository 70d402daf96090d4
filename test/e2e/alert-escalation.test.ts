// alert-router in the local stack with an Alertmanager-format routing file and the cmp_ops escalation section:
// an alert posted through the gateway reaches the pager receiver and the on-call primary with a signed
// acknowledgement link; the next timer tick escalates to the secondary; the ack link (no bearer token, through the
// gateway) stops the escalation before the lead is woken. The function runs on the real clock, so the policy's waits
// are 1 ms and each tick is one step. Needs `npm run build` first.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/alert-escalation');
let stack: LocalStack;
let dataDir: string;
const notifications = (): Array<{ receiver: string; status: string; ackURL?: string }> =>
  readNotifications(stack.notificationsFile);

test.before(async () => {
  dataDir = e2eDataDir('esc');
  // the fixture's routing, receivers without integrations (the stack's notifications.jsonl tap records them all)
  const routing = readFixture('alerts', 'oncall.yml')
    .replace(/\n {4}webhook_configs: \[\{ url: 'http:\/\/HOOK\/\w+' \}\]/g, '')
    .replace(/wait: \d+m/g, 'wait: 1ms');
  writeFileSync(join(dataDir, 'alertmanager.yml'), routing);
  stack = await startTestStack({
    dataDir,
    only: ['alert-router'],
    functionEnv: {
      'alert-router': {
        ROUTING_CONFIG: `file:${join(dataDir, 'alertmanager.yml')}`,
        CMP_OPS_ACK_KEY: 'e2e-ack-key',
        EXTERNAL_URL: 'http://gateway/function/alert-router',
      },
    },
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

test('alert → pager + on-call primary; tick → secondary; signed ack link through the gateway → nobody else', async () => {
  const alert = [
    {
      labels: { alertname: 'BackupFailed', severity: 'critical', subsystem: 'CGCU' },
      annotations: { summary: 'CGCU_Oracle failed (58)' },
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    },
  ];
  const res = await fetch(`${stack.gatewayUrl}/function/alert-router`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(alert),
  });
  assert.is(res.status, 200);
  const first = notifications().map((n) => n.receiver);
  assert.is(first.length, 2, JSON.stringify(first));
  assert.is(first[0], 'pager');
  assert.ok(['alice', 'bob', 'carol', 'lead'].includes(first[1]!), 'the on-call primary of the ground schedule');
  const ackURL = notifications()[0]!.ackURL!;
  assert.match(ackURL, /^http:\/\/gateway\/function\/alert-router\/ack\?g=/);
  await stack.tick(DateTime.utc().startOf('minute'));
  assert.is(notifications().length, 3, 'the secondary after the wait');
  const ack = await fetch(`${stack.gatewayUrl}${new URL(ackURL).pathname}${new URL(ackURL).search}&by=oncall`);
  assert.is(ack.status, 200, await ack.clone().text());
  await stack.tick(DateTime.utc().startOf('minute'));
  await stack.tick(DateTime.utc().startOf('minute'));
  assert.is(notifications().length, 3, 'acknowledged: the lead is not woken');
});

test.run();
