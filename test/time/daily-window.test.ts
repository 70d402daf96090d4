// The daily window shared by FTP upload windows and NetBackup backup windows, and its one configuration schema.
import { Ajv } from 'ajv';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DAILY_WINDOW_SCHEMA, insideDailyWindow } from '#lib/time/index.ts';

const test = suite('time/daily-window');
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

test('windows and DST :: 04:30Z is 06:30 in Paris summer time (outside) but 05:30 in winter (inside)', () => {
  const window = { start: '22:00', end: '06:00', zone: 'Europe/Paris' };
  assert.not.ok(insideDailyWindow(at('2026-07-01T04:30:00Z'), window));
  assert.ok(insideDailyWindow(at('2026-12-01T04:30:00Z'), window));
  // the night the clocks go back (2026-10-25, 03:00 CEST → 02:00 CET at 01:00Z): 04:30Z is 05:30 CET, inside
  assert.ok(insideDailyWindow(at('2026-10-25T04:30:00Z'), window));
  assert.not.ok(insideDailyWindow(at('2026-10-25T05:30:00Z'), window));
});

test('plain and wrapping windows :: the start is inside, the end is not', () => {
  const day = { start: '08:00', end: '18:00', zone: 'UTC' };
  assert.ok(insideDailyWindow(at('2026-11-24T08:00:00Z'), day));
  assert.not.ok(insideDailyWindow(at('2026-11-24T18:00:00Z'), day));
  const night = { start: '22:00', end: '06:00', zone: 'UTC' };
  assert.ok(insideDailyWindow(at('2026-11-24T23:59:00Z'), night));
  assert.ok(insideDailyWindow(at('2026-11-24T05:59:00Z'), night));
  assert.not.ok(insideDailyWindow(at('2026-11-24T12:00:00Z'), night));
});

const schemaCases: Array<[string, unknown, boolean]> = [
  ['good', { start: '22:00', end: '06:00', zone: 'Europe/Paris' }, true],
  ['empty zone', { start: '22:00', end: '06:00', zone: '' }, false],
  ['no zone', { start: '22:00', end: '06:00' }, false],
  ['hour 24', { start: '24:00', end: '06:00', zone: 'UTC' }, false],
  ['one-digit hour', { start: '7:00', end: '06:00', zone: 'UTC' }, false],
  ['extra key', { start: '22:00', end: '06:00', zone: 'UTC', days: 'mon' }, false],
];
for (const [variant, value, valid] of schemaCases) {
  test(`schema :: ${variant}`, () => {
    assert.is(new Ajv().validate(DAILY_WINDOW_SCHEMA, value), valid);
  });
}

test.run();
