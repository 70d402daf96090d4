// `cmp-ops release approve|diff` through the real client-node against the Kubernetes API stand-in (no API server
// can run on these machines; scripts/local-stack/kube-api-standin.ts answers recorded-shape responses) and a real
// S3-protocol server for `--to s3://`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReleaseManifest } from '#lib/k8s/index.ts';
import { startKubeStandin, type KubeStandin } from '../../scripts/local-stack/kube-api-standin.ts';
import { fixtureCluster } from '../helpers/kube-cluster.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('cli/release');
let api: KubeStandin;
let s3: TestS3;
let dir: string;
let env: Record<string, string>;

test.before(async () => {
  api = await startKubeStandin(fixtureCluster());
  s3 = await startTestS3();
  dir = mkdtempSync(join(tmpdir(), 'release-'));
  api.writeKubeconfig(join(dir, 'kubeconfig'));
  env = {
    KUBECONFIG: join(dir, 'kubeconfig'),
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY: 'testkey',
    S3_SECRET_KEY: 'testsecret',
  };
});
test.after(async () => {
  await api.close();
  await s3.close();
});

test('approve :: writes the running digests as a manifest that reads back; diff against it is empty (exit 0)', async () => {
  const approved = await runCliCaptured(
    ['release', 'approve', '--release', '2026.11-r1', '--by', 'VC-42', '--out', 'release.yaml'],
    { cwd: dir, env },
  );
  assert.is(approved.code, 0, approved.err);
  const manifest = parseReleaseManifest(readFileSync(join(dir, 'release.yaml'), 'utf8'));
  assert.is(manifest.release, '2026.11-r1');
  assert.is(manifest.approvedBy, 'VC-42');
  const nginx = manifest.workloads.find((w) => w.workload === 'default/Pod/nginx')!;
  assert.equal(nginx.containers, [
    {
      name: 'nginx',
      image: 'docker.io/library/nginx',
      digests: ['sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595'],
    },
  ]);
  const diff = await runCliCaptured(['release', 'diff', '--manifest', 'release.yaml'], { cwd: dir, env });
  assert.is(diff.code, 0, diff.err);
  assert.is(diff.out, '');
});

test('diff :: a moved tag shows as changed with both digests (exit 1); --to s3:// stores the manifest', async () => {
  const cluster = fixtureCluster();
  (cluster.pods[0] as { status: { containerStatuses: Array<{ imageID: string }> } }).status
    .containerStatuses[0]!.imageID = `docker-pullable://nginx@sha256:${'7'.repeat(64)}`;
  api.setCluster(cluster);
  const diff = await runCliCaptured(['release', 'diff', '--manifest', 'release.yaml'], { cwd: dir, env });
  assert.is(diff.code, 1);
  const [change] = diff.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(change, {
    change: 'changed',
    workload: 'default/Pod/nginx',
    container: 'nginx',
    approved: ['sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595'],
    running: [`sha256:${'7'.repeat(64)}`],
    image: 'docker.io/library/nginx',
  });
  await s3.store.ensureBucket('cmp-ops-state');
  const stored = await runCliCaptured(
    ['release', 'approve', '--release', 'r2', '--to', 's3://cmp-ops-state/installation-watch/release.yaml'],
    { cwd: dir, env },
  );
  assert.is(stored.code, 0, stored.err + stored.out);
  const chunks: Buffer[] = [];
  for await (const c of await s3.store.getStream('cmp-ops-state', 'installation-watch/release.yaml'))
    chunks.push(c as Buffer);
  assert.is(parseReleaseManifest(Buffer.concat(chunks).toString()).release, 'r2');
  api.setCluster(fixtureCluster());
});

test('bad input :: a tag-only manifest is RELEASE_INVALID with its line (exit 2); usage errors exit 2', async () => {
  writeFileSync(
    join(dir, 'tagged.yaml'),
    'release: r\nworkloads:\n  - workload: default/Pod/nginx\n    containers:\n      - name: nginx\n        image: nginx:alpine\n',
  );
  const bad = await runCliCaptured(['release', 'diff', '--manifest', 'tagged.yaml'], { cwd: dir, env });
  assert.is(bad.code, 2);
  assert.match(bad.err, /RELEASE_INVALID: .*line 6: .*no digest/);
  assert.is((await runCliCaptured(['release', 'approve'], { cwd: dir, env })).code, 2);
  writeFileSync(join(dir, 'broken.yaml'), 'release: [unclosed\n');
  const broken = await runCliCaptured(['release', 'diff', '--manifest', 'broken.yaml'], { cwd: dir, env });
  assert.is(broken.code, 2);
  assert.match(broken.err, /RELEASE_INVALID: broken\.yaml: line \d+/);
});

test.run();
