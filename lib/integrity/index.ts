export { verifyArrival, VERDICT_TAG, type VerdictRecord, type VerdictStatus, type ArrivalDeps } from './arrival.ts';
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
export {
  findExpected,
  etagMd5,
  etagTrusted,
  pickEntry,
  isSafeManifestName,
  SIDECAR_SUFFIXES,
  MANIFEST_NAMES,
  type Expected,
  type CallerExpected,
} from './expected-source.ts';
export type { ArrivalResult } from './arrival.ts';
export { checkDeadlines, type DeadlineReport } from './deadlines.ts';
export { missingAlert, type ManifestRecord } from './arrival.ts';
export {
  runSweep,
  type SweepSettings,
  type SweepTarget,
  type SweepReport,
  type SweepState,
  type DriftKind,
} from './sweep.ts';
export { subsystemResolver } from './subsystems.ts';
export { examineObject, examineBatch, type SweepItem, type Drift } from './examine.ts';
export { recordFanoutResult, type FanoutSettings, type FanoutRequest, type FanoutResult } from './sweep-fanout.ts';
export {
  checksumVerifyConfigSchema,
  validateDirectTargets,
  validateSweepBatch,
  verifyEventRecords,
  callerExpected,
  type ChecksumVerifyConfig,
  type DirectTarget,
  type IgnoredEvent,
} from './verify-requests.ts';
export { integritySweepConfigSchema, type IntegritySweepConfig } from './sweep-config.ts';
