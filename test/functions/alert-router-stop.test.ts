// alert-router as its own process, as of-watchdog runs it: ingests accepted on POST /api/v2/alerts before their
// journal write are written when the process is told to stop (SIGTERM), not lost. State in a real S3-protocol server
// (s3rver); the journal linger is its longest (1 s), far longer than the stop takes, so only the stop can have
// written the second record in time.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRouterStore, ingestAlerts, type RouterState } from '#lib/alerting/router/index.ts';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { normalizeAlerts } from '#lib/alerting/ingest.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { freePort, waitFor } from '../helpers/free-port.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('functions/alert-router-stop');
let s3: TestS3;
const routing = 'route:\n  receiver: ops\n  group_by: [subsystem]\n  group_wait: 30s\nreceivers:\n  - name: ops\n';

test.before(async () => {
  s3 = await startTestS3(['cmp-ops-state']);
});
test.after(async () => {
  await s3.close();
});

test('SIGTERM :: accepted ingests still lingering are written before the process exits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'router-stop-'));
  writeFileSync(join(dir, 'am.yml'), routing);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'functions', 'alert-router', 'index.ts')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: 'testkey',
        S3_SECRET_KEY: 'testsecret',
        CMP_OPS_INVOKE_TOKEN: 'stop-token',
        ROUTING_CONFIG: `file:${join(dir, 'am.yml')}`,
        JOURNAL_LINGER_MS: '1000',
        LOG_LEVEL: 'warn',
        SECRETS_DIR: join(dir, 'secrets'),
      },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // compiled by tsx at start: on a loaded machine that alone can take a while
  await waitFor(
    'alert-router ready',
    async () => (await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined))?.ok === true,
    90_000,
  ).catch((err) => {
    child.kill('SIGKILL'); // never left running after a failed test
    throw err;
  });
  for (const key of ['s1', 's2']) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
      method: 'POST',
      headers: { authorization: 'Bearer stop-token', 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'ChecksumMismatch', subsystem: 'STS', key } }]),
    });
    assert.is(res.status, 200);
    await res.arrayBuffer();
  }
  child.kill('SIGTERM');
  assert.is(await exited, 0);
  const config = loadAlertmanagerConfig(routing, 'test');
  const restarted = createRouterStore({
    state: createStateStore(s3.store, 'cmp-ops-state'),
    replay: (s, entry) =>
      void ingestAlerts(
        s,
        'alerts' in entry ? entry.alerts : normalizeAlerts(entry.body, new Date(entry.now), entry.resolveTimeoutMs),
        config,
        entry.now,
      ),
  });
  const state: RouterState = await restarted.read();
  assert.equal(
    Object.values(state.alerts)
      .map((a) => a.labels.key)
      .sort(),
    ['s1', 's2'],
  );
});

test.run();
