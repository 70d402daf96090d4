// setup-minio-events: configures MinIO to deliver object events to the cmp-ops functions, from config/triggers.json.
//  1. prints the `mc admin config set … notify_webhook:<ID> endpoint=… auth_token=… queue_dir=…` lines (run them once
//     with an admin alias; the token comes from $CMP_OPS_INVOKE_TOKEN, never from a file);
//  2. with --apply, subscribes each bucket through the S3 API (PutBucketNotificationConfiguration) to the exact event
//     names, never `mc event add --event put`, which also subscribes PutTagging and would loop on our verdict tags.
// Usage: setup-minio-events [--triggers config/triggers.json] [--gateway URL] [--queue-dir /data/.cmp-ops-events] [--apply]
import { readFileSync } from 'node:fs';
import { NotificationConfig, QueueConfig } from 'minio';
import { parseTriggers, subscriptionsByBucket, webhookTargetCommands, arnOf } from '#lib/triggers/index.ts';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient } from '#lib/storage/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const declaration = parseTriggers(JSON.parse(readFileSync(option('triggers', process.env.TRIGGERS_FILE ?? 'config/triggers.json'), 'utf8')));
const gatewayUrl = option('gateway', process.env.GATEWAY_URL ?? 'http://gateway.openfaas.svc.cluster.local:8080');
console.log('# 1. webhook targets (run once with an admin alias; MinIO restarts to load them)');
for (const line of webhookTargetCommands(declaration, { gatewayUrl, queueDir: option('queue-dir', '/data/.cmp-ops-events'), queueLimit: 100000 })) console.log(line);
console.log('# 2. bucket subscriptions (exact event names)');
for (const [bucket, targets] of subscriptionsByBucket(declaration)) {
  for (const t of targets) console.log(`#   ${bucket}: ${t.events.join(', ')} prefix="${t.prefix}" suffix="${t.suffix}" → ${arnOf(t)} (${t.function})`);
}
if (args.includes('--apply')) {
  const secrets = (name: string, env: string) => new Secret(process.env[env] ?? readFileSync(`${process.env.SECRETS_DIR ?? '/var/openfaas/secrets'}/${name}`, 'utf8').trim());
  const client = createMinioClient({ endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000', region: process.env.S3_REGION ?? 'us-east-1', accessKey: secrets('cmp-ops-s3-access-key', 'S3_ACCESS_KEY'), secretKey: secrets('cmp-ops-s3-secret-key', 'S3_SECRET_KEY') });
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
