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
  ['0 0 * * 0', '2026-11-29T00:00:00Z', true], // Sunday
  ['0 0 * * SUN', '2026-11-29T00:00:00Z', true],
  ['0 0 * JAN-DEC mon-fri', '2026-11-24T00:00:00Z', true],
  ['0 0 5/10 * *', '2026-11-15T00:00:00Z', true], // N/step is N-max/step
  ['0 0 5/10 * *', '2026-11-10T00:00:00Z', false],
  ['0 0 1,15 * *', '2026-11-15T00:00:00Z', true],
  ['0 0 1 * 1', '2026-11-30T00:00:00Z', true], // both day fields restricted: either matches (Monday)
  ['0 0 1 * 1', '2026-11-24T00:00:00Z', false], // a Tuesday, not the 1st
  ['0 0 * * 1', '2026-11-24T00:00:00Z', false], // day-of-month unrestricted: the weekday must match
  ['0 0 ? * 1', '2026-11-24T00:00:00Z', false], // `?` is unrestricted too
  ['0 0 */1 * 1', '2026-11-24T00:00:00Z', false], // so is `*/1`
  ['0 0 */2 * 1', '2026-11-30T00:00:00Z', true], // robfig: `*/2` is restricted, so the day fields OR (Monday the 30th)
  ['0 0 */2 * 1', '2026-11-25T00:00:00Z', true], // …and the 25th, a Wednesday, by the day of month
  ['0 0 */2 * 1', '2026-11-24T00:00:00Z', false], // a Tuesday, the 24th: neither
  ['@hourly', '2026-11-24T11:00:00Z', true],
  ['@daily', '2026-11-24T11:00:00Z', false],
  ['@weekly', '2026-11-29T00:00:00Z', true],
];
for (const [expression, time, expected] of cases) {
  test(`matching :: "${expression}" at ${time} → ${expected}`, () => {
    assert.is(cronMatches(parseCron(expression), at(time)), expected);
  });
}

// `7` for Sunday, L, W, #, a bare `/step` and seconds are croner's or Vixie's, not robfig v3's (robfig/cron#122);
// robfig's `@every` counts from the connector's start, which no per-minute match can reproduce: refused here too.
const bad = [
  '* * * *',
  '60 * * * *',
  '* 24 * * *',
  '*/0 * * * *',
  'CRON_TZ=Europe/Paris 0 2 * * *',
  '0 2 * * *;0 3 * * *',
  '0 0 * * 7',
  '0 0 L * *',
  '0 0 1W * *',
  '0 0 * * 1#2',
  '/10 * * * *',
  '0 0 * * * *',
  '@every 1h',
];
for (const expression of bad) {
  test(`rejected :: "${expression}" (the CE cron-connector would silently skip it)`, () => {
    assert.throws(() => parseCron(expression));
  });
}

test.run();
