import type { StateStore } from '#lib/storage/index.ts';
import { isOpsError, opsError } from '#lib/runtime/errors.ts';
import type { Alert } from './alert.ts';
import type { Notifier } from './notifiers.ts';
import { buildWebhookPayload, toWebhookAlert, type WebhookAlert } from './webhook-payload.ts';

/** DispatchResult counts what one batch did. */
export interface DispatchResult {
  received: number;
  notified: number;
  duplicates: number;
  fingerprints: string[];
}

/** nflogKey is the notification-log key of one alert episode in one state: a second identical delivery finds it. */
export function nflogKey(alert: WebhookAlert): string {
  return `alerting/nflog/${alert.fingerprint}/${alert.startsAt.replace(/[^0-9TZ]/g, '')}/${alert.status}`;
}

/**
 * dispatchAlerts notifies every receiver once per alert episode and state: a firing alert sent twice notifies once,
 * its resolution notifies once and only if the firing was notified. The log entry is written before delivery and
 * removed when delivery fails, so a failure answers 503 and the retry delivers.
 */
export async function dispatchAlerts(alerts: Alert[], deps: { state: StateStore; notifiers: Notifier[]; now: Date; externalURL: string }, signal?: AbortSignal): Promise<DispatchResult> {
  const result: DispatchResult = { received: alerts.length, notified: 0, duplicates: 0, fingerprints: [] };
  const fresh: WebhookAlert[] = [];
  const logged: string[] = [];
  for (const alert of alerts) {
    const rendered = toWebhookAlert(alert, deps.now);
    result.fingerprints.push(rendered.fingerprint);
    if (rendered.status === 'resolved' && !(await deps.state.read(nflogKey({ ...rendered, status: 'firing' })))) {
      result.duplicates++;
      continue;
    }
    const key = nflogKey(rendered);
    if ((await deps.state.create(key, { at: deps.now.toISOString(), labels: rendered.labels })) === 'exists') {
      result.duplicates++;
      continue;
    }
    logged.push(key);
    fresh.push(rendered);
  }
  if (fresh.length === 0) return result;
  try {
    for (const notifier of deps.notifiers) {
      const payload = buildWebhookPayload({ receiver: notifier.receiver, groupLabels: {}, alerts: fresh, externalURL: deps.externalURL });
      await notifier.deliver(payload, signal);
    }
  } catch (err) {
    await Promise.allSettled(logged.map((key) => deps.state.remove(key)));
    if (isOpsError(err)) throw err;
    throw opsError('RECEIVER_UNAVAILABLE', `delivery failed: ${(err as Error).message}`, [], { cause: err, retryable: true });
  }
  result.notified = fresh.length;
  return result;
}
