import type { DateTime } from 'luxon';

/** DailyWindow is a daily local-time window, e.g. 22:00–06:00 Europe/Paris; an end before the start wraps past midnight. */
export interface DailyWindow {
  start: string;
  end: string;
  zone: string;
}

const HH_MM = '^([01]\\d|2[0-3]):[0-5]\\d$';

/** DAILY_WINDOW_SCHEMA is the one JSON schema of a DailyWindow in configuration (upload windows, backup windows). */
export const DAILY_WINDOW_SCHEMA = {
  type: 'object',
  required: ['start', 'end', 'zone'],
  additionalProperties: false,
  properties: {
    start: { type: 'string', pattern: HH_MM },
    end: { type: 'string', pattern: HH_MM },
    zone: { type: 'string', minLength: 1 },
  },
} as const;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** insideDailyWindow tells whether an instant falls in the window, judged on the local clock of the window's zone (DST-safe). */
export function insideDailyWindow(time: DateTime, window: DailyWindow): boolean {
  const local = time.setZone(window.zone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}
