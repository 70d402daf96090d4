// The alert-path check through the local stack's alert-router (the gateway, the real bundle, Alertmanager-format
// routing with the cmp_ops escalation section): the test alert reaches the pager and the on-call primary, a person
// acknowledges it (POST /api/v1/ack through the gateway, as the ack link does), and the check passes with who and
// when; unacknowledged within the time allowed, it fails. The function runs on the real clock. Needs `npm run build`.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createStateStore } from '#lib/storage/index.ts';
import { createAlertPath, groupLabels, runCheck, type CheckSpec, type EscalationView } from '#lib/validation/index.ts';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/validation-alert-path');
let stack: LocalStack;
let dataDir: string;
const notifications = (): Array<{
  receiver: string;
  status: string;
  alerts: Array<{ labels: Record<string, string> }>;
}> => readNotifications(stack.notificationsFile);

test.before(async () => {
  dataDir = e2eDataDir('alertpath');
  const routing = readFixture('alerts', 'oncall.yml')
    .replace(/\n {4}webhook_configs: \[\{ url: 'http:\/\/HOOK\/\w+' \}\]/g, '')
    .replace(/wait: \d+m/g, 'wait: 1ms');
  writeFileSync(join(dataDir, 'alertmanager.yml'), routing);
  stack = await startTestStack({
    dataDir,
    only: ['alert-router'],
    functionEnv: {
      'alert-router': { ROUTING_CONFIG: `file:${join(dataDir, 'alertmanager.yml')}`, CMP_OPS_ACK_KEY: 'e2e-ack-key' },
    },
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

const deps = (runId: string) => ({
  store: stack.store,
  state: createStateStore(stack.store, 'cmp-ops-state'),
  now: () => DateTime.utc(),
  sleep: (ms: number) => sleep(ms),
  release: '2026.11-demo',
  runId,
  subsystemLabel: 'cmp-ops.io/subsystem',
  elapsedMs: () => performance.now(),
  alertPath: createAlertPath(stack.gatewayUrl, () => stack.token),
});

test('acknowledged :: the pager and the on-call primary are notified, the ack is the evidence', async () => {
  const port = createAlertPath(stack.gatewayUrl, () => stack.token);
  // the on-call person: acknowledges the test alert's escalation as soon as it exists
  const acker = (async () => {
    for (let i = 0; i < 200; i++) {
      const esc = (await port.escalations()).find(
        (e: EscalationView) => groupLabels(e.groupKey).alertname === 'ValidationTestAlert' && !e.ack,
      );
      if (esc) {
        const res = await fetch(`${stack.gatewayUrl}/function/alert-router/api/v1/ack`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ groupKey: esc.groupKey, by: 'alice', note: 'validation' }),
        });
        return res.status;
      }
      await sleep(50);
    }
    return 0;
  })();
  const result = await runCheck(
    {
      check: 'alert-path',
      testcase: 'CMP-7',
      withinMinutes: 1,
      pollSeconds: 1,
      labels: { subsystem: 'STS' },
    } as CheckSpec,
    deps('run-acked'),
  );
  assert.is(await acker, 200);
  assert.is(result.status, 'p', result.notes);
  assert.match(result.notes, /acknowledged by alice at \d{4}-\d\d-\d\dT/);
  assert.match(result.notes, /notified user:(alice|bob|carol|lead)/);
  const received = notifications()
    .filter((n) => n.alerts.some((a) => a.labels.validation_run === 'run-acked'))
    .map((n) => n.receiver);
  assert.ok(received.includes('pager'), received.join(','));
  const alerts = (await (
    await fetch(`${stack.gatewayUrl}/function/alert-router/api/v2/alerts`, {
      headers: { authorization: `Bearer ${stack.token}` },
    })
  ).json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
  assert.is(
    alerts.find((a) => a.labels.validation_run === 'run-acked')?.status.state,
    'resolved',
    'the test alert is resolved after the check',
  );
});

test('not acknowledged :: fails after the time allowed, with who was notified', async () => {
  const result = await runCheck(
    {
      check: 'alert-path',
      testcase: 'CMP-7',
      withinMinutes: 0.03,
      pollSeconds: 1,
      labels: { subsystem: 'DUTCH' },
    } as CheckSpec,
    deps('run-ignored'),
  );
  assert.is(result.status, 'f', result.notes);
  assert.match(result.summary, /not acknowledged within 0\.03 min/);
  assert.match(result.notes, /notified user:/);
});

test.run();
