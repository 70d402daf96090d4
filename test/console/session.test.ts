import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csrfToken, newSession, openSession, sealSession } from '#lib/console/index.ts';
import { csrfMatches, readCookies } from '../../lib/console/session.ts';

const test = suite('console/session');
const KEY = 'session-key-for-tests';
const policy = { idleMs: 60 * 60_000, maxMs: 24 * 3_600_000 };
const T0 = Date.parse('2026-11-24T10:00:00Z');

test('seal → open :: the same user, role and times come back', () => {
  const s = newSession('operator', false, T0);
  const opened = openSession(KEY, sealSession(KEY, s), T0 + 1000, policy);
  assert.equal(opened, { session: s });
});

test('forged :: another key, a changed payload or a changed signature are refused as forged', () => {
  const sealed = sealSession(KEY, newSession('wall', true, T0));
  assert.equal(openSession('other-key', sealed, T0, policy), { refused: 'forged' });
  const [body, mac] = sealed.split('.') as [string, string];
  const tampered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('wall', 'root')).toString('base64url');
  assert.equal(openSession(KEY, `${tampered}.${mac}`, T0, policy), { refused: 'forged' });
  assert.equal(openSession(KEY, `${body}.${mac.slice(0, -2)}AA`, T0, policy), { refused: 'forged' });
  assert.equal(openSession(KEY, 'garbage', T0, policy), { refused: 'forged' });
});

test('expiry :: idle longer than the policy, or older than its maximum, is expired', () => {
  const s = newSession('operator', false, T0);
  assert.equal(openSession(KEY, sealSession(KEY, s), T0 + policy.idleMs + 1, policy), { refused: 'expired' });
  const kept = { ...s, seenAt: T0 + policy.maxMs };
  assert.equal(openSession(KEY, sealSession(KEY, kept), T0 + policy.maxMs + 1, policy), { refused: 'expired' });
});

test('csrf :: bound to the session id; empty, missing or another session’s token refused', () => {
  const token = csrfToken(KEY, 'sid-1');
  assert.ok(csrfMatches(KEY, 'sid-1', token));
  assert.not.ok(csrfMatches(KEY, 'sid-2', token));
  assert.not.ok(csrfMatches(KEY, 'sid-1', ''));
  assert.not.ok(csrfMatches(KEY, 'sid-1', null));
});

test('cookies :: the first value of a repeated name wins; malformed parts are skipped', () => {
  assert.equal(
    [...readCookies('a=1; b=2; a=3; junk; =x')],
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
});

test.run();
