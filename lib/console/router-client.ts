import { opsError } from '#lib/runtime/errors.ts';
import { createHash } from 'node:crypto';
import type { RouterAlert, RouterEscalation, RouterGroup, RouterSilence } from './sources.ts';

/** RouterClient is the part of alert-router's existing HTTP API the console uses, through the gateway. */
export interface RouterClient {
  /**
   * groups is `GET /api/v2/alerts/groups`: the answer's SHA-256, hashed as it arrives (an unchanged answer is told
   * without decoding it), and its parse, done only when asked.
   */
  groups(signal?: AbortSignal): Promise<{ hash: string; parse(): RouterGroup[] }>;
  /** alerts is `GET /api/v2/alerts`, resolved ones included, narrowed by Alertmanager matchers when given. */
  alerts(signal?: AbortSignal, filter?: string[]): Promise<RouterAlert[]>;
  silences(signal?: AbortSignal): Promise<RouterSilence[]>;
  escalations(signal?: AbortSignal): Promise<RouterEscalation[]>;
  acknowledge(
    groupKey: string,
    by: string,
    note: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ acknowledged: string; by: string }>;
  createSilence(
    silence: {
      matchers: RouterSilence['matchers'];
      startsAt: string;
      endsAt: string;
      createdBy: string;
      comment: string;
    },
    signal?: AbortSignal,
  ): Promise<{ silenceID: string }>;
  expireSilence(id: string, signal?: AbortSignal): Promise<void>;
}

/**
 * createRouterClient calls `<gateway>/function/alert-router/…` with the invoke token. Unreachable, 429 and 5xx are
 * GATEWAY_UNAVAILABLE (retryable); a 4xx keeps alert-router's own message (UPSTREAM_REJECTED) so the operator reads
 * why, e.g. "no escalation for group …".
 */
export function createRouterClient(
  gatewayUrl: string,
  token: () => string,
  routerName = 'alert-router',
  timeoutMs = 10_000,
): RouterClient {
  const base = `${gatewayUrl.replace(/\/+$/, '')}/function/${routerName}`;
  const send = async (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token()}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw opsError('GATEWAY_UNAVAILABLE', `cannot reach ${routerName}: ${(err as Error).message}`, [], {
        cause: err,
        retryable: true,
      });
    }
    if (res.status < 400) return res;
    const text = await res.text();
    if (res.status === 429 || res.status >= 500)
      throw opsError('GATEWAY_UNAVAILABLE', `${routerName} answered ${res.status}: ${text.slice(0, 300)}`, [], {
        retryable: true,
      });
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as {
        error?: { message?: string; details?: Array<{ field?: string; reason: string }> };
      };
      if (parsed.error?.message)
        message = [
          parsed.error.message,
          ...(parsed.error.details ?? []).map((d) => `${d.field ?? ''} ${d.reason}`.trim()),
        ].join('; ');
    } catch {
      // not our error body: keep the text
    }
    throw opsError('UPSTREAM_REJECTED', `${routerName}: ${message}`);
  };
  const call = async <T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> => {
    const text = await (await send(method, path, body, signal)).text();
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    groups: async (signal) => {
      const res = await send('GET', '/api/v2/alerts/groups', undefined, signal);
      const hash = createHash('sha256');
      const chunks: Uint8Array[] = [];
      for await (const chunk of res.body ?? []) {
        hash.update(chunk);
        chunks.push(chunk);
      }
      return {
        hash: hash.digest('base64'),
        parse: () => JSON.parse(Buffer.concat(chunks).toString('utf8')) as RouterGroup[],
      };
    },
    alerts: (signal, filter = []) => {
      const query = new URLSearchParams(filter.map((f): [string, string] => ['filter', f])).toString();
      return call('GET', `/api/v2/alerts${query ? `?${query}` : ''}`, undefined, signal);
    },
    silences: (signal) => call('GET', '/api/v2/silences', undefined, signal),
    escalations: (signal) => call('GET', '/api/v1/escalations', undefined, signal),
    acknowledge: (groupKey, by, note, signal) =>
      call('POST', '/api/v1/ack', { groupKey, by, ...(note ? { note } : {}) }, signal),
    createSilence: (silence, signal) => call('POST', '/api/v2/silences', silence, signal),
    expireSilence: async (id, signal) => {
      await call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`, undefined, signal);
    },
  };
}
