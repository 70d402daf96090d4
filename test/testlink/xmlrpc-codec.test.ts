// The XML-RPC codec on the specification's own examples (test/fixtures/testlink, see SOURCES.md), value round trips,
// and a fuzz test (fixed seed) showing that any text either decodes or throws XmlRpcSyntaxError, nothing else.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeMethodCall,
  decodeMethodResponse,
  encodeMethodCall,
  encodeMethodResponse,
  XmlRpcSyntaxError,
  type XmlRpcValue,
} from '#lib/testlink/index.ts';
import { readFixture } from '../helpers/fixtures.ts';

const test = suite('testlink/xmlrpc-codec');

test('spec :: request, response and fault examples', () => {
  assert.equal(decodeMethodCall(readFixture('testlink', 'xmlrpc-spec__request.xml')), {
    method: 'examples.getStateName',
    params: [41],
  });
  assert.equal(decodeMethodResponse(readFixture('testlink', 'xmlrpc-spec__response.xml')), {
    kind: 'value',
    value: 'South Dakota',
  });
  assert.equal(decodeMethodResponse(readFixture('testlink', 'xmlrpc-spec__fault-response.xml')), {
    kind: 'fault',
    code: 4,
    message: 'Too many parameters.',
  });
});

test('values :: untyped value is a string, whitespace inside strings is kept, empty array and string', () => {
  const doc = (v: string) =>
    `<?xml version="1.0"?><methodResponse><params><param><value>${v}</value></param></params></methodResponse>`;
  assert.equal(decodeMethodResponse(doc('  plain  ')), { kind: 'value', value: '  plain  ' });
  assert.equal(decodeMethodResponse(doc('<string> a &amp; b </string>')), { kind: 'value', value: ' a & b ' });
  assert.equal(decodeMethodResponse(doc('<array><data></data></array>')), { kind: 'value', value: [] });
  assert.equal(decodeMethodResponse(doc('<string/>')), { kind: 'value', value: '' });
  assert.equal(decodeMethodResponse(doc('<boolean>1</boolean>')), { kind: 'value', value: true });
});

test('not xml-rpc :: an HTML page and a wrong root are syntax errors', () => {
  assert.throws(
    () => decodeMethodResponse('<!DOCTYPE html><html><body>login</body></html>'),
    (e: unknown) => e instanceof XmlRpcSyntaxError,
  );
  assert.throws(
    () => decodeMethodResponse('<methodCall><methodName>x</methodName></methodCall>'),
    /not <methodResponse>/,
  );
});

const value: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ v: XmlRpcValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string().map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff\r]/g, '')),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .dictionary(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[\w.-]+$/.test(k) && k !== '__proto__'),
        tie('v'),
        { maxKeys: 4 },
      )
      .map((d) => ({ ...d })),
  ),
})).v;

test('round trip :: what is encoded decodes to the same value', () => {
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(decodeMethodResponse(encodeMethodResponse(v)), { kind: 'value', value: v });
      assert.equal(decodeMethodCall(encodeMethodCall('tl.x', [v])).params, [v]);
    }),
    { seed: 20261203, numRuns: 300 },
  );
});

test('fuzz :: any text decodes or throws XmlRpcSyntaxError', () => {
  const good = encodeMethodResponse([{ code: 2000, message: 'x' }]);
  const mutated = fc
    .tuple(fc.nat(good.length), fc.nat(good.length), fc.string({ maxLength: 12 }))
    .map(([a, b, s]) => good.slice(0, Math.min(a, b)) + s + good.slice(Math.max(a, b)));
  fc.assert(
    fc.property(fc.oneof(fc.string(), mutated), (text) => {
      try {
        decodeMethodResponse(text);
      } catch (err) {
        if (!(err instanceof XmlRpcSyntaxError)) throw err;
      }
    }),
    { seed: 7, numRuns: 2000 },
  );
});

test.run();
