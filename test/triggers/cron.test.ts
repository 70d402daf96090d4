import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cronMatches, parseCron } from '#lib/triggers/index.ts';

const test = suite('triggers/cron');
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

const cases: Array<[string, string, boolean]> = [
  ['* * * * *', '2026-11-24T10:17:00Z', true],
  ['*/5 * * * *', '2026-11-24T10:15:00Z', true],
  ['*/5 * * * *', '2026-11-24T10:17:00Z', false],
  ['0 2 * * *', '2026-11-24T02:00:00Z', true],
  ['0 2 * * *', '2026-11-24T03:00:00Z', false],
  ['30 6 * * 1-5', '2026-11-24T06:30:00Z', true], // a Tuesday
  ['30 6 * * 1-5', '2026-11-29T06:30:00Z', false], // a Sunday
  ['0 0 * * 7', '2026-11-29T00:00:00Z', true], // 7 is Sunday too
  ['0 0 1,15 * *', '2026-11-15T00:00:00Z', true],
  ['0 0 1 * 1', '2026-11-30T00:00:00Z', true], // both day fields restricted: either matches (Monday)
  ['@hourly', '2026-11-24T11:00:00Z', true],
  ['@daily', '2026-11-24T11:00:00Z', false],
];
for (const [expression, time, expected] of cases) {
  test(`matching :: "${expression}" at ${time} → ${expected}`, () => {
    assert.is(cronMatches(parseCron(expression), at(time)), expected);
  });
}

const bad = ['* * * *', '60 * * * *', '* 24 * * *', '*/0 * * * *', 'CRON_TZ=Europe/Paris 0 2 * * *', '0 2 * * *;0 3 * * *'];
for (const expression of bad) {
  test(`rejected :: "${expression}" (the CE cron-connector would silently skip it)`, () => {
    assert.throws(() => parseCron(expression));
  });
}

test.run();
