// Hashing and checksum files, with no S3, alerting or validation behind them: `cmp-ops verify` loads only this folder.
export { hashStream, hashFile, ALGORITHMS, type Algorithm, type HashResult, type HashOptions } from './hash-engine.ts';
export { Crc32, Crc32c, PosixCksum } from './crc.ts';
export {
  ChecksumFileReader,
  readChecksumStream,
  readChecksumText,
  hintFromName,
  type ChecksumEntry,
} from './checksum-file.ts';
export {
  checkEntries,
  statusLine,
  warningLines,
  type CheckResult,
  type CheckSummary,
  type FileOpener,
} from './check-manifest.ts';
