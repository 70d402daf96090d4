import type { DateTime } from 'luxon';
import { LocalTimes } from '#lib/time/index.ts';

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

const converters = new Map<string, LocalTimes>();

/**
 * ctimeToIso reads `Mon Nov 23 22:08:27 2026` (ctime style, day space-padded) as local time in `zone` and returns
 * ISO UTC, or null for a date that does not exist (Feb 30, 25:00) or a time skipped by a daylight-saving change.
 */
export function ctimeToIso(month: string, day: string, time: string, year: string, zone: string): string | null {
  const m = MONTHS[month];
  if (!m || time.length !== 8) return null;
  let converter = converters.get(zone);
  if (!converter) converters.set(zone, (converter = new LocalTimes(zone)));
  return converter.toIso(
    Number(year),
    m,
    Number(day),
    Number(time.slice(0, 2)),
    Number(time.slice(3, 5)),
    Number(time.slice(6, 8)),
  );
}

/**
 * YearInference supplies the year syslog lines leave out. It starts from the year of the file's time (a month
 * after the file's own month belongs to the year before), then moves forward at New Year (Dec → Jan), never back.
 */
export class YearInference {
  private year: number;
  private lastMonth = 0;

  constructor(private readonly fileTime: DateTime) {
    this.year = fileTime.year;
  }

  /** yearFor returns the year of a line dated `month` (1-12). */
  yearFor(month: number): number {
    if (this.lastMonth === 0) {
      if (month > this.fileTime.month) this.year--;
    } else if (month < this.lastMonth - 6) {
      this.year++;
    }
    this.lastMonth = month;
    return this.year;
  }
}

/** monthNumber maps `Nov` to 11 (0 when unknown). */
export function monthNumber(name: string): number {
  return MONTHS[name] ?? 0;
}

/** syslogTimeToIso reads a syslog date without a year (`Jun  9 07:30:58`), the year supplied by `years`. */
export function syslogTimeToIso(
  month: string,
  day: string,
  time: string,
  years: YearInference,
  zone: string,
): string | null {
  const m = monthNumber(month);
  return m ? ctimeToIso(month, day, time, String(years.yearFor(m)), zone) : null;
}

/** isoLocalToIso reads `2026-11-23 22:23:15` (or with `T`) as local time in `zone`; null when it does not exist. */
export function isoLocalToIso(date: string, time: string, zone: string): string | null {
  const month = MONTH_LIST[Number(date.slice(5, 7))];
  return month ? ctimeToIso(month, date.slice(8, 10), time.slice(0, 8), date.slice(0, 4), zone) : null;
}

const MONTH_LIST = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
