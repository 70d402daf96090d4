import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventTokenFor, eventTokenMatches, EVENT_TOKEN_PARAM, redactEventToken, Secret } from '#lib/runtime/index.ts';
import {
  parseTriggers,
  rgwCreateTopicForm,
  rgwNotificationXml,
  rgwPushEndpoint,
  rgwTopicName,
  subscriptionsByBucket,
  uniqueTargets,
} from '#lib/triggers/index.ts';

const test = suite('triggers/rgw-setup');
const root = resolve(import.meta.dirname, '..', '..');
const declaration = parseTriggers(JSON.parse(readFileSync(join(root, 'config', 'triggers.json'), 'utf8')));
const token = new Secret('invoke-token-for-tests');
const settings = {
  gatewayUrl: 'http://gateway.openfaas:8080/',
  eventToken: (fn: string) => eventTokenFor(token, fn),
  persistent: true,
  tokenParam: EVENT_TOKEN_PARAM,
};
const checksum = declaration.targets.find((t) => t.function === 'checksum-verify')!;
const netbackup = declaration.targets.find((t) => t.function === 'netbackup-status')!;

test('topics :: one per target id, named after it, pushing to the function with its own event token', () => {
  assert.equal(uniqueTargets(declaration).map(rgwTopicName), [
    'cmp-ops-checksumverify',
    'cmp-ops-netbackupstatus',
    'cmp-ops-ftpaudit',
  ]);
  const url = new URL(rgwPushEndpoint(checksum, settings));
  assert.is(`${url.origin}${url.pathname}`, 'http://gateway.openfaas:8080/function/checksum-verify');
  assert.is(url.searchParams.get(EVENT_TOKEN_PARAM), eventTokenFor(token, 'checksum-verify'));
  assert.is.not(eventTokenFor(token, 'checksum-verify'), eventTokenFor(token, 'netbackup-status'));
  assert.ok(!url.href.includes(token.reveal()), 'the invoke token itself never appears in a topic');
});

test('CreateTopic :: the form carries the push endpoint, persistence and opaque data as numbered attributes', () => {
  const form = new URLSearchParams(rgwCreateTopicForm(netbackup, settings));
  assert.is(form.get('Action'), 'CreateTopic');
  assert.is(form.get('Name'), 'cmp-ops-netbackupstatus');
  const attributes = Object.fromEntries(
    [1, 2, 3].map((i) => [form.get(`Attributes.entry.${i}.key`), form.get(`Attributes.entry.${i}.value`)]),
  );
  assert.equal(attributes, {
    'push-endpoint': rgwPushEndpoint(netbackup, settings),
    persistent: 'true',
    OpaqueData: 'cmp-ops netbackup-status',
  });
});

test('notification XML :: exact event names and the prefix filter per target of a bucket', () => {
  const reports = subscriptionsByBucket(declaration).get('reports')!;
  const body = rgwNotificationXml(reports, (t) => `arn:aws:sns:default::${rgwTopicName(t)}`);
  assert.match(
    body,
    '<TopicConfiguration><Id>cmp-ops-netbackupstatus</Id><Topic>arn:aws:sns:default::cmp-ops-netbackupstatus</Topic><Event>s3:ObjectCreated:Put</Event><Event>s3:ObjectCreated:CompleteMultipartUpload</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>netbackup/</Value></FilterRule></S3Key></Filter></TopicConfiguration>',
  );
  assert.match(body, '<Value>ftp/</Value>');
  assert.not.match(body, 'ObjectCreated:*');
  const escaped = rgwNotificationXml([{ ...checksum, prefix: 'a&b<', suffix: '.sha256' }], () => 'arn');
  assert.match(escaped, '<Value>a&amp;b&lt;</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.sha256</Value>');
});

const calls: Array<[string, { method: string; url: string }, string, boolean]> = [
  [
    'its own token',
    { method: 'POST', url: `http://fn/?${EVENT_TOKEN_PARAM}=${eventTokenFor(token, 'checksum-verify')}` },
    'checksum-verify',
    true,
  ],
  [
    "another function's token",
    { method: 'POST', url: `http://fn/?${EVENT_TOKEN_PARAM}=${eventTokenFor(token, 'ftp-audit')}` },
    'checksum-verify',
    false,
  ],
  [
    'a token from another invoke token',
    { method: 'POST', url: `http://fn/?${EVENT_TOKEN_PARAM}=${eventTokenFor(new Secret('other'), 'checksum-verify')}` },
    'checksum-verify',
    false,
  ],
  [
    'the invoke token itself',
    { method: 'POST', url: `http://fn/?${EVENT_TOKEN_PARAM}=${token.reveal()}` },
    'checksum-verify',
    false,
  ],
  [
    'a GET with the right token',
    { method: 'GET', url: `http://fn/?${EVENT_TOKEN_PARAM}=${eventTokenFor(token, 'checksum-verify')}` },
    'checksum-verify',
    false,
  ],
  ['no token', { method: 'POST', url: 'http://fn/' }, 'checksum-verify', false],
];
for (const [name, request, fn, accepted] of calls) {
  test(`event token :: ${name} → ${accepted ? 'accepted' : 'refused'}`, () => {
    assert.is(eventTokenMatches(request, token, fn), accepted);
  });
}

test('event token :: redacted from a logged path, other parameters kept', () => {
  assert.is(redactEventToken(`/?a=1&${EVENT_TOKEN_PARAM}=s3cr3t&b=2`), `/?a=1&${EVENT_TOKEN_PARAM}=<secret>&b=2`);
  assert.is(redactEventToken('/function/x'), '/function/x');
});

test.run();
