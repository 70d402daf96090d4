export { isoFromEpochSeconds, LocalTimes, TWO_DIGITS } from './iso.ts';
export { DAILY_WINDOW_SCHEMA, insideDailyWindow, type DailyWindow } from './daily-window.ts';
