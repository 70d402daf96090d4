// Campaign files: the demo one parses; each bad input is refused with the line, before anything runs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCampaign, resolveCampaign } from '#lib/validation/index.ts';

const test = suite('validation/campaign');
const demo = readFileSync(resolve(import.meta.dirname, '..', '..', 'config', 'demo-campaign.yml'), 'utf8');
const base = `testlink:
  project: CMP-OPS
  plan: Release validation
checks:
  - check: delivery-intact
    testcase: CMP-2
    location: inbox/STS/
`;

function refusal(text: string): {
  code: string;
  message: string;
  details: Array<{ line?: number; field?: string; reason: string }>;
} {
  try {
    parseCampaign(text, 'c.yml');
  } catch (err) {
    return err as never;
  }
  throw new Error('expected CAMPAIGN_INVALID');
}

test('demo :: two checks, build defaults to the release', () => {
  const c = resolveCampaign(parseCampaign(demo), '2026.11-demo');
  assert.equal(
    c.checks.map((x) => [x.check, x.testcase]),
    [
      ['images-approved', 'CMP-1'],
      ['delivery-intact', 'CMP-2'],
    ],
  );
  assert.is(c.build, '2026.11-demo');
  assert.is(c.testlink.platform, 'ground-segment');
});

const cases: Array<[string, string, RegExp, number]> = [
  [
    'unknown check :: names the known ones',
    base.replace('delivery-intact', 'disk-full'),
    /line 5: \/checks\/0\/check unknown check "disk-full" \(known: images-approved, /,
    5,
  ],
  [
    'test case id :: not PREFIX-N',
    base.replace('CMP-2', 'CMP 12'),
    /"CMP 12" is not a TestLink test case external id/,
    6,
  ],
  [
    'test case id :: internal numeric id',
    base.replace('CMP-2', '"12"'),
    /"12" is not a TestLink test case external id/,
    6,
  ],
  [
    'build :: over 100 characters',
    base.replace('  plan: Release validation\n', `  plan: Release validation\n  build: ${'b'.repeat(101)}\n`),
    /testlink\/build must NOT have more than 100 characters/,
    4,
  ],
  [
    'check settings :: misspelt key',
    base.replace('location:', 'locaton:'),
    /delivery-intact: is not an allowed property/,
    7,
  ],
  [
    'duplicate case :: one result per case',
    `${base}  - check: sweep-clean\n    testcase: CMP-2\n    location: inbox/STS/\n`,
    /CMP-2 is already the test case of checks\[0\]/,
    9,
  ],
  ['yaml :: syntax error has its line', `${base}  - check: [\n`, /c\.yml: line \d+/, 0],
];
for (const [name, text, message, line] of cases) {
  test(name, () => {
    const err = refusal(text);
    assert.is(err.code, 'CAMPAIGN_INVALID');
    assert.match(err.message, message);
    if (line)
      assert.ok(
        err.details.some((d) => d.line === line),
        JSON.stringify(err.details),
      );
  });
}

test('release :: a build name from a release over 100 characters is refused', () => {
  try {
    resolveCampaign(parseCampaign(base), 'r'.repeat(101));
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'CAMPAIGN_INVALID');
  }
});

test.run();
