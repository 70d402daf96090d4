// readConfigText: the one reader of `state:` and `file:` configuration (routing, release), capped, against a real
// S3-protocol server (s3rver) and real files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { routingSource } from '#lib/alerting/router/index.ts';
import { readConfigFileSync, readConfigText } from '#lib/storage/index.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('storage/config-text');
let s3: TestS3;
let dir: string;
const options = () => ({
  store: s3.store,
  stateBucket: 'cmp-ops-state',
  invalidCode: 'RELEASE_INVALID' as const,
  maxBytes: 64,
});
const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => 'resolved',
    (err: { code?: string }) => err.code,
  );

test.before(async () => {
  s3 = await startTestS3();
  dir = mkdtempSync(join(tmpdir(), 'cmp-ops-config-text-'));
});
test.after(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

test("file :: read whole; absent is null; over the limit is the caller's invalid code", async () => {
  writeFileSync(join(dir, 'ok.yaml'), 'a: 1\n');
  writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(65));
  assert.equal(await readConfigText(`file:${join(dir, 'ok.yaml')}`, options()), { text: 'a: 1\n' });
  assert.is(await readConfigText(`file:${join(dir, 'none.yaml')}`, options()), null);
  assert.is(await codeOf(readConfigText(`file:${join(dir, 'big.yaml')}`, options())), 'RELEASE_INVALID');
});

test('state :: read with its etag; absent is null; the same etag is unchanged; over the limit is the invalid code', async () => {
  const { etag } = await s3.store.put('cmp-ops-state', 'config/release.yaml', 'b: 2\n');
  assert.equal(await readConfigText('state:config/release.yaml', options()), { text: 'b: 2\n', etag });
  assert.is(await readConfigText('state:config/none.yaml', options()), null);
  assert.equal(await readConfigText('state:config/release.yaml', { ...options(), knownEtag: etag }), {
    unchanged: true,
  });
  await s3.store.put('cmp-ops-state', 'config/big.yaml', 'y'.repeat(65));
  assert.is(
    await codeOf(readConfigText('state:config/big.yaml', { ...options(), invalidCode: 'ROUTING_INVALID' })),
    'ROUTING_INVALID',
  );
});

test('file at start :: readConfigFileSync reads a mounted file whole, capped like readConfigText', () => {
  writeFileSync(join(dir, 'start.yaml'), 'c: 3\n');
  writeFileSync(join(dir, 'start-big.yaml'), 'x'.repeat(65));
  assert.is(readConfigFileSync(join(dir, 'start.yaml'), 'ROUTING_INVALID', 64), 'c: 3\n');
  assert.throws(
    () => readConfigFileSync(join(dir, 'start-big.yaml'), 'ROUTING_INVALID', 64),
    (err: { code?: string }) => err.code === 'ROUTING_INVALID',
  );
});

test('routing :: state routing is read through the capped reader, again only when its etag changes', async () => {
  const yaml = (receiver: string) => `route:\n  receiver: ${receiver}\nreceivers:\n  - name: ${receiver}\n`;
  await s3.store.put('cmp-ops-state', 'alert-router/routing-test.yml', yaml('first'));
  const routing = routingSource({
    routingConfig: 'state:alert-router/routing-test.yml',
    webhookReceivers: [],
    store: s3.store,
    stateBucket: 'cmp-ops-state',
  });
  const first = await routing();
  assert.is(first.config.route.receiver, 'first');
  assert.is(await routing(), first, 'the same etag: the routing is not parsed again');
  await s3.store.put('cmp-ops-state', 'alert-router/routing-test.yml', yaml('second'));
  assert.is((await routing()).config.route.receiver, 'second');
  await s3.store.put('cmp-ops-state', 'alert-router/routing-test.yml', `# ${'z'.repeat(5 * 1024 * 1024)}\n`);
  assert.is(await codeOf(routing()), 'ROUTING_INVALID', 'a routing object over 4 MiB is refused unread');
  const absent = routingSource({
    routingConfig: 'state:alert-router/none.yml',
    webhookReceivers: [],
    store: s3.store,
    stateBucket: 'cmp-ops-state',
  });
  assert.is(await codeOf(absent()), 'CONFIG_INVALID');
});

test('spec :: anything but state:<key> or file:<path> is CONFIG_INVALID', async () => {
  for (const spec of ['config.yaml', 'http://x/y', 'state:', 's3:x'])
    assert.is(await codeOf(readConfigText(spec, options())), 'CONFIG_INVALID', spec);
});

test.run();
