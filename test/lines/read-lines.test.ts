// The byte-level line splitter every parser reads through (lib/lines/read-lines.ts): its lines are those of the whole
// input decoded at once, however the input is cut into chunks, and a block's bytes match its text wherever it sets them.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { blockLine, readLineBlocks, type LineBlock, type NumberedLine, type Reject } from '#lib/lines/index.ts';

const test = suite('lines/read-lines');

async function* source(chunks: Array<Uint8Array | string>) {
  yield* chunks;
}

async function chunkLines(chunks: Array<Uint8Array | string>, options = {}): Promise<Array<[number, string | Reject]>> {
  const out: Array<[number, string | Reject]> = [];
  for await (const block of readLineBlocks(source(chunks), options))
    for (let i = 0; i < block.count; i++) out.push([block.first + i, blockLine(block, i)]);
  return out;
}

async function collect(chunks: Array<string | Uint8Array>, options = {}): Promise<Array<NumberedLine | Reject>> {
  return (await chunkLines(chunks, options)).map(([line, l]) => (typeof l === 'string' ? { line, text: l } : l));
}

async function blocks(
  chunks: Array<Uint8Array | string>,
  options = {},
): Promise<Array<{ block: LineBlock; lines: Array<string | Reject>; bytesMatch: boolean }>> {
  const out = [];
  for await (const block of readLineBlocks(source(chunks), options)) {
    const lines = Array.from({ length: block.count }, (_, i) => blockLine(block, i));
    let bytesMatch = true;
    if (block.bytes) {
      for (let i = 0; i < block.count; i++)
        for (let k = block.starts[i]!; k < block.ends[i]!; k++)
          if (block.bytes[k] !== block.text.charCodeAt(k)) bytesMatch = false;
    }
    out.push({ block, lines, bytesMatch });
  }
  return out;
}

// The model: decode everything at once, cut at LF, drop one CR before it, no line after a final newline.
function model(chunks: Uint8Array[]): string[] {
  const parts = Buffer.concat(chunks).toString('utf8').split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
}

const byte = fc.oneof(
  fc.constantFrom(10, 10, 13, 44, 32, 97, 98),
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80),
);
const chunked = fc.array(
  fc.array(byte, { maxLength: 80 }).map((a) => Uint8Array.from(a)),
  { maxLength: 10 },
);

test('any chunking :: the lines are those of the whole input decoded at once, numbered from firstLine', async () => {
  await fc.assert(
    fc.asyncProperty(chunked, fc.integer({ min: 1, max: 100 }), async (chunks, firstLine) => {
      const lines = await chunkLines(chunks, { firstLine });
      assert.equal(
        lines,
        model(chunks).map((text, i) => [firstLine + i, text]),
      );
    }),
    { seed: 20261201, numRuns: 3000 },
  );
});

test('bytes :: set only for ASCII text, and then equal to its character codes', async () => {
  const ascii = Buffer.from('a,b\r\nc,d\n\ne');
  const out = await blocks([ascii.subarray(0, 5), ascii.subarray(5), Buffer.from('x\nété\n')]);
  assert.ok(out.every((b) => b.bytesMatch));
  assert.equal(
    out.map((b) => [b.block.bytes !== null, b.lines]),
    [
      [true, ['a,b']],
      [true, ['c,d', '']],
      [false, ['ex']],
      [false, ['été']],
    ],
  );
});

test('blocks :: at most 1024 lines each, sharing one decoded text', async () => {
  const out = await blocks([Buffer.from('l\n'.repeat(2500))]);
  assert.equal(
    out.map((b) => b.block.count),
    [1024, 1024, 452],
  );
  assert.is(out[0]!.block.text, out[2]!.block.text);
});

test('over-long lines in byte chunks :: inside one chunk and across chunks, a LINE_TOO_LONG reject each, the next line intact', async () => {
  const long = 'y'.repeat(1500);
  const lines = await chunkLines(
    [Buffer.from(`a\n${long}\nb\n${long.slice(0, 700)}`), Buffer.from(`${long.slice(700)}\nc`)],
    { maxLineLength: 1000 },
  );
  assert.equal(
    lines.map(([n, l]) => [n, typeof l === 'string' ? l : l.reason]),
    [
      [1, 'a'],
      [2, 'LINE_TOO_LONG'],
      [3, 'b'],
      [4, 'LINE_TOO_LONG'],
      [5, 'c'],
    ],
  );
  assert.is((lines[1]![1] as Reject).raw, 'y'.repeat(512));
});

test('splitting :: CRLF, LF, no final newline, line numbers from 1', async () => {
  assert.equal(await collect(['a\r\nb\n', 'c']), [
    { line: 1, text: 'a' },
    { line: 2, text: 'b' },
    { line: 3, text: 'c' },
  ]);
});

test('splitting :: a line cut across chunks is joined; empty lines are kept', async () => {
  assert.equal(await collect(['ab', 'c\n\nd', 'e\n']), [
    { line: 1, text: 'abc' },
    { line: 2, text: '' },
    { line: 3, text: 'de' },
  ]);
});

test('utf-8 :: a multibyte character split between chunks decodes whole', async () => {
  const bytes = Buffer.from('été\n');
  assert.equal(await collect([bytes.subarray(0, 2), bytes.subarray(2)]), [{ line: 1, text: 'été' }]);
});

test('over-long line :: becomes a LINE_TOO_LONG reject with its number, the next line is intact', async () => {
  const out = await collect(['short\n', 'x'.repeat(600), 'x'.repeat(600), '\nafter\n'], { maxLineLength: 1000 });
  assert.equal(out[0], { line: 1, text: 'short' });
  assert.is((out[1] as Reject).kind, 'reject');
  assert.is((out[1] as Reject).line, 2);
  assert.is((out[1] as Reject).reason, 'LINE_TOO_LONG');
  assert.ok((out[1] as Reject).raw.length <= 513);
  assert.equal(out[2], { line: 3, text: 'after' });
});

test('resume :: firstLine numbers from a cursor', async () => {
  assert.equal(await collect(['z\n'], { firstLine: 41 }), [{ line: 41, text: 'z' }]);
});

test.run();
