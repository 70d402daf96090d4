import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALGORITHMS, hashFile, hashStream } from '#lib/checksum/index.ts';

const test = suite('checksum/hash-engine');
async function* chunks(data: Buffer, size = 7) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

// Known answers: coreutils cksum transcripts, zlib/rhash CRCs and S3 checksums (test/fixtures/checksums), and the
// standard SHA/MD5 vectors.
const vectors: Array<[string, Buffer, Record<string, string>]> = [
  [
    'empty',
    Buffer.alloc(0),
    {
      md5: 'd41d8cd98f00b204e9800998ecf8427e',
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      sha512:
        'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      crc32: '00000000',
      crc32c: '00000000',
      cksum: '4294967295',
    },
  ],
  [
    '123456789',
    Buffer.from('123456789'),
    {
      md5: '25f9e794323b453885f5181f1b624d0b',
      sha1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
      sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
      crc32: 'cbf43926',
      crc32c: 'e3069283',
      cksum: '930766865',
    },
  ],
  [
    'abc',
    Buffer.from('abc'),
    {
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      crc32: '352441c2',
      cksum: '1219131554',
    },
  ],
  [
    'fox',
    Buffer.from('The quick brown fox jumps over the lazy dog'),
    { md5: '9e107d9d372bb6826bd81d3542a419d6', crc32: '414fa339', cksum: '2074844392' },
  ],
  ['256 zero bytes', Buffer.alloc(256), { crc32: '0d968558', cksum: '4215202376' }],
  [
    'a million a',
    Buffer.alloc(1_000_000, 'a'),
    {
      crc32: 'dc25bfbc',
      cksum: '3401932319',
      sha256: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    },
  ],
];
for (const [name, data, expected] of vectors) {
  for (const parallel of [false, true]) {
    test(`known answers :: ${name} :: ${parallel ? 'worker' : 'one thread'}`, async () => {
      const result = await hashStream(chunks(data, name === 'a million a' ? 65536 : 3), ALGORITHMS, { parallel });
      assert.is(result.size, data.length);
      for (const [alg, hex] of Object.entries(expected))
        assert.is(result.digests[alg as keyof typeof result.digests], hex, alg);
    });
  }
}

test('agreement :: sha256 and md5 of a 3 MiB random buffer match openssl dgst on the same bytes', async () => {
  const data = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const result = await hashStream(chunks(data, 64 * 1024), ['sha256', 'md5']);
  const openssl = (alg: string) =>
    execFileSync('openssl', ['dgst', `-${alg}`, '-r'], { input: data })
      .toString()
      .split(' ')[0];
  assert.is(result.digests.sha256, openssl('sha256'));
  assert.is(result.digests.md5, openssl('md5'));
});

test('bad input :: an unknown algorithm is BAD_REQUEST naming the field', async () => {
  try {
    await hashStream(chunks(Buffer.from('x')), ['sha3' as never]);
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_REQUEST');
  }
});

const dir = mkdtempSync(join(tmpdir(), 'hash-engine-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
for (const [name, data, expected] of vectors) {
  for (const parallel of [false, true]) {
    test(`known answers :: ${name} :: file in blocks :: ${parallel ? 'worker' : 'one thread'}`, async () => {
      const path = join(dir, `${name}.bin`);
      writeFileSync(path, data);
      const result = await hashFile(path, ALGORITHMS, { parallel });
      assert.is(result.size, data.length);
      for (const [alg, hex] of Object.entries(expected))
        assert.is(result.digests[alg as keyof typeof result.digests], hex, alg);
    });
  }
}

// Sizes around the 1 MiB block: one byte short, exact, one over, several blocks and a tail, so the worker lags.
for (const size of [(1 << 20) - 1, 1 << 20, (1 << 20) + 1, 9 * (1 << 20) + 12345]) {
  test(`agreement :: file of ${size} bytes :: every digest matches openssl and the stream path`, async () => {
    const data = Buffer.alloc(size);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const path = join(dir, `agree-${size}.bin`);
    writeFileSync(path, data);
    const file = await hashFile(path, ['sha256', 'md5', 'sha512', 'crc32']);
    const stream = await hashStream(chunks(data, 100_000), ['sha256', 'md5', 'sha512', 'crc32']);
    assert.equal(file, stream);
    for (const alg of ['sha256', 'md5', 'sha512'] as const)
      assert.is(
        file.digests[alg],
        execFileSync('openssl', ['dgst', `-${alg}`, '-r', path])
          .toString()
          .split(' ')[0],
        alg,
      );
  });
}

test('file :: a FIFO is read where it stands, without offsets', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `{ printf 123; printf 456789; } > '${fifo}'`]);
  const result = await hashFile(fifo, ['crc32']);
  writer.kill();
  assert.is(result.digests.crc32, 'cbf43926');
  assert.is(result.size, 9);
});

test('file :: a directory and a missing file reject with their errno code', async () => {
  for (const [path, code] of [
    [dir, 'EISDIR'],
    [join(dir, 'nope'), 'ENOENT'],
  ] as const) {
    try {
      await hashFile(path, ['sha256']);
      assert.unreachable();
    } catch (err) {
      assert.is((err as { code: string }).code, code);
    }
  }
});

test('file :: an aborted signal stops the read with its reason', async () => {
  const path = join(dir, 'abort.bin');
  writeFileSync(path, Buffer.alloc(3 << 20));
  const controller = new AbortController();
  controller.abort(new Error('deadline'));
  try {
    await hashFile(path, ['sha256', 'md5'], { signal: controller.signal });
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'deadline');
  }
});

test.run();
