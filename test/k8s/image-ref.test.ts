// Image references as the runtimes report them (test/fixtures/kubernetes: dockershim, containerd and CRI-O samples).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeRepository, parseImageID, parseImageSpec } from '#lib/k8s/index.ts';

const test = suite('k8s/image-ref');
const D = (c: string) => `sha256:${c.repeat(64)}`;

test('imageID per runtime: dockershim, containerd, CRI-O digests; bare config ids are unverifiable; "" not started', () => {
  assert.equal(
    parseImageID('docker-pullable://nginx@sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595'),
    {
      kind: 'digest',
      repository: 'docker.io/library/nginx',
      digest: 'sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595',
    },
  );
  assert.equal(parseImageID(`docker.io/istio/base@${D('a')}`), {
    kind: 'digest',
    repository: 'docker.io/istio/base',
    digest: D('a'),
  });
  assert.equal(parseImageID(`quay.io/openshift-release-dev/ocp-v4.0-art-dev@${D('b')}`).kind, 'digest');
  assert.equal(parseImageID(`docker://${D('c')}`), { kind: 'config-id', id: D('c') });
  assert.equal(parseImageID(D('c')).kind, 'config-id');
  assert.equal(parseImageID(''), { kind: 'not-started' });
  assert.is(
    normalizeRepository('registry.local:5000/cmp-ops-alert-router'),
    'registry.local:5000/cmp-ops-alert-router',
  );
  assert.is(normalizeRepository('localhost/app'), 'localhost/app');
  assert.equal(parseImageSpec('nginx'), { repository: 'docker.io/library/nginx', tag: 'latest' });
  assert.equal(parseImageSpec(`registry.local:5000/sts@${D('d')}`), {
    repository: 'registry.local:5000/sts',
    digest: D('d'),
  });
});

test.run();
