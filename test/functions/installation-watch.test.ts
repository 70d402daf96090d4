// installation-watch behind the real runtime server: state and the approved release in a real S3-protocol server
// (s3rver), the cluster read through the real @kubernetes/client-node. No Kubernetes API server can run on these
// machines, so the cluster is an HTTP stand-in answering recorded-shape API responses
// (scripts/local-stack/kube-api-standin.ts) built from real pod/node/workload samples.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { formatReleaseManifest, observedRelease, type ClusterSnapshot } from '#lib/k8s/index.ts';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler, type InstallationWatchConfig } from '../../functions/installation-watch/handler.ts';
import { startKubeStandin, type KubeStandin } from '../../scripts/local-stack/kube-api-standin.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { BAD_BODIES, postRaw } from '../helpers/bad-bodies.ts';
import { serveHandler } from '../helpers/serve-handler.ts';

const test = suite('functions/installation-watch');
let s3: TestS3;
let api: KubeStandin;
let kubeconfig: string;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void sent.push(alerts) };
const clock = fixedClock('2026-11-24T10:00:00Z');
const config = (extra: Partial<InstallationWatchConfig> = {}) =>
  ({
    KUBECONFIG: kubeconfig,
    RELEASE_MANIFEST: 'state:installation-watch/release.yaml',
    WATCH_NAMESPACES: [],
    SUBSYSTEM_LABEL: 'cmp-ops.io/subsystem',
    CLUSTER_NAME: 'ground',
    PENDING_MAX_MINUTES: 10,
    UNAVAILABLE_FOR_MINUTES: 5,
    RESTART_HOLD_MINUTES: 30,
    KUBE_PAGE_SIZE: 2,
    KUBE_TIMEOUT_MS: 5000,
    STATE_BUCKET: 'cmp-ops-state',
    ...extra,
  }) as never;

async function runOnce(extra: Partial<InstallationWatchConfig> = {}) {
  const server = await serveHandler(
    createHandler({
      config: config(extra),
      store: s3.store,
      state: createStateStore(s3.store, 'cmp-ops-state'),
      alerts: sink,
    }),
    { clock },
  );
  try {
    return await server.call({});
  } finally {
    await server.close();
  }
}
const last = () =>
  (sent.at(-1) ?? [])
    .map(
      (a) =>
        `${a.labels.alertname} ${a.labels.namespace ?? ''}/${a.labels.workload ?? ''} ${a.endsAt ? 'resolved' : 'firing'}`,
    )
    .sort();

test.before(async () => {
  s3 = await startTestS3();
  api = await startKubeStandin(fixtureCluster());
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kube-')), 'config');
  api.writeKubeconfig(kubeconfig);
});
test.after(async () => {
  await api.close();
  await s3.close();
});

test('first run :: raises the crash loop, the stuck Pending pod and the missing release; carries namespace, workload, subsystem', async () => {
  const res = await runOnce();
  assert.is(res.status, 200);
  assert.is(res.body.pods, 5);
  assert.is(res.body.release, null);
  assert.equal(last(), [
    'PodCrashLooping di-288312/Deployment/vsystem firing',
    'PodPendingTooLong di-288312/Deployment/vsystem firing',
    'ReleaseManifestMissing / firing',
  ]);
  const crash = sent.at(-1)!.find((a) => a.labels.alertname === 'PodCrashLooping')!;
  assert.equal(
    {
      cluster: crash.labels.cluster,
      subsystem: crash.labels.subsystem,
      severity: crash.labels.severity,
      container: crash.labels.container,
    },
    { cluster: 'ground', subsystem: 'CLUSTER', severity: 'critical', container: 'vsystem-hana-init' },
  );
});

test('approve :: once the release is approved its alert resolves; firing alerts are re-sent with the same startsAt', async () => {
  const first = sent.at(-1)!.find((a) => a.labels.alertname === 'PodCrashLooping')!;
  const { manifest } = observedRelease(
    fixtureCluster() as unknown as ClusterSnapshot,
    '2026.11-r1',
    '2026-11-24T10:01:00Z',
    'VC-42',
    () => 'CLUSTER',
  );
  await s3.store.put('cmp-ops-state', 'installation-watch/release.yaml', formatReleaseManifest(manifest));
  clock.set('2026-11-24T10:02:00Z');
  const res = await runOnce();
  assert.is(res.body.release, '2026.11-r1');
  assert.equal(last(), [
    'PodCrashLooping di-288312/Deployment/vsystem firing',
    'PodPendingTooLong di-288312/Deployment/vsystem firing',
    'ReleaseManifestMissing / resolved',
  ]);
  assert.is(sent.at(-1)!.find((a) => a.labels.alertname === 'PodCrashLooping')!.startsAt, first.startsAt);
});

test('drift :: a tag moved under a running pod raises ReleaseDrift; rolling back resolves it', async () => {
  const cluster = fixtureCluster();
  const nginx = cluster.pods[0] as { status: { containerStatuses: Array<{ imageID: string }> } };
  nginx.status.containerStatuses[0]!.imageID = `docker-pullable://nginx@sha256:${'7'.repeat(64)}`;
  api.setCluster(cluster);
  clock.set('2026-11-24T10:04:00Z');
  await runOnce();
  assert.ok(last().includes('ReleaseDrift default/Pod/nginx firing'), last().join('\n'));
  api.setCluster(fixtureCluster());
  clock.set('2026-11-24T10:06:00Z');
  await runOnce();
  assert.ok(last().includes('ReleaseDrift default/Pod/nginx resolved'));
});

test('unavailable :: a Deployment short of replicas alerts only after UNAVAILABLE_FOR_MINUTES, then resolves', async () => {
  const cluster = fixtureCluster();
  const dp = cluster.deployments[0] as { status: Record<string, number> };
  dp.status.availableReplicas = 0;
  api.setCluster(cluster);
  clock.set('2026-11-24T10:08:00Z');
  let res = await runOnce();
  assert.ok(
    res.body.findings.some((f: { kind: string; firing: boolean }) => f.kind === 'WorkloadUnavailable' && !f.firing),
    'seen, not yet firing',
  );
  assert.not.ok(last().some((l) => l.startsWith('WorkloadUnavailable')));
  clock.set('2026-11-24T10:14:00Z');
  res = await runOnce();
  assert.ok(last().some((l) => l.startsWith('WorkloadUnavailable') && l.endsWith('firing')));
  api.setCluster(fixtureCluster());
  clock.set('2026-11-24T10:16:00Z');
  await runOnce();
  assert.ok(last().some((l) => l.startsWith('WorkloadUnavailable') && l.endsWith('resolved')));
});

test('bad input :: a tag-only release manifest raises ReleaseManifestInvalid with the line, health checks go on', async () => {
  await s3.store.put(
    'cmp-ops-state',
    'installation-watch/release.yaml',
    'release: r2\nworkloads:\n  - workload: default/Pod/nginx\n    containers:\n      - name: nginx\n        image: nginx:alpine\n',
  );
  clock.set('2026-11-24T10:18:00Z');
  await runOnce();
  const invalid = sent.at(-1)!.find((a) => a.labels.alertname === 'ReleaseManifestInvalid')!;
  assert.match(invalid.annotations.description!, /line 6: .*tag alpine and no digest/);
  assert.ok(last().includes('PodCrashLooping di-288312/Deployment/vsystem firing'));
});

test('API errors :: 403 answers 502 KUBE_FORBIDDEN naming the permission; API down answers 503; nothing saved', async () => {
  api.forbid('daemonsets');
  const before = sent.length;
  const forbidden = await runOnce();
  assert.is(forbidden.status, 502);
  assert.is(forbidden.body.error.code, 'KUBE_FORBIDDEN');
  assert.match(forbidden.body.error.message, /list daemonsets \(API group "apps"\)/);
  await api.close();
  const down = await runOnce();
  assert.is(down.status, 503);
  assert.is(down.body.error.code, 'KUBE_UNAVAILABLE');
  assert.is(sent.length, before, 'no alerts sent on a failed read');
  api = await startKubeStandin(fixtureCluster());
});

for (const [name, body, status, code] of BAD_BODIES) {
  test(`bad body :: ${name} → ${status} ${code}, the cluster is not read`, async () => {
    const server = await serveHandler(
      createHandler({
        config: config(),
        store: s3.store,
        state: createStateStore(s3.store, 'cmp-ops-state'),
        alerts: sink,
      }),
      { clock },
    );
    const alertsBefore = sent.length;
    try {
      const res = await postRaw(server.url, body);
      assert.is(res.status, status);
      assert.is(res.body.error?.code, code);
      assert.is(sent.length, alertsBefore, 'no run, no alert');
    } finally {
      await server.close();
    }
  });
}

test.run();
