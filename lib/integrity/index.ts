export { verifyArrival, verdictKey, parseGnuChecksumLine, expectedFromSidecar, sha256OfObject, VERDICT_TAG, SIDECAR_SUFFIXES, type VerdictRecord, type VerdictStatus, type ArrivalDeps } from './arrival.ts';
export { hashStream, ALGORITHMS, type Algorithm, type HashResult } from './hash-engine.ts';
export { Crc32, Crc32c, PosixCksum } from './crc.ts';
export { ChecksumFileReader, readChecksumText, hintFromName, type ChecksumEntry } from './checksum-file.ts';
export { checkEntries, statusLine, warningLines, type CheckResult, type CheckSummary, type FileOpener } from './check-manifest.ts';
