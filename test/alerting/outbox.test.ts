// The outbox's retry timing: exponential backoff with jitter, and the receiver's own Retry-After.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, retryAfterMs } from '#lib/alerting/router/index.ts';

const test = suite('alerting/outbox');
const NOW = Date.parse('2026-11-24T10:00:00Z');

const retryAfter: Array<[string, string | undefined, number]> = [
  ['seconds', '120', 120_000],
  ['seconds with spaces', ' 5 ', 5_000],
  ['an HTTP date', 'Tue, 24 Nov 2026 10:02:00 GMT', 120_000],
  ['a date already past', 'Tue, 24 Nov 2026 09:00:00 GMT', 0],
  ['more than an hour', '86400', 3_600_000],
  ['garbage', 'soon', 0],
  ['absent', undefined, 0],
];
for (const [name, value, expected] of retryAfter) {
  test(`Retry-After :: ${name}`, () => {
    assert.is(retryAfterMs(value, NOW), expected);
  });
}

test('backoff :: doubles per attempt from the base, capped, within ±20 % jitter', () => {
  const policy = { maxAttempts: 8, baseMs: 30_000, capMs: 15 * 60_000, random: () => 0.5 };
  assert.equal([1, 2, 3, 6, 8].map((n) => backoffMs(n, policy)), [30_000, 60_000, 120_000, 900_000, 900_000]);
  assert.is(backoffMs(1, { ...policy, random: () => 0 }), 24_000);
  assert.is(backoffMs(1, { ...policy, random: () => 0.999999 }), 36_000);
});

test.run();
