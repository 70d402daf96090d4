// `cmp-ops sweep` against a real S3-protocol server (s3rver): one verified object, then modified behind its back.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createStateStore } from '#lib/storage/index.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('cli/sweep');
let s3: TestS3;
test.before(async () => {
  s3 = await startTestS3();
});
test.after(async () => {
  await s3.close();
});

test('sweep :: finds the modified object and the never-verified one, exits 1; a clean store exits 0', async () => {
  const env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: 'testkey', S3_SECRET_KEY: 'testsecret' };
  await s3.store.put('inbox', 'EGM/x.bin', 'changed');
  await createStateStore(s3.store, 'cmp-ops-state').write('verdicts/inbox/EGM/x.bin', {
    bucket: 'inbox',
    key: 'EGM/x.bin',
    etag: 'e',
    size: 8,
    verdict: 'ok',
    algorithm: 'sha256',
    actual: createHash('sha256').update('original').digest('hex'),
    verifiedAt: '2026-11-24T00:00:00Z',
  });
  await s3.store.put('inbox', 'EGM/y.bin', 'never verified');
  const dirty = await runCliCaptured(['sweep', 'inbox/EGM/', '--format', 'text'], { env });
  assert.is(dirty.code, 1);
  assert.match(dirty.out, /sweep complete: 2 objects, .*modified 1, missing 0, unverified 1/);
  const clean = await runCliCaptured(['sweep', 'inbox/NOTHING/'], { env });
  assert.is(clean.code, 0);
  assert.is(JSON.parse(clean.out.split('\n')[0]!).status, 'complete');
});

test.run();
