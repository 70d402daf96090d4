import { DateTime, IANAZone } from 'luxon';

/**
 * Alertmanager time intervals (timeinterval/timeinterval.go, 0.25): within one spec every given field must match
 * (AND), each list is an OR, the specs of a named interval are ORed. Times are `[start, end)` wall-clock minutes in
 * `location` (default UTC), so DST is handled by the wall clock. Negative days of month count from the month's end.
 */
export interface Range {
  begin: number;
  end: number;
}

export interface TimeIntervalSpec {
  times?: Range[];
  weekdays?: Range[];
  daysOfMonth?: Range[];
  months?: Range[];
  years?: Range[];
  location: string;
}

export class IntervalError extends Error {}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const CLOCK = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

function minutes(text: string): number {
  if (!CLOCK.test(text)) throw new IntervalError(`couldn't parse timestamp ${text}, invalid format`);
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

function splitRange(text: string): [string, string] {
  const parts = text.split(':');
  if (parts.length > 2) throw new IntervalError(`invalid range ${text}`);
  return [parts[0]!, parts[1] ?? parts[0]!];
}

function named(text: string, names: string[], what: string): Range {
  const [a, b] = splitRange(text.toLowerCase());
  const idx = (s: string) => {
    const numeric = /^\d+$/.test(s) && what === 'month' ? Number(s) - 1 : names.indexOf(s);
    if (numeric < 0 || numeric >= names.length) throw new IntervalError(`${s} is not a valid ${what}`);
    return numeric;
  };
  const r = { begin: idx(a), end: idx(b) };
  if (r.begin > r.end) throw new IntervalError(`start ${what} cannot be before end ${what}`);
  return what === 'month' ? { begin: r.begin + 1, end: r.end + 1 } : r;
}

function dayOfMonth(text: string): Range {
  const [a, b] = splitRange(text);
  const n = (s: string) => {
    if (!/^-?\d+$/.test(s)) throw new IntervalError(`invalid day of month ${s}`);
    const v = Number(s);
    if (v === 0) throw new IntervalError('0 is not a valid day of the month');
    if (v < -31 || v > 31) throw new IntervalError(`${v} is not a valid day of the month: out of range`);
    return v;
  };
  const r = { begin: n(a), end: n(b) };
  if (Math.sign(r.begin) === Math.sign(r.end) && r.begin > r.end)
    throw new IntervalError('start day cannot be before end day');
  return r;
}

function year(text: string): Range {
  const [a, b] = splitRange(text);
  const r = { begin: Number(a), end: Number(b) };
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b) || r.begin <= 0)
    throw new IntervalError(`${text} is not a valid year range`);
  if (r.begin > r.end) throw new IntervalError('end year cannot be before start year');
  return r;
}

/** RawSpec is one `time_intervals[]` entry as written in YAML. */
export interface RawSpec {
  times?: Array<{ start_time: string; end_time: string }>;
  weekdays?: string[];
  days_of_month?: string[];
  months?: string[];
  years?: string[];
  location?: string;
}

/** parseIntervalSpec validates one spec exactly where Alertmanager refuses it. */
export function parseIntervalSpec(raw: RawSpec): TimeIntervalSpec {
  const location = raw.location ?? 'UTC';
  if (location !== 'UTC' && location !== 'Local' && !IANAZone.isValidZone(location))
    throw new IntervalError(`unknown time zone ${location}`);
  const spec: TimeIntervalSpec = { location: location === 'Local' ? 'system' : location };
  if (raw.times) {
    spec.times = raw.times.map((t) => {
      const r = { begin: minutes(t.start_time), end: minutes(t.end_time) };
      if (r.begin >= r.end) throw new IntervalError('start time cannot be equal or greater than end time');
      return r;
    });
  }
  if (raw.weekdays) spec.weekdays = raw.weekdays.map((w) => named(w, DAYS, 'day'));
  if (raw.days_of_month) spec.daysOfMonth = raw.days_of_month.map(dayOfMonth);
  if (raw.months) spec.months = raw.months.map((m) => named(m, MONTHS, 'month'));
  if (raw.years) spec.years = raw.years.map(year);
  return spec;
}

const inAny = (ranges: Range[] | undefined, v: number) =>
  ranges === undefined || ranges.some((r) => v >= r.begin && v <= r.end);

/** specContains says whether an instant (epoch ms) falls in one spec. */
export function specContains(spec: TimeIntervalSpec, at: number): boolean {
  const t = DateTime.fromMillis(at, { zone: spec.location });
  if (spec.times && !spec.times.some((r) => t.hour * 60 + t.minute >= r.begin && t.hour * 60 + t.minute < r.end))
    return false;
  if (spec.daysOfMonth) {
    const days = t.daysInMonth ?? 31;
    const ok = spec.daysOfMonth.some((r) => {
      const begin = Math.max(1, r.begin < 0 ? days + r.begin + 1 : r.begin);
      const end = Math.min(days, r.end < 0 ? days + r.end + 1 : r.end);
      return t.day >= begin && t.day <= end;
    });
    if (!ok) return false;
  }
  if (!inAny(spec.weekdays, t.weekday % 7)) return false;
  if (!inAny(spec.months, t.month)) return false;
  return inAny(spec.years, t.year);
}

/** intervalContains ORs the specs of a named interval. */
export function intervalContains(specs: TimeIntervalSpec[], at: number): boolean {
  return specs.some((s) => specContains(s, at));
}

/**
 * nextChange finds the first minute boundary after `at` where containment flips (the end of a mute window, the
 * start of an active one), looking ahead at most `horizonMs` (default 8 days); undefined when it never flips.
 * Windows are whole wall-clock minutes, so stepping by minutes misses no flip.
 */
export function nextChange(specs: TimeIntervalSpec[], at: number, horizonMs = 8 * 86_400_000): number | undefined {
  const now = intervalContains(specs, at);
  let t = Math.floor(at / 60_000) * 60_000 + 60_000;
  for (const end = at + horizonMs; t <= end; t += 60_000) {
    if (intervalContains(specs, t) !== now) return t;
  }
  return undefined;
}
