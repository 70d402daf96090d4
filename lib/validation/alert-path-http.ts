import type { Alert } from '#lib/alerting/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import type { AlertPathPort, EscalationView } from './checks/types.ts';

/** createAlertPath reaches alert-router through the OpenFaaS gateway: POST alerts, GET /api/v1/escalations. */
export function createAlertPath(gatewayUrl: string, token: () => string, routerName = 'alert-router'): AlertPathPort {
  const base = `${gatewayUrl.replace(/\/+$/, '')}/function/${routerName}`;
  const request = async (path: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token()}` },
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      throw opsError(
        'GATEWAY_UNAVAILABLE',
        `cannot reach ${routerName} through the gateway: ${(err as Error).message}`,
        [],
        { cause: err, retryable: true },
      );
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500)
      throw opsError('GATEWAY_UNAVAILABLE', `${routerName} answered ${response.status}: ${text.slice(0, 200)}`, [], {
        retryable: true,
      });
    if (response.status >= 400)
      throw opsError(
        'UPSTREAM_REJECTED',
        `${routerName} rejected ${init.method ?? 'GET'} ${path} with ${response.status}: ${text.slice(0, 200)}`,
      );
    return text.trim() === '' ? undefined : JSON.parse(text);
  };
  return {
    async send(alerts: Alert[], signal?: AbortSignal) {
      await request(
        '',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) },
        signal,
      );
    },
    async escalations(signal?: AbortSignal) {
      const list = await request('/api/v1/escalations', { method: 'GET' }, signal);
      return Array.isArray(list) ? (list as EscalationView[]) : [];
    },
  };
}
