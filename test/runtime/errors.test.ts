import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CATALOG, isOpsError, opsError, toOpsError } from '#lib/runtime/index.ts';

const test = suite('runtime/errors');

test('catalog and docs :: docs/errors.md lists exactly the catalog codes with the same statuses', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of doc.matchAll(/^\| ([A-Z][A-Z0-9_]+) \| (\d{3}) \|/gm)) rows.set(match[1]!, Number(match[2]));
  const catalog = new Map(Object.entries(ERROR_CATALOG).map(([code, spec]) => [code, spec.status]));
  assert.equal([...rows.keys()].sort(), [...catalog.keys()].sort());
  for (const [code, status] of catalog) assert.is(rows.get(code), status, code);
});

test('codes :: every code is UPPER_SNAKE and every status an HTTP error status', () => {
  for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
    assert.match(code, /^[A-Z][A-Z0-9_]+$/);
    assert.ok(spec.status >= 400 && spec.status < 600, code);
  }
});

test('structural match :: an error from another bundle copy is still recognized by its code', () => {
  const foreign = { name: 'OpsError', code: 'CONFLICT', status: 409, message: 'x', details: [] };
  assert.ok(isOpsError(foreign));
  assert.not.ok(isOpsError({ code: 'ENOENT', status: 1 }));
});

test('toOpsError :: unknown throwables become INTERNAL 500, aborts DEADLINE_EXCEEDED, 503s are retryable', () => {
  assert.is(toOpsError(new Error('x')).status, 500);
  assert.is(toOpsError(Object.assign(new Error('a'), { name: 'AbortError' })).code, 'DEADLINE_EXCEEDED');
  assert.ok(opsError('STORAGE_UNAVAILABLE').retryable);
  assert.not.ok(opsError('BAD_REQUEST').retryable);
});

test.run();
