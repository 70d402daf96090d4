import { stringify } from 'yaml';
import { opsError } from '#lib/runtime/errors.ts';
import { readConfigFileSync, readConfigText, type ObjectStore } from '#lib/storage/index.ts';
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
 * object's etag changes; at most 4 MiB, a larger file is ROUTING_INVALID) or the built-in routing; `notificationsFile` adds a file integration to every receiver
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
  const spec = options.routingConfig;
  if (spec.startsWith('file:')) {
    // A mounted file is read once, at start: a bad one refuses to start, with its line.
    const path = spec.slice('file:'.length);
    const routing = withNotificationsFile(loadAlertmanagerConfig(readConfigFileSync(path, 'ROUTING_INVALID'), path));
    return async () => routing;
  }
  const read = (knownEtag?: string) =>
    readConfigText(spec, {
      stateBucket: options.stateBucket,
      invalidCode: 'ROUTING_INVALID',
      ...(options.store ? { store: options.store } : {}),
      ...(knownEtag !== undefined ? { knownEtag } : {}),
    });
  const missing = () => opsError('CONFIG_INVALID', `routing configuration ${spec} does not exist`);
  // A state object is read again whenever its etag changes (one stat per call otherwise).
  let cached: { etag?: string; routing: Routing } | undefined;
  return async () => {
    const text = await read(cached?.etag);
    if (!text) throw missing();
    if ('unchanged' in text) return cached!.routing;
    const routing = withNotificationsFile(loadAlertmanagerConfig(text.text, spec.slice(spec.indexOf(':') + 1)));
    cached = { ...(text.etag !== undefined ? { etag: text.etag } : {}), routing };
    return routing;
  };
}
