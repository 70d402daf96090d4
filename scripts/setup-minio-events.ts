// setup-minio-events: configures MinIO to deliver object events to the cmp-ops functions, from config/triggers.json.
//  1. prints the `mc admin config set … notify_webhook:<ID> endpoint=… auth_token=… queue_dir=…` lines (run them once
//     with an admin alias; the token comes from $CMP_OPS_INVOKE_TOKEN, never from a file);
//  2. with --apply, subscribes each bucket through the S3 API (PutBucketNotificationConfiguration) to the exact event
//     names, never `mc event add --event put`, which also subscribes PutTagging and would loop on our verdict tags.
// With --rgw, the same declaration becomes Ceph RGW's setup instead: one persistent topic per target (CreateTopic,
// push-endpoint = the function behind the gateway, its URL carrying the function's event token, since RGW sends no
// authorization header) and each bucket's notification configuration; printed, and applied with --apply.
// Usage: setup-minio-events [--triggers config/triggers.json] [--gateway URL] [--queue-dir /data/.cmp-ops-events] [--apply]
//        setup-minio-events --rgw [--triggers …] [--gateway URL] [--non-persistent] [--apply]
import { readFileSync } from 'node:fs';
import { NotificationConfig, QueueConfig } from 'minio';
import {
  parseTriggers,
  rgwPushEndpoint,
  rgwTopicName,
  subscriptionsByBucket,
  uniqueTargets,
  webhookTargetCommands,
  arnOf,
} from '#lib/triggers/index.ts';
import { EVENT_TOKEN_PARAM, Secret } from '#lib/runtime/index.ts';
import { applyRgwNotifications } from './rgw/notifications.ts';
import { createMinioClient } from '#lib/storage/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const declaration = parseTriggers(
  JSON.parse(readFileSync(option('triggers', process.env.TRIGGERS_FILE ?? 'config/triggers.json'), 'utf8')),
);
const gatewayUrl = option('gateway', process.env.GATEWAY_URL ?? 'http://gateway.openfaas.svc.cluster.local:8080');
const secretOf = (name: string, env: string) =>
  new Secret(
    process.env[env] ?? readFileSync(`${process.env.SECRETS_DIR ?? '/var/openfaas/secrets'}/${name}`, 'utf8').trim(),
  );
if (args.includes('--rgw')) {
  const persistent = !args.includes('--non-persistent');
  console.log(
    `# Ceph RGW: ${persistent ? 'persistent' : 'non-persistent'} topics pushing to ${gatewayUrl}, one per target`,
  );
  for (const t of uniqueTargets(declaration)) {
    console.log(
      `#   topic ${rgwTopicName(t)} → ${rgwPushEndpoint(t, { gatewayUrl, eventToken: () => '<event token>', persistent, tokenParam: EVENT_TOKEN_PARAM })}`,
    );
    console.log(`#     ${t.bucket}: ${t.events.join(', ')} prefix="${t.prefix}" suffix="${t.suffix}"`);
  }
  if (args.includes('--apply')) {
    const s3 = {
      url: new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000'),
      region: process.env.S3_REGION ?? 'us-east-1',
      accessKey: secretOf('cmp-ops-s3-access-key', 'S3_ACCESS_KEY').reveal(),
      secretKey: secretOf('cmp-ops-s3-secret-key', 'S3_SECRET_KEY').reveal(),
    };
    const arns = await applyRgwNotifications(declaration, {
      s3,
      gatewayUrl,
      invokeToken: secretOf('cmp-ops-invoke-token', 'CMP_OPS_INVOKE_TOKEN'),
      persistent,
    });
    for (const [id, arn] of arns) console.log(`applied ${id}: ${arn}`);
  }
  process.exit(0);
}
console.log('# 1. webhook targets (run once with an admin alias; MinIO restarts to load them)');
for (const line of webhookTargetCommands(declaration, {
  gatewayUrl,
  queueDir: option('queue-dir', '/data/.cmp-ops-events'),
  queueLimit: 100000,
}))
  console.log(line);
console.log('# 2. bucket subscriptions (exact event names)');
for (const [bucket, targets] of subscriptionsByBucket(declaration)) {
  for (const t of targets)
    console.log(
      `#   ${bucket}: ${t.events.join(', ')} prefix="${t.prefix}" suffix="${t.suffix}" → ${arnOf(t)} (${t.function})`,
    );
}
if (args.includes('--apply')) {
  const secrets = secretOf;
  const client = createMinioClient({
    endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKey: secrets('cmp-ops-s3-access-key', 'S3_ACCESS_KEY'),
    secretKey: secrets('cmp-ops-s3-secret-key', 'S3_SECRET_KEY'),
  });
  for (const [bucket, targets] of subscriptionsByBucket(declaration)) {
    const config = new NotificationConfig();
    for (const t of targets) {
      const queue = new QueueConfig(arnOf(t));
      for (const event of t.events) queue.addEvent(event as never);
      if (t.prefix) queue.addFilterPrefix(t.prefix);
      if (t.suffix) queue.addFilterSuffix(t.suffix);
      config.add(queue);
    }
    await client.setBucketNotification(bucket, config);
    console.log(`applied ${targets.length} subscription(s) to bucket ${bucket}`);
  }
}
