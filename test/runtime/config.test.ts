import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_CONFIG, loadConfig, mergeSchemas } from '#lib/runtime/index.ts';

const test = suite('runtime/config');
const schema = mergeSchemas(BASE_CONFIG, {
  properties: {
    QUARANTINE_BUCKET: { type: 'string', default: 'quarantine' },
    SWEEP_LIMIT: { type: 'integer', minimum: 1 },
  },
  required: ['SWEEP_LIMIT'],
});

function codeAndMessage(fn: () => unknown): { code: string; message: string; details: Array<{ field: string }> } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; details: Array<{ field: string }> };
  }
  throw new Error('expected an error');
}

test('defaults and coercion :: numbers from strings, defaults filled, result frozen', () => {
  const config = loadConfig<{ PORT: number; SWEEP_LIMIT: number; QUARANTINE_BUCKET: string }>(schema, {
    PORT: '3001',
    SWEEP_LIMIT: '50',
    HOME: '/root',
  });
  assert.is(config.PORT, 3001);
  assert.is(config.SWEEP_LIMIT, 50);
  assert.is(config.QUARANTINE_BUCKET, 'quarantine');
  assert.ok(Object.isFrozen(config));
});

test('missing variable :: named in the error', () => {
  const err = codeAndMessage(() => loadConfig(schema, {}));
  assert.is(err.code, 'CONFIG_INVALID');
  assert.ok(err.message.includes('SWEEP_LIMIT'));
  assert.equal(err.details[0]!.field, 'SWEEP_LIMIT');
});

test('unknown variable :: a typo sharing a declared prefix is named', () => {
  const err = codeAndMessage(() => loadConfig(schema, { SWEEP_LIMIT: '5', S3_ENDPIONT: 'http://x' }));
  assert.is(err.code, 'CONFIG_INVALID');
  assert.ok(err.message.includes('S3_ENDPIONT'));
});

test('unknown variable :: Kubernetes service links and secret fallbacks are not ours and pass', () => {
  loadConfig(schema, {
    SWEEP_LIMIT: '5',
    S3_SERVICE_HOST: '10.0.0.1',
    S3_PORT_9000_TCP_ADDR: '10.0.0.1',
    S3_ACCESS_KEY: 'k',
    exec_timeout: '30s',
  });
});

test('invalid value :: wrong type or pattern names the variable', () => {
  const err = codeAndMessage(() => loadConfig(schema, { SWEEP_LIMIT: 'many', S3_ENDPOINT: 'minio:9000' }));
  assert.ok(err.message.includes('SWEEP_LIMIT'));
  assert.ok(err.message.includes('S3_ENDPOINT'));
});

test.run();
