import { mkdtempSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSecretReader, Secret } from '#lib/runtime/index.ts';

const test = suite('runtime/secrets');

test('file first :: reads and trims /var/openfaas/secrets/<name>, re-reads after rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  writeFileSync(join(dir, 'cmp-ops-invoke-token'), 'first\n');
  let clock = 0;
  const reader = createSecretReader(dir, { CMP_OPS_INVOKE_TOKEN: 'from-env' }, {}, { now: () => clock });
  assert.is(reader.get('cmp-ops-invoke-token').reveal(), 'first');
  writeFileSync(join(dir, 'cmp-ops-invoke-token'), 'second\n');
  utimesSync(join(dir, 'cmp-ops-invoke-token'), new Date(), new Date(Date.now() + 5000));
  clock = 999;
  assert.is(reader.get('cmp-ops-invoke-token').reveal(), 'first', 'looked at again only after a second');
  clock = 1000;
  assert.is(reader.get('cmp-ops-invoke-token').reveal(), 'second');
});

test('env fallback :: the local stack variable is used when no file exists', () => {
  const reader = createSecretReader('/nonexistent', { S3_SECRET_KEY: 'minioadmin' });
  assert.is(reader.get('cmp-ops-s3-secret-key').reveal(), 'minioadmin');
});

test('missing :: SECRET_MISSING names the secret and the variable', () => {
  const reader = createSecretReader('/nonexistent', {});
  try {
    reader.get('cmp-ops-invoke-token');
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'SECRET_MISSING');
    assert.ok((err as Error).message.includes('cmp-ops-invoke-token'));
    assert.ok((err as Error).message.includes('CMP_OPS_INVOKE_TOKEN'));
  }
});

test('printing :: a Secret prints <secret> in strings, JSON and inspection', () => {
  const secret = new Secret('hunter2');
  assert.is(`${secret}`, '<secret>');
  assert.is(JSON.stringify({ secret }), '{"secret":"<secret>"}');
  assert.not.ok(inspect({ secret }).includes('hunter2'));
});

test.run();
