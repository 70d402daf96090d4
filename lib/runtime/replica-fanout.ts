import { resolve4 } from 'node:dns/promises';
import { isIP } from 'node:net';
import { opsError } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Alert, AlertSink } from '#lib/alerting/alert.ts';

/** Resolver lists the IPv4 addresses of a name (every ready pod behind a headless Service). */
export type Resolver = (host: string) => Promise<string[]>;

/**
 * parsePeers reads ALERT_ROUTER_PEERS: a comma-separated list of base URLs (`http://alert-router-peers.openfaas-fn.
 * svc.cluster.local:8080`); a name stands for every address it resolves to. Throws CONFIG_INVALID on a bad entry.
 */
export function parsePeers(value: string): URL[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text, i) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw opsError('CONFIG_INVALID', `ALERT_ROUTER_PEERS entry ${i + 1} is not a URL: ${text}`, [
          { field: 'ALERT_ROUTER_PEERS', reason: `entry ${i + 1} is not a URL` },
        ]);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw opsError('CONFIG_INVALID', `ALERT_ROUTER_PEERS entry ${i + 1} is not http(s): ${text}`, [
          { field: 'ALERT_ROUTER_PEERS', reason: `entry ${i + 1} is not http(s)` },
        ]);
      return url;
    });
}

/**
 * createReplicaFanoutSink sends every batch of alerts to every alert-router replica at once, as Prometheus sends to
 * each Alertmanager of an HA pair: the gateway would hand a call to one replica only. The replicas are the addresses
 * of `peers` (a headless Service's name resolves to each ready pod; an IP is one replica), each posted `POST /` with
 * the bearer token. The batch is delivered when one replica took it (the pair's notification log makes the
 * notification once); when none did, the error is retryable (GATEWAY_UNAVAILABLE) unless every replica refused the
 * batch (UPSTREAM_REJECTED). When the name resolves to nothing, the batch goes through `fallback` (the gateway).
 */
export function createReplicaFanoutSink(options: {
  peers: URL[];
  token: () => string;
  fallback: AlertSink;
  resolve?: Resolver;
  timeoutMs?: number;
  log?: Logger;
}): AlertSink {
  const resolve = options.resolve ?? resolve4;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const targets = async (): Promise<string[]> => {
    const lists = await Promise.all(
      options.peers.map(async (peer) => {
        const host = peer.hostname.replace(/^\[|\]$/g, '');
        const base = `${peer.protocol}//`;
        const rest = `${peer.port ? `:${peer.port}` : ''}${peer.pathname.replace(/\/+$/, '')}/`;
        if (isIP(host)) return [`${base}${peer.hostname}${rest}`];
        const addresses = await resolve(host).catch((err: unknown) => {
          options.log?.warn({ host, err }, 'alert-router peers did not resolve');
          return [] as string[];
        });
        return addresses.map((a) => `${base}${a}${rest}`);
      }),
    );
    return [...new Set(lists.flat())];
  };
  return {
    async send(alerts: Alert[], signal?: AbortSignal) {
      if (alerts.length === 0) return;
      const urls = await targets();
      if (urls.length === 0) return options.fallback.send(alerts, signal);
      const body = JSON.stringify(alerts);
      const results = await Promise.all(
        urls.map(async (url) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token()}` },
              body,
              signal: signal
                ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
                : AbortSignal.timeout(timeoutMs),
            });
            const text = await response.text();
            return { url, status: response.status, text };
          } catch (err) {
            return { url, status: 0, text: (err as Error).message };
          }
        }),
      );
      const failed = results.filter((r) => r.status < 200 || r.status >= 300);
      if (failed.length < results.length) {
        if (failed.length > 0)
          options.log?.warn(
            { failed: failed.map((f) => `${f.url} ${f.status || f.text}`) },
            'alerts reached only part of the alert-router replicas',
          );
        return;
      }
      const summary = results.map((r) => `${r.url}: ${r.status || 'unreachable'} ${r.text.slice(0, 200)}`).join('; ');
      if (results.every((r) => r.status >= 400 && r.status < 500 && r.status !== 429))
        throw opsError('UPSTREAM_REJECTED', `every alert-router replica rejected the alerts: ${summary}`);
      throw opsError('GATEWAY_UNAVAILABLE', `no alert-router replica took the alerts: ${summary}`, [], {
        retryable: true,
      });
    },
  };
}
