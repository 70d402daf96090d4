export type { ObjectInfo, ObjectStore, ObjectStream, ObjectSummary, PutOptions } from './object-store.ts';
export { createMinioClient, createMinioStore, type S3Connection } from './minio-store.ts';
export {
  readConfigText,
  readConfigFileSync,
  CONFIG_TEXT_LIMIT,
  type ConfigText,
  type ConfigTextOptions,
} from './config-text.ts';
export {
  verdictKey,
  verdictPrefix,
  manifestKey,
  manifestPrefix,
  ftpServerStateKey,
  ftpServerStatePrefix,
  ftpServerOfStateKey,
  ftpCursorKey,
  netbackupStateKey,
  netbackupWatermarkKey,
} from './state-keys.ts';
export { createStateStore, type StateRecord, type StateStore } from './state-store.ts';
export { mapS3Error } from './s3-errors.ts';
export { BodyBuilder, isPreparedBody, type PreparedBody } from './prepared-body.ts';
export { probeConditionalWrites, type ConditionalWriteSupport } from './conditional-writes.ts';
export { signRequest, type SignTarget } from './sigv4.ts';
export { getObjectSigned, type GetOptions } from './s3-get.ts';
export { readObjectBlocks } from './s3-blocks.ts';
export { checkObjectKey, guardObjectKeys, objectKeyProblem } from './object-key.ts';
