export { parseObjectEvents, decideEvent, decodeEventKey, eventIdentity, CREATION_EVENTS, type ObjectEvent, type EventDecision } from './s3-event.ts';
export { minioWebhookBody, goQueryEscape } from './minio-event.ts';
