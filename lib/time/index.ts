export { isoFromEpochSeconds, LocalTimes, TWO_DIGITS } from './iso.ts';
