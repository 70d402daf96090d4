// On-call schedules: weekly rotation with a 09:00 Europe/Paris handover (DST days included), a holiday layer fed by
// date-holidays' French calendar, overrides; `cmp-ops oncall who` at given times. Time is injected, never waited.
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { holidayCalendar, loadOnCall, whoIsOnCall } from '#lib/alerting/oncall/index.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import { fixturePath, readFixture } from '../helpers/fixtures.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const test = suite('alerting/oncall');
const oncall = loadOnCall(loadAlertmanagerConfig(readFixture('alerts', 'oncall.yml')));
const ground = oncall.schedules.get('ground')!;
const paris = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Paris' }).toMillis();
const who = (local: string) => {
  const w = whoIsOnCall(ground, paris(local), oncall.isHoliday)!;
  return `${w.primary}/${w.secondary ?? '-'}/${w.layer}`;
};

test('weekly rotation :: handover Monday 09:00 Paris time', () => {
  assert.is(who('2026-11-23T08:59'), 'alice/bob/weekly');
  assert.is(who('2026-11-23T09:00'), 'bob/carol/weekly');
  assert.is(who('2026-11-24T10:00'), 'bob/carol/weekly');
});

test('DST :: the handover stays at 09:00 local on the weeks after the 23 h and 25 h days', () => {
  // spring forward 2026-03-29: Monday 09:00 CEST is 07:00 UTC
  assert.is(whoIsOnCall(ground, Date.parse('2026-03-30T06:59:00Z'), oncall.isHoliday)!.primary, 'carol');
  assert.is(whoIsOnCall(ground, Date.parse('2026-03-30T07:00:00Z'), oncall.isHoliday)!.primary, 'alice');
  // fall back 2026-10-25: Monday 09:00 CET is 08:00 UTC
  assert.is(whoIsOnCall(ground, Date.parse('2026-10-26T07:59:00Z'), oncall.isHoliday)!.primary, 'carol');
  assert.is(whoIsOnCall(ground, Date.parse('2026-10-26T08:00:00Z'), oncall.isHoliday)!.primary, 'alice');
});

test('French holidays :: the holiday layer wins on 11 November and Christmas, not the day after', () => {
  assert.is(who('2026-11-11T10:00'), 'lead/alice/holidays');
  assert.is(who('2026-11-12T10:00'), 'carol/alice/weekly');
  assert.is(who('2026-12-25T10:00'), 'lead/alice/holidays');
  const fr = holidayCalendar({ country: 'FR' });
  assert.is(fr('2026-05-25'), 'Lundi de Pentecôte');
  assert.is(oncall.isHoliday('2026-05-25'), undefined, 'pentecost_monday: false (journée de solidarité)');
  assert.is(fr('2026-05-10'), undefined, 'Mothers’ Day is an observance, not a public holiday');
  assert.is(holidayCalendar({ country: 'FR', state: '57' })('2026-12-26'), 'Lendemain de Noël', 'Alsace-Moselle');
});

test('overrides :: win over every layer, and end on time', () => {
  assert.is(who('2026-12-31T20:00'), 'lead/alice/override');
  assert.is(who('2027-01-01T10:00').split('/')[2], 'holidays');
});

test('CLI :: cmp-ops oncall who --at prints primary, secondary, layer and the end of the shift', async () => {
  const out = await runCliCaptured([
    'oncall',
    'who',
    '--config',
    fixturePath('alerts', 'oncall.yml'),
    '--at',
    '2026-12-25T10:00',
  ]);
  assert.is(out.code, 0, out.err);
  assert.equal(JSON.parse(out.out), {
    schedule: 'ground',
    at: '2026-12-25T10:00:00.000+01:00',
    primary: 'lead',
    secondary: 'alice',
    layer: 'holidays',
    until: '2026-12-26T09:00:00.000+01:00',
    holiday: 'Noël',
  });
});

test('bad extension :: an undefined user or schedule is rejected with its line', () => {
  const text = readFixture('alerts', 'oncall.yml').replace('users: [alice, bob, carol]', 'users: [alice, bob, zoe]');
  try {
    loadOnCall(loadAlertmanagerConfig(text));
    assert.unreachable();
  } catch (err) {
    if (!isOpsError(err)) throw err;
    assert.match(err.message, /line 34: undefined user "zoe"/);
  }
});

test.run();
