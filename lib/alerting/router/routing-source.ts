import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { opsError } from '#lib/runtime/errors.ts';
import type { ObjectStore } from '#lib/storage/index.ts';
import { loadAlertmanagerConfig, type AlertmanagerConfig } from '../config/index.ts';
import { loadOnCall, type OnCallConfig } from '../oncall/extension.ts';

/** Routing is the configuration in force: Alertmanager's routing and the on-call section beside it. */
export interface Routing {
  config: AlertmanagerConfig;
  oncall: OnCallConfig;
}

/**
 * compatRouting is the routing used without ROUTING_CONFIG: every alert its own group (`...`), notified at once to
 * the WEBHOOK_RECEIVERS; resolutions follow at the next call. It keeps the local stack immediate.
 */
export function compatRouting(receivers: Array<{ name: string; url: string }>): string {
  return stringify({
    route: { receiver: 'default', group_by: ['...'], group_wait: '0s', group_interval: '1ms', repeat_interval: '4h' },
    receivers: [
      { name: 'default', ...(receivers.length ? { webhook_configs: receivers.map((r) => ({ url: r.url })) } : {}) },
    ],
  });
}

/**
 * routingSource loads the routing from `ROUTING_CONFIG` (`file:<path>` once, `state:<key>` again whenever the
 * object's etag changes) or the built-in routing; `notificationsFile` adds a file integration to every receiver
 * (the local stack's record of every notification).
 */
export function routingSource(options: {
  routingConfig?: string;
  webhookReceivers: Array<{ name: string; url: string }>;
  notificationsFile?: string;
  store?: ObjectStore;
  stateBucket: string;
}): () => Promise<Routing> {
  const withNotificationsFile = (config: AlertmanagerConfig): Routing => {
    if (options.notificationsFile)
      for (const r of config.receivers.values()) r.file = [{ path: options.notificationsFile }];
    return { config, oncall: loadOnCall(config) };
  };
  if (!options.routingConfig) {
    const routing = withNotificationsFile(
      loadAlertmanagerConfig(compatRouting(options.webhookReceivers), 'built-in routing'),
    );
    return async () => routing;
  }
  const [scheme, ...rest] = options.routingConfig.split(':');
  const where = rest.join(':');
  if (scheme === 'file') {
    const routing = withNotificationsFile(loadAlertmanagerConfig(readFileSync(where, 'utf8'), where));
    return async () => routing;
  }
  let cached: { etag: string; routing: Routing } | undefined;
  return async () => {
    const store = options.store;
    if (!store) throw opsError('CONFIG_INVALID', 'ROUTING_CONFIG=state:… needs the object store');
    const info = await store.stat(options.stateBucket, where);
    if (!info)
      throw opsError('CONFIG_INVALID', `routing configuration s3://${options.stateBucket}/${where} does not exist`);
    if (cached?.etag === info.etag) return cached.routing;
    const chunks: Buffer[] = [];
    for await (const chunk of await store.getStream(options.stateBucket, where))
      chunks.push(Buffer.from(chunk as Uint8Array));
    cached = {
      etag: info.etag,
      routing: withNotificationsFile(loadAlertmanagerConfig(Buffer.concat(chunks).toString('utf8'), where)),
    };
    return cached.routing;
  };
}
