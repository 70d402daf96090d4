import { Cron } from 'croner';
import type { DateTime } from 'luxon';

/** CronSchedule is a parsed 5-field cron expression (minute hour day-of-month month day-of-week), matched in UTC. */
export interface CronSchedule {
  source: string;
  cron: Cron;
}

// robfig/cron v3's standard parser (the CE cron-connector's): 5 fields, each a comma list of `*`, `?`, a number or
// name, or a range, optionally `/step`; day-of-week 0-6 (7 is refused, robfig/cron#122). croner reads a superset
// (L, W, #, `+`, 6-7 fields), so the syntax is checked here first: what croner alone would take, the connector
// would silently skip. robfig's `@every <duration>` is refused: it counts from the connector's start, not the clock.
const FIELDS = [
  { name: 'minute', max: 59, names: '' },
  { name: 'hour', max: 23, names: '' },
  { name: 'day-of-month', max: 31, names: '' },
  { name: 'month', max: 12, names: 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC' },
  { name: 'day-of-week', max: 6, names: 'SUN|MON|TUE|WED|THU|FRI|SAT' },
] as const;
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function checkField(text: string, field: (typeof FIELDS)[number]): string {
  const value = field.names ? `(?:\\d+|${field.names})` : '\\d+';
  const part = new RegExp(`^(?:[*?]|${value}(?:-${value})?)(?:/(\\d+))?$`, 'i');
  for (const item of text.split(',')) {
    const match = part.exec(item);
    if (!match) throw new Error(`cron ${field.name}: "${item}" is not robfig/cron syntax`);
    if (match[1] !== undefined && Number(match[1]) < 1) throw new Error(`cron ${field.name}: bad step "${item}"`);
    for (const n of item.split('/')[0]!.split('-'))
      if (/^\d+$/.test(n) && Number(n) > field.max)
        throw new Error(`cron ${field.name}: "${item}" is above ${field.max}`);
  }
  // robfig counts `*`, `?` and `*/1` as unrestricted (the day fields then AND), `*/2` as restricted (they OR);
  // croner treats only a bare `*` as unrestricted, so the others are written as what robfig takes them for.
  return text.replace(/^[*?](\/1)?$/, '*');
}

/** parseCron parses the 5-field syntax the OpenFaaS cron-connector accepts (robfig/cron v3 standard parser). */
export function parseCron(expression: string): CronSchedule {
  const text = expression.trim();
  let pattern = text;
  if (!DESCRIPTORS.has(text)) {
    const parts = text.split(/\s+/);
    if (parts.length !== 5)
      throw new Error(`cron "${expression}": expected 5 fields (minute hour day month weekday), got ${parts.length}`);
    pattern = parts.map((p, i) => checkField(p, FIELDS[i]!)).join(' ');
  }
  // domAndDow false: when both day fields are restricted, either may match (robfig's dayMatches, Vixie cron's rule).
  return {
    source: expression,
    cron: new Cron(pattern, { mode: '5-part', timezone: 'UTC', domAndDow: false, sloppyRanges: true }),
  };
}

/** cronMatches tells whether a schedule fires in the minute of `time` (taken in UTC). */
export function cronMatches(schedule: CronSchedule, time: DateTime): boolean {
  return schedule.cron.match(time.toUTC().startOf('minute').toJSDate());
}
