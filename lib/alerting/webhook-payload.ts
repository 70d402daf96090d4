import type { Alert } from './alert.ts';
import { labelSetString } from './config/routes.ts';
import { fingerprintLabels } from './fingerprint.ts';

/** WebhookAlert is one alert inside Alertmanager's webhook payload. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** WebhookPayload is Alertmanager's webhook body, version "4" (prometheus/alertmanager notify/webhook). */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** ZERO_TIME is what Alertmanager prints for a firing alert that has no end time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** alertStatus tells whether an alert is resolved at `now` (its endsAt has passed). */
export function alertStatus(alert: Alert, now: Date): 'firing' | 'resolved' {
  return alert.endsAt !== undefined && alert.endsAt !== ZERO_TIME && Date.parse(alert.endsAt) <= now.getTime()
    ? 'resolved'
    : 'firing';
}

/** toWebhookAlert renders one alert as Alertmanager puts it in a notification. */
export function toWebhookAlert(alert: Alert, now: Date): WebhookAlert {
  const status = alertStatus(alert, now);
  return {
    status,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: alert.startsAt ?? now.toISOString(),
    endsAt: status === 'resolved' ? (alert.endsAt as string) : ZERO_TIME,
    generatorURL: alert.generatorURL ?? '',
    fingerprint: fingerprintLabels(alert.labels),
  };
}

function common(maps: Array<Record<string, string>>): Record<string, string> {
  if (maps.length === 0) return {};
  const [first, ...rest] = maps;
  return Object.fromEntries(Object.entries(first!).filter(([name, value]) => rest.every((m) => m[name] === value)));
}

/** buildWebhookPayload assembles the version-4 body for one group of alerts sent to one receiver. */
export function buildWebhookPayload(input: {
  receiver: string;
  groupLabels: Record<string, string>;
  routeKey?: string;
  alerts: WebhookAlert[];
  externalURL: string;
}): WebhookPayload {
  return {
    version: '4',
    groupKey: `${input.routeKey ?? '{}'}:${labelSetString(input.groupLabels)}`,
    truncatedAlerts: 0,
    status: input.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    // Alertmanager quotes the receiver name as a regular expression (regexp.QuoteMeta).
    receiver: input.receiver.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
    groupLabels: input.groupLabels,
    commonLabels: common(input.alerts.map((a) => a.labels)),
    commonAnnotations: common(input.alerts.map((a) => a.annotations)),
    externalURL: input.externalURL,
    alerts: input.alerts,
  };
}
