// Dead letters, read and resent without opening state.json: alert-router behind the real runtime server, state in a
// real S3-protocol server (s3rver), the receiver a real HTTP listener that refuses (400) until it is "fixed". GET
// /api/v1/dead-letters lists what was given up on; `cmp-ops dead-letters retry ID` sends it again; an unknown id is
// a 404 (CLI exit 2), a receiver still broken keeps it undelivered (CLI exit 1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/alert-router/handler.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/alert-router-dead-letters');
let s3: TestS3;
let receiver: TestListener;
const clock = fixedClock('2026-11-24T10:00:00Z');
const env = { CMP_OPS_INVOKE_TOKEN: TEST_TOKEN };

async function router() {
  const dir = mkdtempSync(join(tmpdir(), 'router-dead-'));
  writeFileSync(
    join(dir, 'am.yml'),
    `route:\n  receiver: team\n  group_by: [subsystem]\n  group_wait: 0s\nreceivers:\n  - name: team\n    webhook_configs:\n      - url: '${receiver.url}/team'\n`,
  );
  const config = {
    WEBHOOK_RECEIVERS: [],
    EXTERNAL_URL: 'http://router',
    RESOLVE_TIMEOUT_MS: 300000,
    RETRY_MAX_ATTEMPTS: 2,
    RETRY_BASE_MS: 10000,
    DROP_MUTED_RECEIVERS: [],
    DELIVERY_TIMEOUT_MS: 1000,
    STATE_BUCKET: 'cmp-ops-state',
    ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
  };
  return serveHandler(
    createHandler({ config: config as never, state: createStateStore(s3.store, 'cmp-ops-state'), random: () => 0.5 }),
    { clock },
  );
}

test.before(async () => {
  s3 = await startTestS3(['cmp-ops-state']);
  receiver = await startListener();
});
test.after(async () => {
  await receiver.close();
  await s3.close();
});

test('dead letters :: listed over HTTP and the CLI; resent once the receiver is fixed; unknown ids and a still-broken receiver say so', async () => {
  const server = await router();
  receiver.failNext(1, 400);
  const posted = await server.call([
    {
      labels: { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'STS', key: 'dl' },
      annotations: { summary: 'x' },
    },
  ]);
  assert.is(posted.body.deadLetters, 1, 'a 400 is permanent: a dead letter at once');
  const res = await fetch(`${server.url}/api/v1/dead-letters`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const [letter] = (await res.json()) as Array<Record<string, any>>;
  assert.is(res.status, 200);
  assert.equal(
    [letter!.receiver, letter!.integration, letter!.attempts, letter!.alerts[0].labels.key],
    ['team', 'webhook/0', 1, 'dl'],
  );
  assert.match(letter!.lastError, /answered 400/);
  const listed = await runCliCaptured(['dead-letters', 'list', '--router', server.url], { env });
  assert.is(listed.code, 0, listed.err);
  assert.is(JSON.parse(listed.out.trim()).id, letter!.id);

  receiver.failNext(1, 400);
  const again = await runCliCaptured(['dead-letters', 'retry', letter!.id, '--router', server.url], { env });
  assert.is(again.code, 1, 'still refused: exit 1');
  assert.is(JSON.parse(again.out).outcome, 'dead');
  assert.is(receiver.requests.length, 0);

  const fixed = await runCliCaptured(['dead-letters', 'retry', letter!.id, '--router', server.url], { env });
  assert.is(fixed.code, 0, fixed.err);
  assert.equal(JSON.parse(fixed.out), { id: letter!.id, outcome: 'delivered' });
  assert.is(receiver.requests.length, 1);
  const delivered = JSON.parse(receiver.requests[0]!.body);
  assert.equal([delivered.receiver, delivered.alerts[0].labels.key], ['team', 'dl']);
  assert.equal(
    JSON.parse((await runCliCaptured(['dead-letters', 'list', '--router', server.url], { env })).out || '[]'),
    [],
    'no dead letter left',
  );

  const unknown = await runCliCaptured(['dead-letters', 'retry', 'no-such-id', '--router', server.url], { env });
  assert.is(unknown.code, 2);
  assert.match(unknown.err, /404/);
  assert.is((await runCliCaptured(['dead-letters', 'retry', '--router', server.url], { env })).code, 2, 'no id: usage');
  await server.close();
});

test.run();
