// The object-key rule, table-driven, and the store guard against a real S3-protocol server (s3rver over HTTP).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkObjectKey, objectKeyProblem } from '#lib/storage/index.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('storage/object-key');
let s3: TestS3;
test.before(async () => {
  s3 = await startTestS3(['inbox', 'quarantine']);
});
test.after(async () => {
  await s3.close();
});

const SAFE: Array<[string, string]> = [
  ['plain', 'STS/2026-11-24/frame.bin'],
  ['spaces and plus', 'DUTCH/eph 1+2.dat'],
  ['UTF-8 names', 'CCS/télémesure/データ.bin'],
  ['dots inside names', 'a.b/.hidden/.../x..y'],
  ['leading slash segment', '/abs/path'],
  ['1024 bytes', 'k'.repeat(1024)],
];
for (const [name, key] of SAFE) {
  test(`safe :: ${name}`, () => {
    assert.is(objectKeyProblem(key), undefined);
    assert.is(checkObjectKey(key), key);
  });
}

const UNSAFE: Array<[string, string, RegExp]> = [
  ['NUL', 'STS/a\u0000b', /U\+0000 at index 5/],
  ['CR', 'STS/a\rb', /U\+000D/],
  ['LF', 'STS/a\nb', /U\+000A/],
  ['ESC', 'STS/\u001b[31mred', /U\+001B at index 4/],
  ['DEL', 'STS/\u007f', /U\+007F/],
  ['C1 NEL', 'STS/\u0085', /U\+0085/],
  ['dot-dot into another bucket', '../quarantine/inbox/x', /"\.\." segment \(segment 1\)/],
  ['dot-dot in the middle', 'STS/a/../b', /"\.\." segment \(segment 3\)/],
  ['dot segment', 'STS/./b', /"\." segment/],
  ['trailing dot-dot', 'STS/..', /"\.\." segment/],
  ['empty', '', /is empty/],
  ['over 1024 bytes', 'é'.repeat(513), /longer than 1024 bytes/],
];
for (const [name, key, reason] of UNSAFE) {
  test(`unsafe :: ${name}`, () => {
    assert.match(objectKeyProblem(key) ?? '', reason);
    try {
      checkObjectKey(key, '/items/0/key');
      assert.unreachable('accepted an unsafe key');
    } catch (err) {
      const e = err as { code: string; status: number; details: Array<{ field: string }> };
      assert.is(e.code, 'BAD_OBJECT_KEY');
      assert.is(e.status, 400);
      assert.is(e.details[0]!.field, '/items/0/key');
    }
  });
}

test('store guard :: every key-taking call refuses ../quarantine/… before a request; the quarantined copy is untouched', async () => {
  await s3.store.put('quarantine', 'inbox/x.bin', 'kept');
  await s3.store.setTags('quarantine', 'inbox/x.bin', { 'cmp-ops-verdict': 'mismatch' });
  const key = '../quarantine/inbox/x.bin';
  const codes = await Promise.all(
    [
      s3.store.stat('inbox', key),
      s3.store.getStream('inbox', key),
      s3.store.put('inbox', key, 'overwrite'),
      s3.store.getTags('inbox', key),
      s3.store.setTags('inbox', key, { 'cmp-ops-verdict': 'ok' }),
      s3.store.copy({ bucket: 'inbox', key }, { bucket: 'inbox', key: 'copy.bin' }),
      s3.store.copy({ bucket: 'inbox', key: 'x' }, { bucket: 'inbox', key }),
      s3.store.remove('inbox', key),
    ].map((p) =>
      (p as Promise<unknown>).then(
        () => 'accepted',
        (e: { code: string }) => e.code,
      ),
    ),
  );
  assert.equal(codes, Array(8).fill('BAD_OBJECT_KEY'));
  assert.equal(await s3.store.getTags('quarantine', 'inbox/x.bin'), { 'cmp-ops-verdict': 'mismatch' });
  assert.is(await s3.store.stat('inbox', 'copy.bin'), null);
});

test.run();
