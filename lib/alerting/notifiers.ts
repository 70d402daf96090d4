import { appendFile } from 'node:fs/promises';
import { opsError } from '#lib/runtime/errors.ts';
import type { WebhookPayload } from './webhook-payload.ts';

/** Notifier delivers one notification; it throws RECEIVER_UNAVAILABLE (retryable) or RECEIVER_REJECTED (permanent). */
export interface Notifier {
  readonly receiver: string;
  deliver(payload: WebhookPayload, signal?: AbortSignal): Promise<void>;
}

/** createWebhookNotifier POSTs the Alertmanager v4 payload to a URL, as Alertmanager's webhook integration does. */
export function createWebhookNotifier(receiver: string, url: string, options: { timeoutMs?: number; userAgent?: string } = {}): Notifier {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw opsError('CONFIG_INVALID', `receiver ${receiver}: URL ${url} is not http(s)`);
  return {
    receiver,
    async deliver(payload, signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'cmp-ops-alert-router/0.1' },
          body: JSON.stringify(payload),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        await response.arrayBuffer();
      } catch (err) {
        throw opsError('RECEIVER_UNAVAILABLE', `receiver ${receiver}: ${(err as Error).message}`, [], { cause: err, retryable: true });
      }
      if (response.status === 429 || response.status >= 500) throw opsError('RECEIVER_UNAVAILABLE', `receiver ${receiver} answered ${response.status}`, [], { retryable: true });
      if (response.status >= 300) throw opsError('RECEIVER_REJECTED', `receiver ${receiver} answered ${response.status}`);
    },
  };
}

/** createFileNotifier appends each payload as one JSON line (the local stack's `.data/notifications.jsonl`). */
export function createFileNotifier(receiver: string, path: string): Notifier {
  return {
    receiver,
    async deliver(payload) {
      await appendFile(path, `${JSON.stringify(payload)}\n`);
    },
  };
}
