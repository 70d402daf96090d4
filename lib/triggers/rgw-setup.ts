import type { TriggerDeclaration, TriggerTarget } from './triggers.ts';

/** RgwTopicSettings are what Ceph RGW needs to push one function's events: the gateway and its URL token. */
export interface RgwTopicSettings {
  gatewayUrl: string;
  /** eventToken gives the per-function token the endpoint URL carries (RGW sends no authorization header). */
  eventToken: (functionName: string) => string;
  /** persistent topics queue events in RADOS and redeliver them after an outage (non-persistent ones drop them). */
  persistent: boolean;
  /** tokenParam is the query parameter name (lib/runtime EVENT_TOKEN_PARAM). */
  tokenParam: string;
}

/** rgwTopicName is the SNS-style topic RGW pushes one target's events through: `cmp-ops-<id in lower case>`. */
export function rgwTopicName(target: TriggerTarget): string {
  return `cmp-ops-${target.id.toLowerCase()}`;
}

/** rgwPushEndpoint is the URL RGW POSTs to: the function behind the gateway, with its event token in the query. */
export function rgwPushEndpoint(target: TriggerTarget, settings: RgwTopicSettings): string {
  return `${settings.gatewayUrl.replace(/\/+$/, '')}/function/${target.function}?${settings.tokenParam}=${encodeURIComponent(settings.eventToken(target.function))}`;
}

/** rgwCreateTopicForm is the form body of RGW's CreateTopic call for one target (idempotent: the same name updates it). */
export function rgwCreateTopicForm(target: TriggerTarget, settings: RgwTopicSettings): string {
  const attributes: Array<[string, string]> = [
    ['push-endpoint', rgwPushEndpoint(target, settings)],
    ['persistent', String(settings.persistent)],
    ['OpaqueData', `cmp-ops ${target.function}`],
  ];
  const form = new URLSearchParams({ Action: 'CreateTopic', Name: rgwTopicName(target) });
  attributes.forEach(([key, value], i) => {
    form.set(`Attributes.entry.${i + 1}.key`, key);
    form.set(`Attributes.entry.${i + 1}.value`, value);
  });
  return form.toString();
}

const xml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * rgwNotificationXml is one bucket's PutBucketNotificationConfiguration body: a TopicConfiguration per target with
 * its exact event names and prefix/suffix filter. `topicArn` maps a target to the ARN CreateTopic answered.
 */
export function rgwNotificationXml(targets: TriggerTarget[], topicArn: (target: TriggerTarget) => string): string {
  const configs = targets.map((t) => {
    const rules = [t.prefix ? ['prefix', t.prefix] : undefined, t.suffix ? ['suffix', t.suffix] : undefined].filter(
      (r): r is string[] => r !== undefined,
    );
    const filter = rules.length
      ? `<Filter><S3Key>${rules.map(([n, v]) => `<FilterRule><Name>${n}</Name><Value>${xml(v!)}</Value></FilterRule>`).join('')}</S3Key></Filter>`
      : '';
    return `<TopicConfiguration><Id>${rgwTopicName(t)}</Id><Topic>${xml(topicArn(t))}</Topic>${t.events.map((e) => `<Event>${e}</Event>`).join('')}${filter}</TopicConfiguration>`;
  });
  return `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${configs.join('')}</NotificationConfiguration>`;
}

/** uniqueTargets lists each target id once (one topic per id). */
export function uniqueTargets(declaration: TriggerDeclaration): TriggerTarget[] {
  const seen = new Set<string>();
  return declaration.targets.filter((t) => !seen.has(t.id) && seen.add(t.id));
}
