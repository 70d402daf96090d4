// The approved release manifest: digests only, every refusal with its line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReleaseManifest } from '#lib/k8s/index.ts';
import { isOpsError } from '#lib/runtime/errors.ts';

const test = suite('k8s/release');
const D = (c: string) => `sha256:${c.repeat(64)}`;

function rejected(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isOpsError(err)) return err;
    throw err;
  }
  throw new Error('expected RELEASE_INVALID');
}

test('release manifest: a tag without a digest is rejected with its line; bad YAML and unknown keys too', () => {
  const tagged =
    'release: "2026.11"\nworkloads:\n  - workload: ops/Deployment/sts-ingest\n    containers:\n      - name: ingest\n        image: registry.local:5000/sts-ingest:1.4.2\n';
  const err = rejected(() => parseReleaseManifest(tagged));
  assert.is(err.code, 'RELEASE_INVALID');
  assert.is(err.details[0]?.line, 6);
  assert.match(err.message, /tag 1\.4\.2 and no digest/);
  const yaml = rejected(() => parseReleaseManifest('release: "x"\nworkloads: [\n  - a: b\n'));
  assert.is(yaml.code, 'RELEASE_INVALID');
  assert.ok(typeof yaml.details[0]?.line === 'number');
  const unknown = rejected(() => parseReleaseManifest('release: "x"\nworkloads: []\nnotes: hi\n'));
  assert.is(unknown.details[0]?.line, 3);
  const badDigest = rejected(() =>
    parseReleaseManifest(
      'release: x\nworkloads:\n  - workload: ops/Deployment/a\n    containers:\n      - name: a\n        image: r/a\n        digests: [sha256:abc]\n',
    ),
  );
  assert.match(badDigest.message, /not a sha256 digest/);
  const ok = parseReleaseManifest(
    `release: x\nworkloads:\n  - workload: ops/Deployment/a\n    containers:\n      - name: a\n        image: r.local/a@${D('e')}\n`,
  );
  assert.equal(ok.workloads[0]?.containers[0], { name: 'a', image: 'r.local/a', digests: [D('e')] });
});

test.run();
