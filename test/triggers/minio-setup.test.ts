import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arnOf, parseTriggers, subscriptionsByBucket, webhookTargetCommands } from '#lib/triggers/index.ts';

const test = suite('triggers/minio-setup');
const declaration = parseTriggers(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config', 'triggers.json'), 'utf8')),
);

test('webhook targets :: one per function, with auth_token from the environment and a queue_dir, then a restart', () => {
  const lines = webhookTargetCommands(declaration, { gatewayUrl: 'http://gw:8080/', queueDir: '/q', queueLimit: 10 });
  assert.is(lines.length, declaration.targets.length + 1);
  assert.match(
    lines[0]!,
    /^mc admin config set \$MINIO_ALIAS notify_webhook:CHECKSUMVERIFY endpoint="http:\/\/gw:8080\/function\/checksum-verify" auth_token="\$CMP_OPS_INVOKE_TOKEN" queue_dir="\/q\/CHECKSUMVERIFY"/,
  );
  assert.is(lines.at(-1), 'mc admin service restart $MINIO_ALIAS');
});

test('subscriptions :: grouped per bucket (the S3 call replaces a bucket’s whole set), ARNs as MinIO names them', () => {
  const byBucket = subscriptionsByBucket(declaration);
  assert.equal([...byBucket.keys()].sort(), ['inbox', 'reports']);
  assert.equal(
    byBucket
      .get('reports')!
      .map((t) => t.function)
      .sort(),
    ['ftp-audit', 'netbackup-status'],
  );
  assert.is(arnOf(byBucket.get('inbox')![0]!), 'arn:minio:sqs::CHECKSUMVERIFY:webhook');
});

test.run();
