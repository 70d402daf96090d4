import type { TriggerDeclaration, TriggerTarget } from './triggers.ts';

/** WebhookTargetSettings are what MinIO needs to know about a target: where, with which token, with a retry queue. */
export interface WebhookTargetSettings {
  gatewayUrl: string;
  queueDir: string;
  queueLimit: number;
}

/** arnOf is the ARN MinIO gives a webhook target with this id (`arn:minio:sqs::<ID>:webhook`). */
export function arnOf(target: TriggerTarget): string {
  return `arn:minio:sqs::${target.id}:webhook`;
}

/**
 * webhookTargetCommands renders the `mc admin config set` lines that create one webhook target per function, with
 * the bearer token (auth_token) and queue_dir, so MinIO retries a failed delivery every 3 s instead of dropping it.
 * The token is a shell variable reference: its value never lands in a file.
 */
export function webhookTargetCommands(
  declaration: TriggerDeclaration,
  settings: WebhookTargetSettings,
  alias = '$MINIO_ALIAS',
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const target of declaration.targets) {
    if (seen.has(target.id)) continue;
    seen.add(target.id);
    const endpoint = `${settings.gatewayUrl.replace(/\/+$/, '')}/function/${target.function}`;
    lines.push(
      `mc admin config set ${alias} notify_webhook:${target.id} endpoint="${endpoint}" auth_token="$CMP_OPS_INVOKE_TOKEN" queue_dir="${settings.queueDir}/${target.id}" queue_limit="${settings.queueLimit}" comment="cmp-ops ${target.function}"`,
    );
  }
  lines.push(`mc admin service restart ${alias}`);
  return lines;
}

/** BucketSubscriptions groups the targets per bucket: PutBucketNotificationConfiguration replaces a bucket's whole set. */
export function subscriptionsByBucket(declaration: TriggerDeclaration): Map<string, TriggerTarget[]> {
  const byBucket = new Map<string, TriggerTarget[]>();
  for (const target of declaration.targets)
    byBucket.set(target.bucket, [...(byBucket.get(target.bucket) ?? []), target]);
  return byBucket;
}
