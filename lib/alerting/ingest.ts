import { compileValidator } from '#lib/runtime/validate.ts';
import { opsError } from '#lib/runtime/errors.ts';
import type { Alert } from './alert.ts';

const LABEL_NAME = '^[a-zA-Z_][a-zA-Z0-9_]*$';

const alertSchema = {
  type: 'object',
  required: ['labels'],
  properties: {
    labels: {
      type: 'object',
      minProperties: 1,
      maxProperties: 64,
      propertyNames: { pattern: LABEL_NAME },
      additionalProperties: { type: 'string', maxLength: 4096 },
    },
    annotations: { type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 65536 } },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    generatorURL: { type: 'string', maxLength: 4096 },
  },
};

const validateBatch = compileValidator<Array<Partial<Alert>>>(
  { type: 'array', maxItems: 1000, items: alertSchema },
  'alert batch',
);

/**
 * normalizeAlerts validates a POST /api/v2/alerts style batch (a JSON array, or `{alerts:[…]}`) and fills the
 * defaults Alertmanager applies: a missing startsAt is now, a missing endsAt is now + resolveTimeout.
 * A label-less alert or startsAt after endsAt is BAD_REQUEST naming the alert's index.
 */
export function normalizeAlerts(body: unknown, now: Date, resolveTimeoutMs = 5 * 60_000): Alert[] {
  const batch = validateBatch(
    Array.isArray(body) ? body : ((body as { alerts?: unknown } | undefined)?.alerts ?? body),
  );
  // the defaults are the same for the whole batch: formatted once, not once per alert
  const nowMs = now.getTime();
  let nowText: string | undefined;
  let defaultEnd: string | undefined;
  return batch.map((raw, index) => {
    if (!raw.labels?.alertname)
      throw opsError('BAD_REQUEST', `alert ${index} has no alertname label`, [
        { index, field: `/${index}/labels/alertname`, reason: 'is required' },
      ]);
    const startsAt = raw.startsAt ?? (nowText ??= now.toISOString());
    // a forwarded Alertmanager webhook carries endsAt 0001-01-01T00:00:00Z for a firing alert: no end given
    const givenEnd = raw.endsAt && raw.endsAt !== '0001-01-01T00:00:00Z' ? raw.endsAt : undefined;
    const endsAt = givenEnd ?? (defaultEnd ??= new Date(nowMs + resolveTimeoutMs).toISOString());
    if ((raw.startsAt !== undefined || givenEnd !== undefined) && Date.parse(startsAt) > Date.parse(endsAt)) {
      throw opsError('BAD_REQUEST', `alert ${index}: start time must be before end time`, [
        { index, field: `/${index}/endsAt`, reason: 'start time must be before end time' },
      ]);
    }
    const alert: Alert = {
      labels: raw.labels as Alert['labels'],
      annotations: raw.annotations ?? {},
      startsAt,
      endsAt,
    };
    if (raw.generatorURL) alert.generatorURL = raw.generatorURL;
    return alert;
  });
}
