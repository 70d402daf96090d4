// release-validation behind the real runtime server: the campaign's data in a real S3-protocol server (s3rver), the
// cluster read through @kubernetes/client-node from the Kubernetes API stand-in (scripts/local-stack/kube-api-standin.ts),
// and TestLink's XML-RPC API from the TestLink stand-in (scripts/testlink-standin.ts) — no Kubernetes API server or
// TestLink can run here; both stand-ins are written from the published APIs and answer over real HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '#lib/alerting/index.ts';
import { fixedClock, Secret } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/release-validation/handler.ts';
import { startKubeStandin, type KubeStandin } from '../../scripts/local-stack/kube-api-standin.ts';
import { demoCluster, demoRelease } from '../../scripts/local-stack/kube-demo.ts';
import { demoProjects, startTestLinkStandin, type TestLinkStandin } from '../../scripts/testlink-standin.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('functions/release-validation');
let s3: TestS3;
let api: KubeStandin;
let testlink: TestLinkStandin;
let kubeconfig: string;
const sent: Alert[][] = [];
const campaign = (checks: string) =>
  `testlink: { project: CMP-OPS, plan: Release validation, platform: ground-segment }\nchecks:\n${checks}`;

async function call(body: unknown, devKey = 'fn-key') {
  const config = {
    TESTLINK_URL: testlink.url,
    TESTLINK_TIMEOUT_MS: 5000,
    REPORTS_BUCKET: 'reports',
    KUBECONFIG: kubeconfig,
    KUBE_TIMEOUT_MS: 5000,
    SUBSYSTEM_LABEL: 'cmp-ops.io/subsystem',
    STATE_BUCKET: 'cmp-ops-state',
  } as never;
  const handler = createHandler({
    config,
    store: s3.store,
    state: createStateStore(s3.store, 'cmp-ops-state'),
    alerts: { send: async (a) => void sent.push(a) },
    devKey: () => new Secret(devKey),
  });
  const server = await serveHandler(handler, { clock: fixedClock('2026-11-24T10:00:00Z') });
  try {
    return await server.call(body);
  } finally {
    await server.close();
  }
}

test.before(async () => {
  s3 = await startTestS3();
  api = await startKubeStandin(demoCluster());
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'rv-')), 'kubeconfig');
  api.writeKubeconfig(kubeconfig);
  testlink = await startTestLinkStandin(demoProjects(), { devKey: 'fn-key' });
  await s3.store.put('cmp-ops-state', 'installation-watch/release.yaml', demoRelease());
});
test.after(async () => {
  await testlink.close();
  await api.close();
  await s3.close();
});

test('campaign :: images-approved fails on the demo cluster, workloads-healthy fails on the crash loop; recorded, alerted', async () => {
  const res = await call({
    release: '2026.11-demo',
    campaign: campaign(
      '  - { check: images-approved, testcase: CMP-1, namespaces: [ops] }\n  - { check: workloads-healthy, testcase: CMP-3, namespaces: [ops] }\n',
    ),
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(
    res.body.results.map((r: { testcase: string; status: string }) => [r.testcase, r.status]),
    [
      ['CMP-1', 'f'],
      ['CMP-3', 'f'],
    ],
  );
  assert.match(res.body.results[1].notes, /PodCrashLooping ops\/Deployment\/dutch-relay relay/);
  assert.match(res.body.results[1].notes, /WorkloadUnavailable ops\/Deployment\/dutch-relay/);
  assert.is(res.body.testlink.status, 'recorded');
  assert.equal(
    testlink.executions.map((e) => [e.testCase, e.status]),
    [
      ['CMP-1', 'f'],
      ['CMP-3', 'f'],
    ],
  );
  assert.is(sent.at(-1)![0]!.labels.alertname, 'ValidationFailed');
});

test('cluster healthy and approved :: both pass and the ValidationFailed alert is resolved', async () => {
  const cluster = demoCluster();
  const pods = cluster.pods as Array<{
    metadata: { name: string };
    status: { containerStatuses: Array<Record<string, unknown>> };
  }>;
  pods.find((p) => p.metadata.name.startsWith('dutch-relay'))!.status.containerStatuses[0]!.state = {
    running: { startedAt: '2026-11-24T09:00:00Z' },
  };
  const egm = pods.find((p) => p.metadata.name.startsWith('egm-archiver'))!;
  egm.status.containerStatuses[0]!.imageID = `registry.local:5000/egm-archiver@sha256:${'3'.repeat(64)}`;
  (cluster.deployments as Array<{ metadata: { name: string }; status: Record<string, number> }>).find(
    (d) => d.metadata.name === 'dutch-relay',
  )!.status = { observedGeneration: 3, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 };
  api.setCluster(cluster);
  const res = await call({
    release: '2026.11-demo',
    campaign: campaign(
      '  - { check: images-approved, testcase: CMP-1, namespaces: [ops] }\n  - { check: workloads-healthy, testcase: CMP-3, namespaces: [ops] }\n',
    ),
  });
  assert.is(res.body.verdict, 'passed', JSON.stringify(res.body.results));
  assert.ok(sent.at(-1)![0]!.endsAt, 'resolved');
  assert.equal(
    testlink.executions.map((e) => [e.testCase, e.status]),
    [
      ['CMP-1', 'p'],
      ['CMP-3', 'p'],
    ],
    'overwritten on the rerun',
  );
});

test('bad input :: unknown check is 400 CAMPAIGN_INVALID with its line, nothing recorded', async () => {
  const before = testlink.calls.length;
  const res = await call({
    release: '2026.11-demo',
    campaign: campaign('  - { check: images-approved, testcase: CMP-1 }\n  - { check: coffee, testcase: CMP-9 }\n'),
  });
  assert.is(res.status, 400);
  assert.is(res.body.error.code, 'CAMPAIGN_INVALID');
  assert.is(res.body.error.details[0].line, 4);
  assert.is(testlink.calls.length, before);
});

test('campaignKey :: the campaign is read from the state bucket; an absent key is 404', async () => {
  await s3.store.put(
    'cmp-ops-state',
    'validation/campaigns/demo.yml',
    campaign('  - { check: images-approved, testcase: CMP-1, namespaces: [ops] }\n'),
  );
  const res = await call({ release: '2026.11-demo', campaignKey: 'validation/campaigns/demo.yml' });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(
    res.body.results.map((r: { testcase: string }) => r.testcase),
    ['CMP-1'],
  );
  const missing = await call({ release: '2026.11-demo', campaignKey: 'validation/campaigns/none.yml' });
  assert.equal([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
});

test('TestLink refuses the devKey :: 502 before any check runs', async () => {
  const res = await call(
    { release: '2026.11-demo', campaign: campaign('  - { check: images-approved, testcase: CMP-1 }\n') },
    'wrong',
  );
  assert.is(res.status, 502);
  assert.is(res.body.error.code, 'TESTLINK_REJECTED');
  assert.match(res.body.error.message, /2000/);
});

test.run();
