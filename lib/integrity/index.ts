export { verifyArrival, verdictKey, parseGnuChecksumLine, sha256OfObject, VERDICT_TAG, type VerdictRecord, type VerdictStatus, type ArrivalDeps } from './arrival.ts';
export { hashStream, ALGORITHMS, type Algorithm, type HashResult } from './hash-engine.ts';
export { Crc32, Crc32c, PosixCksum } from './crc.ts';
export { ChecksumFileReader, readChecksumText, hintFromName, type ChecksumEntry } from './checksum-file.ts';
export { checkEntries, statusLine, warningLines, type CheckResult, type CheckSummary, type FileOpener } from './check-manifest.ts';
export { findExpected, pickEntry, isSafeManifestName, SIDECAR_SUFFIXES, MANIFEST_NAMES, type Expected, type CallerExpected } from './expected-source.ts';
export type { ArrivalResult } from './arrival.ts';
export { checkDeadlines, type DeadlineReport } from './deadlines.ts';
export { manifestKey, missingAlert, type ManifestRecord } from './arrival.ts';
