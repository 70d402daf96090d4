// The Kubernetes API adapter (lib/k8s/reader.ts) through the real @kubernetes/client-node 1.4.
// No Kubernetes API server can run on these machines: the peer is an HTTP stand-in
// (scripts/local-stack/kube-api-standin.ts) answering the few paths used with responses shaped exactly like the
// Kubernetes API's — list envelopes, resourceVersion, continue pagination, and 401/403/410 Status bodies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKubeReader, loadKubeConfig } from '#lib/k8s/reader.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import { startKubeStandin, type KubeStandin } from '../../scripts/local-stack/kube-api-standin.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';

const test = suite('k8s/reader');
let api: KubeStandin;
let kubeconfig: string;

test.before.each(async () => {
  api = await startKubeStandin(fixtureCluster());
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kube-')), 'config');
  api.writeKubeconfig(kubeconfig);
});
test.after.each(async () => {
  await api.close();
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (isOpsError(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

test('reads every list through all pages (limit + continue), with the bearer token', async () => {
  const reader = createKubeReader(loadKubeConfig(kubeconfig), { pageSize: 2 });
  const snap = await reader.snapshot();
  assert.is(snap.pods.length, 5);
  assert.is(snap.nodes.length, 2);
  assert.is(snap.deployments.length, 1);
  assert.is(snap.statefulsets.length, 1);
  assert.is(snap.daemonsets.length, 1);
  const podPages = api.requests.filter((r) => r.startsWith('/api/v1/pods'));
  assert.is(podPages.length, 3, 'five pods in pages of two');
  assert.ok(podPages[1]?.includes('continue='));
  assert.is(snap.pods[0]?.metadata?.name, 'nginx');
  assert.ok(snap.pods[0]?.metadata?.creationTimestamp instanceof Date, 'the client turns timestamps into Dates');
});

test('410 Expired on a stale continue token restarts the list from the beginning, nothing duplicated', async () => {
  api.expireNextContinue(1);
  const snap = await createKubeReader(loadKubeConfig(kubeconfig), { pageSize: 2 }).snapshot();
  assert.is(snap.pods.length, 5);
  assert.equal(new Set(snap.pods.map((p) => p.metadata?.name)).size, 5);
});

test('403 is KUBE_FORBIDDEN naming the missing permission (verb, resource, API group)', async () => {
  api.forbid('deployments');
  const err = await failure(createKubeReader(loadKubeConfig(kubeconfig)).snapshot());
  assert.is(err.code, 'KUBE_FORBIDDEN');
  assert.ok(err.message.includes('list deployments (API group "apps")'), err.message);
  assert.is(err.retryable, false);
});

test('401 (wrong token) is KUBE_UNAUTHORIZED, not retried', async () => {
  const other = await startKubeStandin(fixtureCluster(), { token: 'another-token' });
  const path = join(mkdtempSync(join(tmpdir(), 'kube-')), 'config');
  api.writeKubeconfig(path);
  const wrong = loadKubeConfig(path);
  wrong.clusters[0] = { ...wrong.clusters[0]!, server: other.url };
  try {
    const err = await failure(createKubeReader(wrong).snapshot());
    assert.is(err.code, 'KUBE_UNAUTHORIZED');
  } finally {
    await other.close();
  }
});

test('an API server answering 503, or down, is KUBE_UNAVAILABLE (retryable → HTTP 503)', async () => {
  api.failNext(5, 503);
  const busy = await failure(createKubeReader(loadKubeConfig(kubeconfig)).snapshot());
  assert.is(busy.code, 'KUBE_UNAVAILABLE');
  assert.is(busy.status, 503);
  await api.close();
  const down = await failure(createKubeReader(loadKubeConfig(kubeconfig)).snapshot());
  assert.is(down.code, 'KUBE_UNAVAILABLE');
  assert.ok(down.retryable);
  api = await startKubeStandin(fixtureCluster());
});

test.run();
