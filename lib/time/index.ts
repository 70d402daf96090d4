export { isoFromEpochSeconds, LocalTimes } from './iso.ts';
