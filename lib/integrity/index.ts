export { verifyArrival, verdictKey, parseGnuChecksumLine, expectedFromSidecar, sha256OfObject, VERDICT_TAG, type VerdictRecord, type VerdictStatus, type ArrivalDeps } from './arrival.ts';
