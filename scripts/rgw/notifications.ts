// applyRgwNotifications: the production setup of Ceph RGW's object events, from config/triggers.json — a topic per
// target (CreateTopic, SNS-style, signed like S3) pushing to the function through the gateway, then each bucket's
// notification configuration. Used by scripts/setup-minio-events.ts --rgw, by `S3_BACKEND=rgw npm start` and the tests.
import { createHash } from 'node:crypto';
import { eventTokenFor, EVENT_TOKEN_PARAM, type Secret } from '#lib/runtime/index.ts';
import { signRequest, type SignTarget } from '#lib/storage/index.ts';
import {
  rgwCreateTopicForm,
  rgwNotificationXml,
  rgwTopicName,
  subscriptionsByBucket,
  uniqueTargets,
  type TriggerDeclaration,
  type TriggerTarget,
} from '#lib/triggers/index.ts';

/** RgwNotificationSetup says where RGW is, as whom to call it, where the gateway is and which invoke token to derive from. */
export interface RgwNotificationSetup {
  s3: SignTarget;
  gatewayUrl: string;
  invokeToken: Secret;
  persistent: boolean;
}

async function call(
  target: SignTarget,
  method: string,
  path: string,
  body: string,
  contentType: string,
): Promise<string> {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const headers = signRequest(target, {
    method,
    path,
    headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) },
    sha256,
  });
  const response = await fetch(new URL(path, target.url), { method, headers, body });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `RGW ${method} ${path.split('?')[0]} → ${response.status}: ${/<Code>([^<]*)</.exec(text)?.[1] ?? text.slice(0, 200)}`,
    );
  return text;
}

/** applyRgwNotifications creates (or updates) the topics and replaces each declared bucket's notification set; it returns the topic ARNs. */
export async function applyRgwNotifications(
  declaration: TriggerDeclaration,
  setup: RgwNotificationSetup,
): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const target of uniqueTargets(declaration)) {
    const form = rgwCreateTopicForm(target, {
      gatewayUrl: setup.gatewayUrl,
      eventToken: (fn) => eventTokenFor(setup.invokeToken, fn),
      persistent: setup.persistent,
      tokenParam: EVENT_TOKEN_PARAM,
    });
    const answer = await call(setup.s3, 'POST', '/', form, 'application/x-www-form-urlencoded; charset=utf-8');
    const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(answer)?.[1];
    if (!arn) throw new Error(`RGW CreateTopic ${rgwTopicName(target)} answered no TopicArn`);
    arns.set(target.id, arn);
  }
  for (const [bucket, targets] of subscriptionsByBucket(declaration)) {
    const body = rgwNotificationXml(targets, (t: TriggerTarget) => arns.get(t.id)!);
    await call(setup.s3, 'PUT', `/${encodeURIComponent(bucket)}?notification=`, body, 'application/xml');
  }
  return arns;
}
