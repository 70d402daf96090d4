import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readLines, type NumberedLine, type Reject } from '#lib/lines/index.ts';

const test = suite('lines/read-lines');

async function collect(chunks: Array<string | Uint8Array>, options = {}): Promise<Array<NumberedLine | Reject>> {
  const out: Array<NumberedLine | Reject> = [];
  async function* source() {
    yield* chunks;
  }
  for await (const item of readLines(source(), options)) out.push(item);
  return out;
}

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
