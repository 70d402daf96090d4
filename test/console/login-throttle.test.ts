import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LoginThrottle } from '../../lib/console/login-throttle.ts';

const test = suite('console/login-throttle');

test('per user :: the 3rd failure in the window blocks the user until the oldest leaves the window', () => {
  const t = new LoginThrottle(3, 60_000);
  for (const at of [0, 1000, 2000]) t.fail('operator', '10.0.0.1', at);
  assert.is(t.retryAfterMs('operator', '10.0.0.9', 2500), 57_500);
  assert.is(t.retryAfterMs('operator', '10.0.0.9', 60_000), 0);
  assert.is(t.retryAfterMs('other', '10.0.0.9', 2500), 0);
});

test('per address :: failures for many users from one address block that address', () => {
  const t = new LoginThrottle(3, 60_000);
  for (const [i, user] of ['a', 'b', 'c'].entries()) t.fail(user, '10.0.0.1', i);
  assert.ok(t.retryAfterMs('d', '10.0.0.1', 10) > 0);
  assert.is(t.retryAfterMs('d', '10.0.0.2', 10), 0);
});

test('success :: clears the user’s failures, not the address’s', () => {
  const t = new LoginThrottle(2, 60_000);
  t.fail('operator', '10.0.0.1', 0);
  t.fail('operator', '10.0.0.1', 1);
  t.succeed('operator');
  assert.is(t.retryAfterMs('operator', '10.0.0.2', 2), 0);
  assert.ok(t.retryAfterMs('x', '10.0.0.1', 2) > 0);
});

test('bounded :: a spray from many addresses keeps at most maxKeys entries', () => {
  const t = new LoginThrottle(5, 60_000, 100);
  for (let i = 0; i < 1000; i++) t.fail(`u${i}`, `10.0.${i >> 8}.${i & 255}`, i);
  assert.ok((t as unknown as { ['#failures']: unknown }) !== undefined);
  assert.is(t.retryAfterMs('u999', '10.0.3.231', 1000), 0, 'one failure is below the limit');
});

test.run();
