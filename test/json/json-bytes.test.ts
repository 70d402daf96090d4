import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fragment, JsonBytes } from '#lib/json/index.ts';

const test = suite('json/json-bytes');

/** written runs `write` against a JsonBytes with a given block size and returns every byte handed to the sink. */
function written(write: (w: JsonBytes) => void, blockSize = 1 << 20): string {
  const chunks: Buffer[] = [];
  const w = new JsonBytes((c) => chunks.push(Buffer.from(c)), blockSize);
  write(w);
  w.flush();
  return Buffer.concat(chunks).toString('utf8');
}

const odd: Array<[string, string]> = [
  ['empty', ''],
  ['quote and backslash', 'C:\\Data\\"x"'],
  ['control characters', '\u0000\u0001\b\f\n\r\t\u001f end'],
  ['DEL and latin-1', '\u007f données été ÿ'],
  ['astral pair', 'satellite 🛰 ok'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', 'a\udc00'],
  ['U+2028 and U+2029', 'line\u2028para\u2029'],
  ['long plain', 'x'.repeat(5000)],
  ['long with a quote at the end', `${'y'.repeat(300)}"`],
  ['long with a lone surrogate', `${'z'.repeat(100)}\udfff`],
];
for (const [name, text] of odd) {
  test(`string :: ${name} :: as JSON.stringify`, () => {
    assert.is(
      written((w) => w.string(text)),
      JSON.stringify(text),
    );
    assert.is(
      written((w) => w.string(text), 8),
      JSON.stringify(text),
    );
  });
}

test('number :: integers, negatives, fractions, -0, NaN, the infinities and null as JSON.stringify', () => {
  for (const value of [
    0,
    -0,
    1,
    9,
    10,
    99,
    100,
    2147483647,
    2147483648,
    -1,
    0.5,
    1e21,
    1e-7,
    123456789012345,
    Number.MAX_SAFE_INTEGER,
    NaN,
    Infinity,
    -Infinity,
  ]) {
    assert.is(
      written((w) => w.number(value)),
      JSON.stringify(value),
      String(value),
    );
  }
  assert.is(
    written((w) => w.number(null)),
    'null',
  );
});

test('property :: any strings, numbers and arrays, any block size, are written byte for byte as JSON.stringify', () => {
  const value = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.double(),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }),
  );
  fc.assert(
    fc.property(fc.array(value, { maxLength: 12 }), fc.integer({ min: 1, max: 4096 }), (values, blockSize) => {
      const ours = written((w) => {
        w.raw(fragment('['));
        values.forEach((v, i) => {
          if (i > 0) w.raw(fragment(','));
          if (typeof v === 'string') w.string(v);
          else if (typeof v === 'number') w.number(v);
          else if (typeof v === 'boolean') w.boolean(v);
          else if (v === null) w.stringOrNull(null);
          else w.stringArray(v);
        });
        w.raw(fragment(']'));
      }, blockSize);
      return ours === JSON.stringify(values);
    }),
    { seed: 20261203, numRuns: 3000 },
  );
});

test('blocks :: the sink gets full blocks, never one per value, and flush hands over the rest', () => {
  const sizes: number[] = [];
  const w = new JsonBytes((c) => sizes.push(c.length), 1024);
  for (let i = 0; i < 1000; i++) w.string('abcdefgh');
  assert.ok(sizes.length > 0 && sizes.length < 20, `${sizes.length} chunks`);
  const before = sizes.length;
  w.flush();
  assert.is(sizes.length, before + 1);
  assert.is(
    sizes.reduce((a, b) => a + b, 0),
    10_000,
  );
});

test('valueLine :: any value as a JSON line', () => {
  assert.is(
    written((w) => w.valueLine({ kind: 'summary', counts: { done: 3 }, note: 'é"' })),
    `${JSON.stringify({ kind: 'summary', counts: { done: 3 }, note: 'é"' })}\n`,
  );
});

test.run();
