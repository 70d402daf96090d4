import type { Alert, AlertSink } from '#lib/alerting/alert.ts';
import { opsError } from './errors.ts';
import type { Secret } from './secrets.ts';

/** GatewayClient invokes other functions through the OpenFaaS gateway, with the shared bearer token. */
export interface GatewayClient {
  /** invoke POSTs JSON to /function/<name> (or /async-function/<name>, answered 202) and returns the parsed reply. */
  invoke(
    name: string,
    body: unknown,
    options?: { async?: boolean; signal?: AbortSignal; callId?: string; path?: string; callbackUrl?: string },
  ): Promise<unknown>;
}

/**
 * createGatewayClient talks to `$GATEWAY_URL`. Connection errors, timeouts, 429 and 5xx become GATEWAY_UNAVAILABLE
 * (retryable: the caller answers 503 and its event comes back); other 4xx become UPSTREAM_REJECTED (permanent).
 */
export function createGatewayClient(gatewayUrl: string, token: () => Secret): GatewayClient {
  const base = gatewayUrl.replace(/\/+$/, '');
  return {
    async invoke(name, body, options = {}) {
      const url = `${base}/${options.async ? 'async-function' : 'function'}/${name}${options.path ?? ''}`;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${token().reveal()}`,
      };
      if (options.callId) headers['x-call-id'] = options.callId;
      // the queue-worker POSTs the function's reply to this URL when an async call is done
      if (options.callbackUrl) headers['x-callback-url'] = options.callbackUrl;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (err) {
        throw opsError(
          'GATEWAY_UNAVAILABLE',
          `cannot reach ${name} through the gateway: ${(err as Error).message}`,
          [],
          { cause: err, retryable: true },
        );
      }
      const text = await response.text();
      if (response.status === 429 || response.status >= 500) {
        throw opsError('GATEWAY_UNAVAILABLE', `${name} answered ${response.status}: ${text.slice(0, 300)}`, [], {
          retryable: true,
        });
      }
      if (response.status >= 400)
        throw opsError('UPSTREAM_REJECTED', `${name} rejected the call with ${response.status}: ${text.slice(0, 300)}`);
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    },
  };
}

/** createGatewayAlertSink sends alerts to alert-router synchronously, so a router outage surfaces as a retryable error. */
export function createGatewayAlertSink(gateway: GatewayClient, routerName = 'alert-router'): AlertSink {
  return {
    async send(alerts: Alert[], signal?: AbortSignal) {
      if (alerts.length === 0) return;
      await gateway.invoke(routerName, alerts, signal ? { signal } : {});
    },
  };
}
