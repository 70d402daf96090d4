export { verifyArrival, VERDICT_TAG, type VerdictRecord, type VerdictStatus, type ArrivalDeps } from './arrival.ts';
// The type of a digest name, for the callers of verifyArrival; hashing itself is in lib/checksum.
export type { Algorithm } from '#lib/checksum/index.ts';
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
