import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LoginThrottle } from '../../lib/console/login-throttle.ts';

const test = suite('console/login-throttle');

test('window :: the 3rd failure blocks the key until the oldest failure leaves the window; other keys unaffected', () => {
  const t = new LoginThrottle(3, 60_000);
  for (const at of [0, 1000, 2000]) t.fail('operator', at);
  assert.is(t.retryAfterMs('operator', 2500), 57_500);
  assert.is(t.retryAfterMs('operator', 60_000), 0);
  assert.is(t.retryAfterMs('other', 2500), 0);
});

test('below the limit :: two failures in the window do not block', () => {
  const t = new LoginThrottle(3, 60_000);
  t.fail('10.0.0.1', 0);
  t.fail('10.0.0.1', 1);
  assert.is(t.retryAfterMs('10.0.0.1', 2), 0);
});

test('forget :: a successful login clears its key', () => {
  const t = new LoginThrottle(2, 60_000);
  t.fail('operator', 0);
  t.fail('operator', 1);
  assert.ok(t.retryAfterMs('operator', 2) > 0);
  t.forget('operator');
  assert.is(t.retryAfterMs('operator', 2), 0);
});

test('bounded :: a spray of 1000 keys keeps at most maxKeys of them', () => {
  const t = new LoginThrottle(5, 60_000, 100);
  for (let i = 0; i < 1000; i++) t.fail(`10.0.${i >> 8}.${i & 255}`, i);
  assert.ok(t.size <= 100, String(t.size));
});

test.run();
