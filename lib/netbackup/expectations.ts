import { DateTime } from 'luxon';
import { insideDailyWindow, type DailyWindow } from '#lib/time/index.ts';

/** BackupWindow is the daily local-time window a backup must run in. */
export type BackupWindow = DailyWindow;

/** Expectation says how often a policy/client pair must succeed, optionally inside a window. */
export interface Expectation {
  name: string;
  policy: string;
  client: string;
  everyHours: number;
  window?: BackupWindow;
}

/**
 * isMissed decides BackupMissed: no qualifying success (inside the window, when there is one) within `everyHours`,
 * and the window, if any, is not still open (a backup may yet run in it). `since` is when the pair was first seen,
 * so a pair that never succeeded is missed once it has been known for longer than the period.
 */
export function isMissed(expectation: Expectation, successes: string[], since: string, now: DateTime): boolean {
  const limit = now.minus({ hours: expectation.everyHours });
  const qualifying = successes
    .map((s) => DateTime.fromISO(s, { zone: 'utc' }))
    .filter((t) => !expectation.window || insideDailyWindow(t, expectation.window));
  const last = qualifying.reduce<DateTime | null>((a, t) => (a === null || t > a ? t : a), null);
  const reference = last ?? DateTime.fromISO(since, { zone: 'utc' });
  if (reference >= limit) return false;
  return !(expectation.window && insideDailyWindow(now, expectation.window));
}
