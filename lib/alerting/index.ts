export { buildAlert, type Alert, type AlertSink, type Severity } from './alert.ts';
export { fingerprintLabels } from './fingerprint.ts';
export {
  buildWebhookPayload,
  toWebhookAlert,
  alertStatus,
  ZERO_TIME,
  type WebhookAlert,
  type WebhookPayload,
} from './webhook-payload.ts';
export { normalizeAlerts } from './ingest.ts';
