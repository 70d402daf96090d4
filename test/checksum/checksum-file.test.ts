import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readChecksumStream, readChecksumText, type ChecksumEntry } from '#lib/checksum/index.ts';
import type { Reject } from '#lib/lines/index.ts';
import { readFixture } from '../helpers/fixtures.ts';

const test = suite('checksum/checksum-file');
const entries = (items: Array<ChecksumEntry | Reject>) => items.filter((i): i is ChecksumEntry => i.kind === 'entry');
const rejects = (items: Array<ChecksumEntry | Reject>) => items.filter((i): i is Reject => i.kind === 'reject');

test('coreutils -c input :: GNU, binary marker, tags, escapes, leading blanks, CRLF; indented # and SHA2-256 improper', () => {
  const items = readChecksumText(readFixture('checksums', 'coreutils-9.1__check-input.sha256'));
  assert.equal(
    entries(items).map((e) => e.name),
    [
      'check.txt',
      'empty',
      'a b.txt',
      'back\\slash.txt',
      'new\nline.txt',
      'cr\rname.txt',
      'check.txt',
      'check.txt',
      'a b.txt',
      'missing.txt',
    ],
  );
  assert.equal(
    rejects(items).map((r) => r.line),
    [12, 13],
    'the same two lines sha256sum calls improperly formatted',
  );
  assert.is(entries(items)[1]!.expected, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('tags :: SHA256 (name) = HEX with escaped names', () => {
  const es = entries(readChecksumText(readFixture('checksums', 'coreutils-9.1__sha256sum-tag.txt')));
  assert.equal(
    es.map((e) => [e.format, e.name]),
    [
      ['tag', 'check.txt'],
      ['tag', 'empty'],
      ['tag', 'a b.txt'],
      ['tag', 'back\\slash.txt'],
      ['tag', 'new\nline.txt'],
      ['tag', 'cr\rname.txt'],
    ],
  );
});

const tools: Array<[string, string, string, number]> = [
  ['md5sum', 'coreutils-9.1__md5sum.txt', 'md5', 32],
  ['sha512sum', 'coreutils-9.1__sha512sum.txt', 'sha512', 128],
  ['sha256sum -b', 'coreutils-9.1__sha256sum-binary.txt', 'sha256', 64],
];
for (const [tool, file, algorithm, length] of tools) {
  test(`${tool} output :: algorithm from the digest length`, () => {
    const es = entries(readChecksumText(readFixture('checksums', file)));
    assert.ok(es.length >= 3);
    for (const e of es) {
      assert.is(e.algorithm, algorithm);
      assert.is(e.expected.length, length);
    }
  });
}

test('certutil :: SHA512 lines from a README and the old spaced-hex form', () => {
  const a = entries(
    readChecksumText(
      readFixture('checksums', 'Mindfulplays-MonoGame.Dependencies__DXShaderCompiler-README.md__certutil-sha512.txt'),
    ),
  );
  assert.equal(
    a.map((e) => [e.algorithm, e.name, e.format]),
    [
      ['sha512', '.\\dxc.exe', 'certutil'],
      ['sha512', '.\\dxcompiler.dll', 'certutil'],
      ['sha512', '.\\dxil.dll', 'certutil'],
    ],
  );
  const b = entries(
    readChecksumText(
      readFixture('checksums', 'monero-project-monero-site__verification-allos-advanced.md__certutil-spaced.txt'),
    ),
  );
  assert.equal(
    b.map((e) => [e.algorithm, e.name, e.expected.slice(0, 8)]),
    [['sha256', 'monero-gui-win-x64-v0.12.0.0.zip', '4b9f3168']],
  );
});

test('Get-FileHash :: table (upper-case hex, Windows paths) and Format-List', () => {
  const table = entries(
    readChecksumText(readFixture('checksums', 'openwall-john-packages__1.9.0.J1-checksum.txt__get-filehash-table.txt')),
  );
  assert.equal(
    table.map((e) => e.name),
    ['C:\\win_x32.zip', 'C:\\optional.zip', 'C:\\win_x64.zip', 'C:\\optional.zip'],
  );
  assert.is(table[0]!.expected, 'c06274b7ab3064844f4d36f9ce943492ec666fa50b97c595a02a54719dc40398');
  const list = entries(
    readChecksumText(
      readFixture('checksums', 'MicrosoftDocs-PowerShell-Docs__reference-7.4-Get-FileHash.md__format-list.txt'),
    ),
  );
  assert.equal(
    list.map((e) => [e.algorithm, e.name]),
    [['sha256', '/etc/apt/sources.list']],
  );
  const csv = entries(
    readChecksumText(
      '#TYPE Microsoft.PowerShell.Commands.FileHashInfo\r\n"Algorithm","Hash","Path"\r\n"SHA256","E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855","C:\\data\\empty.bin"\r\n',
    ),
  );
  assert.equal(
    csv.map((e) => [e.name, e.expected.slice(0, 8)]),
    [['C:\\data\\empty.bin', 'e3b0c442']],
  );
});

test('POSIX cksum :: CRC SIZE name lines (the HP-UX form), not zlib CRC-32', () => {
  const es = entries(readChecksumText(readFixture('checksums', 'coreutils-9.1__cksum-crc.txt')));
  assert.equal(
    es.slice(0, 3).map((e) => [e.algorithm, e.expected, e.size, e.name]),
    [
      ['cksum', '930766865', 9, 'check.txt'],
      ['cksum', '4294967295', 0, 'empty'],
      ['cksum', '3015617425', 6, 'a b.txt'],
    ],
  );
});

const bad: Array<[string, string, RegExp]> = [
  ['a digest of the wrong length for its sidecar', `${'a'.repeat(40)}  file.bin`, /BAD_DIGEST/],
  ['a tag with too few hex digits', 'SHA256 (f) = abcd', /BAD_DIGEST/],
  ['a bad escape', '\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\\tb', /BAD_ESCAPE/],
  ['prose', 'this is not a checksum', /IMPROPERLY_FORMATTED/],
];
for (const [name, text, reason] of bad) {
  test(`bad input :: ${name} is a reject naming its line`, () => {
    const [r] = readChecksumText(`${text}\n`, 'sha256');
    assert.is(r!.kind, 'reject');
    assert.match((r as Reject).reason, reason);
    assert.is((r as Reject).line, 1);
  });
}

test('bare digest :: a sidecar holding only the hex covers its own file (name null), upper case folded', () => {
  const [e] = entries(readChecksumText('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\r\n'));
  assert.equal([e!.name, e!.format, e!.expected.slice(0, 4)], [null, 'bare', 'e3b0']);
});

test('streaming :: read as it streams, cut anywhere, a manifest gives what the whole text gives', async () => {
  for (const file of [
    'coreutils-9.1__check-input.sha256',
    'coreutils-9.1__sha256sum-tag.txt',
    'coreutils-9.1__cksum-crc.txt',
  ]) {
    const text = readFixture('checksums', file);
    const bytes = Buffer.from(text);
    for (const cut of [1, 7, 64, bytes.length]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += cut) yield bytes.subarray(i, i + cut);
      }
      const streamed: Array<ChecksumEntry | Reject> = [];
      for await (const item of readChecksumStream(chunks())) streamed.push(item);
      assert.equal(streamed, readChecksumText(text), `${file} in pieces of ${cut}`);
    }
  }
});

test.run();
