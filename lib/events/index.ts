export {
  parseObjectEvents,
  decideEvent,
  decodeEventKey,
  eventIdentity,
  keyDialectOf,
  CREATION_EVENTS,
  type KeyDialect,
  type ObjectEvent,
  type EventDecision,
} from './s3-event.ts';
export { minioWebhookBody, goQueryEscape } from './minio-event.ts';
