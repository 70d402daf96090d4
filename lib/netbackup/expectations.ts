import { DateTime } from 'luxon';

/** BackupWindow is a daily local-time window, e.g. 22:00–06:00 Europe/Paris (wraps past midnight). */
export interface BackupWindow {
  start: string;
  end: string;
  zone: string;
}

/** Expectation says how often a policy/client pair must succeed, optionally inside a window. */
export interface Expectation {
  name: string;
  policy: string;
  client: string;
  everyHours: number;
  window?: BackupWindow;
}

/** globToRegExp turns `STS_*`/`sts-app??` into an anchored, case-insensitive pattern. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** insideWindow tells whether an instant falls in the window, judged on the local clock of the window's zone (DST-safe). */
export function insideWindow(time: DateTime, window: BackupWindow): boolean {
  const local = time.setZone(window.zone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * isMissed decides BackupMissed: no qualifying success (inside the window, when there is one) within `everyHours`,
 * and the window, if any, is not still open (a backup may yet run in it). `since` is when the pair was first seen,
 * so a pair that never succeeded is missed once it has been known for longer than the period.
 */
export function isMissed(expectation: Expectation, successes: string[], since: string, now: DateTime): boolean {
  const limit = now.minus({ hours: expectation.everyHours });
  const qualifying = successes.map((s) => DateTime.fromISO(s, { zone: 'utc' })).filter((t) => !expectation.window || insideWindow(t, expectation.window));
  const last = qualifying.reduce<DateTime | null>((a, t) => (a === null || t > a ? t : a), null);
  const reference = last ?? DateTime.fromISO(since, { zone: 'utc' });
  if (reference >= limit) return false;
  return !(expectation.window && insideWindow(now, expectation.window));
}
