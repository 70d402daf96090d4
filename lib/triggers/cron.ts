import type { DateTime } from 'luxon';

/** CronSchedule is a parsed 5-field cron expression (minute hour day-of-month month day-of-week), UTC. */
export interface CronSchedule {
  source: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** domStar/dowStar keep cron's rule: when both day fields are restricted, either may match. */
  domStar: boolean;
  dowStar: boolean;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function field(text: string, min: number, max: number, name: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron ${name}: bad step "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range!.includes('-')) [lo, hi] = range!.split('-').map(Number) as [number, number];
    else {
      lo = Number(range);
      hi = stepText === undefined ? lo : max;
    }
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) throw new Error(`cron ${name}: "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return values;
}

/** parseCron parses the 5-field syntax the OpenFaaS cron-connector accepts (robfig/cron v3 standard parser). */
export function parseCron(expression: string): CronSchedule {
  const text = DESCRIPTORS[expression.trim()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}": expected 5 fields (minute hour day month weekday), got ${parts.length}`);
  const [m, h, dom, mon, dow] = parts as [string, string, string, string, string];
  return {
    source: expression,
    minutes: field(m, 0, 59, 'minute'),
    hours: field(h, 0, 23, 'hour'),
    days: field(dom, 1, 31, 'day-of-month'),
    months: field(mon, 1, 12, 'month'),
    weekdays: field(dow, 0, 7, 'day-of-week'),
    domStar: dom === '*' || dom.startsWith('*/'),
    dowStar: dow === '*' || dow.startsWith('*/'),
  };
}

/** cronMatches tells whether a schedule fires in the minute of `time` (taken in UTC). */
export function cronMatches(schedule: CronSchedule, time: DateTime): boolean {
  const t = time.toUTC();
  if (!schedule.minutes.has(t.minute) || !schedule.hours.has(t.hour) || !schedule.months.has(t.month)) return false;
  const dom = schedule.days.has(t.day);
  const dow = schedule.weekdays.has(t.weekday % 7);
  if (schedule.domStar || schedule.dowStar) return (schedule.domStar || dom) && (schedule.dowStar || dow);
  return dom || dow;
}
