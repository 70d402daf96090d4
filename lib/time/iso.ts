import { DateTime } from 'luxon';

/** TWO_DIGITS[n] is n as two digits (0-99): the pieces of ISO times. */
export const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const TWO = TWO_DIGITS;

// The date part of the last day formatted: a log's times fall on few days, so the civil date is computed once a day.
let lastDay = NaN;
let lastDayPrefix = '';

/**
 * isoFromEpochSeconds formats epoch seconds as `2026-11-24T22:00:00Z` by arithmetic (H. Hinnant's civil-from-days);
 * Date#toISOString plus trimming was a quarter of a log parse.
 */
export function isoFromEpochSeconds(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  if (days !== lastDay) {
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    lastDay = days;
    lastDayPrefix = `${year}-${TWO[month]}-${TWO[day]}T`;
  }
  return `${lastDayPrefix}${TWO[Math.floor(rest / 3600)]}:${TWO[Math.floor((rest % 3600) / 60)]}:${TWO[rest % 60]}Z`;
}

/**
 * LocalTimes reads wall-clock times of one zone as UTC. The zone's offset is looked up once per local hour (DST
 * moves whole hours) through luxon and cached; a local time that does not exist (Feb 30, or inside a spring-forward
 * gap) is null.
 */
export class LocalTimes {
  private readonly offsets = new Map<number, number | null>();

  constructor(readonly zone: string) {}

  /** toIso returns the UTC ISO time of a local wall-clock time, or null when that time never existed there. */
  toIso(year: number, month: number, day: number, hour: number, minute: number, second: number): string | null {
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    if (new Date(wall).getUTCDate() !== day) return null; // Feb 30 and friends
    const hourKey = Math.floor(wall / 3_600_000);
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      const local = DateTime.fromObject({ year, month, day, hour, minute: 0, second: 0 }, { zone: this.zone });
      // luxon moves a time inside a spring-forward gap to the next valid hour: such a stamp never existed.
      offset = local.isValid && local.hour === hour && local.day === day ? local.offset : null;
      this.offsets.set(hourKey, offset);
    }
    if (offset === null) return null;
    return isoFromEpochSeconds(wall / 1000 - offset * 60);
  }
}
