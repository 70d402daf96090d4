// `cmp-ops verify --check` against the real coreutils tools on the same files: same status lines, same exit code.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { runIntoClosedPipe } from '../helpers/closed-pipe.ts';
import { startTestS3 } from '../helpers/s3.ts';

const test = suite('cli/verify');
const dir = mkdtempSync(join(tmpdir(), 'verify-'));
const cli = (args: string[]) => runCliCaptured(args, { cwd: dir });
const files: Record<string, string> = {
  'good.bin': 'telemetry\n',
  'a b.txt': 'spaces\n',
  'new\nline.txt': 'x',
  'bad.bin': 'original',
  'gone.bin': 'soon gone',
  empty: '',
};
for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
const names = Object.keys(files);
const manifest = execFileSync('sha256sum', names, { cwd: dir }).toString() + 'not a checksum line\n';
writeFileSync(join(dir, 'SHA256SUMS'), manifest);
writeFileSync(join(dir, 'bad.bin'), 'tampered');
rmSync(join(dir, 'gone.bin'));

test('sha256sum -c :: same OK / FAILED / FAILED open or read lines and the same exit status as coreutils', async () => {
  const real = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  const ours = await cli(['verify', '--check', 'SHA256SUMS', '--format', 'text']);
  assert.equal(ours.out.split('\n'), real.stdout.split('\n'));
  assert.is(ours.code, real.status);
  assert.match(ours.err, /WARNING: 1 line is improperly formatted/);
  assert.match(ours.err, /WARNING: 1 listed file could not be read/);
  assert.match(ours.err, /WARNING: 1 computed checksum did NOT match/);
});

test('all good :: exit 0 like coreutils when every line matches', async () => {
  writeFileSync(join(dir, 'OK.sha256'), execFileSync('sha256sum', ['good.bin', 'empty'], { cwd: dir }));
  const real = spawnSync('sha256sum', ['-c', 'OK.sha256'], { cwd: dir, encoding: 'utf8' });
  const ours = await cli(['verify', '--check', 'OK.sha256', '--format', 'text']);
  assert.equal([ours.out, ours.code], [real.stdout, real.status]);
  assert.is(ours.code, 0);
});

test('POSIX cksum and md5sum manifests :: written by the real tools, checked by cmp-ops', async () => {
  writeFileSync(join(dir, 'files.cksum'), execFileSync('cksum', ['good.bin', 'a b.txt'], { cwd: dir }));
  assert.is((await cli(['verify', '--check', 'files.cksum'])).code, 0);
  writeFileSync(join(dir, 'MD5SUMS'), execFileSync('md5sum', ['good.bin', 'bad.bin'], { cwd: dir }));
  writeFileSync(join(dir, 'bad.bin'), 'tampered again');
  const md5 = await cli(['verify', '--check', 'MD5SUMS', '--format', 'text']);
  assert.is(md5.code, 1);
  assert.equal(md5.out.trim().split('\n'), ['good.bin: OK', 'bad.bin: FAILED']);
});

test('files :: digests as JSON, --expect mismatch exits 1, a missing file exits 2', async () => {
  const r = await cli(['verify', 'good.bin', '--algorithms', 'sha256,md5,cksum']);
  const record = JSON.parse(r.out);
  assert.is(record.digests.sha256, execFileSync('sha256sum', ['good.bin'], { cwd: dir }).toString().split(' ')[0]);
  assert.is(record.digests.cksum, execFileSync('cksum', ['good.bin'], { cwd: dir }).toString().split(' ')[0]);
  assert.is((await cli(['verify', 'good.bin', '--expect', `sha256:${'0'.repeat(64)}`])).code, 1);
  assert.is((await cli(['verify', 'nope.bin'])).code, 2);
});

test('s3:// objects :: one signed GET gives the digests of the stored bytes; a missing object or bucket exits 2', async () => {
  const s3 = await startTestS3(['inbox']);
  try {
    const env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: 'testkey', S3_SECRET_KEY: 'testsecret' };
    // a key that needs RFC 3986 escaping in the signed path, and a body larger than one socket read
    const key = 'STS/a b+c ü.bin';
    const body = Buffer.alloc(3 << 20, 'telemetry-');
    await s3.store.put('inbox', key, body);
    const r = await runCliCaptured(['verify', `s3://inbox/${key}`, '--algorithms', 'sha256,md5'], { env });
    assert.is(r.code, 0, r.err);
    const record = JSON.parse(r.out);
    assert.is(record.size, body.length);
    assert.is(record.digests.sha256, createHash('sha256').update(body).digest('hex'));
    assert.is(record.digests.md5, createHash('md5').update(body).digest('hex'));
    const missing = await runCliCaptured(['verify', 's3://inbox/STS/none.bin'], { env });
    assert.is(missing.code, 2);
    assert.match(missing.err, /inbox\/STS\/none\.bin does not exist/);
    const noBucket = await runCliCaptured(['verify', 's3://nobucket/x.bin'], { env });
    assert.is(noBucket.code, 2);
    assert.match(noBucket.err, /bucket nobucket does not exist/);
  } finally {
    await s3.close();
  }
});

test('a reader that goes away (| head -1) :: exit 141, no EPIPE stack trace', async () => {
  // 3 000 files: their JSON lines are far more than a pipe holds, so the writes after the close fail with EPIPE
  const many = mkdtempSync(join(tmpdir(), 'verify-many-'));
  const paths = Array.from({ length: 3000 }, (_, i) => join(many, `f${i}.bin`));
  for (const p of paths) writeFileSync(p, p);
  try {
    const r = await runIntoClosedPipe(['verify', ...paths]);
    assert.is(JSON.parse(r.first).target, paths[0]);
    assert.is(r.stderr, '');
    assert.is(r.code, 141);
  } finally {
    rmSync(many, { recursive: true, force: true });
  }
});

test.run();
