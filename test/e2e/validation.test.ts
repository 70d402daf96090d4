import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { demoProjects, startTestLinkStandin, type TestLinkStandin } from '../../scripts/testlink-standin.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/validation');
let stack: LocalStack;
let testlink: TestLinkStandin;
let dataDir: string;
const env = () => ({
  S3_ENDPOINT: stack.s3Endpoint,
  S3_ACCESS_KEY: 'minioadmin',
  S3_SECRET_KEY: 'minioadmin',
  KUBECONFIG: join(dataDir, 'kubeconfig'),
  GATEWAY_URL: stack.gatewayUrl,
  CMP_OPS_INVOKE_TOKEN: stack.token,
  CMP_OPS_TESTLINK_DEVKEY: 'demo-devkey',
});
const notified = (): Array<{
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}> => readNotifications(stack.notificationsFile);

test.before(async () => {
  dataDir = e2eDataDir('validation');
  stack = await startTestStack({
    dataDir,
    seedDemo: true,
    only: ['checksum-verify', 'alert-router'],
  });
  await stack.settled();
  testlink = await startTestLinkStandin(demoProjects(), { devKey: 'demo-devkey' });
});
test.after(async () => {
  await testlink?.close();
  await stopTestStack(stack, dataDir);
});

/** runDemoCampaign runs the demo command (release 2026.11-demo, config/demo-campaign.yml) against the stand-in. */
const runDemoCampaign = () =>
  runCliCaptured(
    [
      'validate',
      'run',
      '--release',
      '2026.11-demo',
      '--campaign',
      'config/demo-campaign.yml',
      '--testlink',
      testlink.url,
    ],
    { cwd: root, env: env() },
  );

test('demo campaign :: a build with CMP-1 failed (EGM drift) and CMP-2 passed, closed; ValidationFailed reaches alert-router', async () => {
  const { code, out, err } = await runDemoCampaign();
  assert.is(code, 1, `${out}\n${err}`);
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const [images, delivery, campaign] = lines;
  assert.is(images.testcase, 'CMP-1');
  assert.is(images.status, 'f');
  assert.match(images.notes, /ReleaseDrift ops\/Deployment\/egm-archiver archiver/);
  assert.match(images.notes, /sha256:4{64}/, 'the running digest is evidence');
  assert.is(delivery.testcase, 'CMP-2');
  assert.is(delivery.status, 'p', delivery.notes);
  assert.match(delivery.notes, /STS\/deliveries\/2026-11-24\/telemetry-frames\.bin sha256:[0-9a-f]{64}/);
  assert.is(campaign.campaign.verdict, 'failed');
  assert.is(campaign.campaign.testlink.status, 'recorded');
  assert.equal(
    testlink.builds.map((b) => ({ name: b.name, open: b.open })),
    [{ name: '2026.11-demo', open: false }],
  );
  assert.equal(
    testlink.executions.map((e) => [e.testCase, e.status, e.platform]),
    [
      ['CMP-1', 'f', 'ground-segment'],
      ['CMP-2', 'p', 'ground-segment'],
    ],
  );
  assert.match(testlink.executions[0]!.notes, /^\[images-approved\] FAILED/);
  await stack.settled();
  const alerts = notified()
    .flatMap((n) => n.alerts)
    .filter((a) => a.labels.alertname === 'ValidationFailed');
  assert.is(alerts[0]?.labels.release, '2026.11-demo');
  assert.match(alerts[0]!.annotations.summary!, /1 failed, 0 blocked of 2/);
});

test('rerun :: the same build is reused and each execution overwritten, not duplicated', async () => {
  const { code } = await runDemoCampaign();
  assert.is(code, 1);
  assert.is(testlink.builds.length, 1);
  assert.is(testlink.executions.length, 2);
});

test('TestLink down :: results land in s3://reports/testlink/<release>.xml and the next run sends them', async () => {
  testlink.failNext(1, 0);
  const down = await runDemoCampaign();
  assert.is(down.code, 1, down.err);
  const campaign = JSON.parse(down.out.trim().split('\n').at(-1)!).campaign;
  assert.is(campaign.testlink.status, 'unsent');
  assert.equal(campaign.unsent, ['CMP-1', 'CMP-2']);
  assert.is(campaign.importFile, 's3://reports/testlink/2026.11-demo.xml');
  const stream = await stack.store.getStream('reports', 'testlink/2026.11-demo.xml');
  let xml = '';
  for await (const c of stream) xml += c;
  assert.match(xml, /<testcase external_id="CMP-1">\s*<result>f<\/result>/);
  const again = await runDemoCampaign();
  const second = JSON.parse(again.out.trim().split('\n').at(-1)!).campaign;
  assert.equal(second.previouslyUnsent, ['CMP-1', 'CMP-2']);
  assert.equal(second.unsent, []);
  assert.match(again.err, /earlier run could not send CMP-1, CMP-2/);
  assert.is(
    await stack.store.stat('reports', 'testlink/2026.11-demo.xml'),
    null,
    'the stale import file is removed once TestLink has everything',
  );
});

test.run();
