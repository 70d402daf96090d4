// The vSphere expectations file: defaults, and every error with its line and field.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isOpsError } from '#lib/runtime/errors.ts';
import { DEFAULT_EXPECTATIONS, nameMatcher, parseExpectations } from '#lib/vsphere/index.ts';

const test = suite('vsphere/expectations');

test('names :: globs compare ignoring case, brackets are literal', () => {
  assert.ok(nameMatcher('STS-ingest-*').test('sts-ingest-01'));
  assert.not.ok(nameMatcher('esx-0[2]').test('esx-02'));
  assert.ok(nameMatcher('esx-0[2]').test('esx-0[2]'));
});

test('merge :: given sections replace defaults field by field', () => {
  const e = parseExpectations('datastores: { minFreeGiB: 50 }\nholdMinutes: { VMHostDisconnected: 3 }\n');
  assert.equal(e.datastores, { ...DEFAULT_EXPECTATIONS.datastores, minFreeGiB: 50 });
  assert.equal(e.holdMinutes, { VMToolsNotRunning: 10, VMHostDisconnected: 3 });
});

test('expectations :: defaults, and every error names its line', () => {
  assert.equal(parseExpectations('', 'empty'), DEFAULT_EXPECTATIONS);
  for (const [text, line, field] of [
    ['expected:\n  STS: "sts-*"\n', 2, '/expected/STS'],
    ['datastores:\n  minFreePercent: 150\n', 2, '/datastores/minFreePercent'],
    ['subsystems:\n  - { pattern: "a*" }\n', 2, '/subsystems/0/subsystem'],
    ['tools: true\nholdMinutes:\n  Whatever: 3\n', 3, '/holdMinutes/Whatever'],
    ['expected: [\n', 2, undefined],
  ] as const) {
    try {
      parseExpectations(text, 'vsphere.yaml');
      assert.unreachable(`accepted ${text}`);
    } catch (err) {
      if (!isOpsError(err)) throw err;
      assert.is(err.code, 'VSPHERE_EXPECTATIONS_INVALID', text);
      assert.is(err.details[0]?.line, line, `${text}: ${JSON.stringify(err.details)}`);
      if (field) assert.is(err.details[0]?.field, field);
    }
  }
});

test.run();
