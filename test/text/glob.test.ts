import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { globToRegExp } from '#lib/text/index.ts';

const test = suite('text/glob');

const cases: Array<[string, string, boolean, boolean?]> = [
  ['STS_*', 'STS_daily', true],
  ['STS_*', 'sts_daily', false],
  ['STS_*', 'sts_daily', true, true],
  ['sts-app??', 'sts-app01', true],
  ['sts-app??', 'sts-app1', false],
  ['/inbox/*.bin', '/inbox/a.bin', true],
  ['/inbox/*.bin', '/inbox/axbin', false],
  ['a+b(c)', 'a+b(c)', true],
  ['*', '', true],
  ['ftp1', 'ftp10', false],
];
for (const [glob, text, expected, ignoreCase] of cases) {
  test(`matching :: "${glob}" ${ignoreCase ? '(ignoring case) ' : ''}against "${text}" → ${expected}`, () => {
    assert.is(globToRegExp(glob, { ignoreCase: ignoreCase ?? false }).test(text), expected);
  });
}

test.run();
