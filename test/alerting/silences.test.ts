// Silences alone, as Alertmanager's API v2 validates and applies them: required fields, matchers that would match
// everything refused, a past startsAt clamped to now, updates by id, expiry, pending/active/expired, and matching
// (equal, not-equal, anchored regex, a missing label as the empty value).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  emptyState,
  expireSilence,
  gcSilences,
  gettableSilence,
  silencedBy,
  silenceState,
  upsertSilence,
  type PostableSilence,
} from '#lib/alerting/router/index.ts';

const test = suite('alerting/silences');
const NOW = Date.parse('2026-11-24T10:00:00Z');
const good: PostableSilence = {
  matchers: [{ name: 'subsystem', value: 'EGM', isRegex: false }],
  startsAt: '2026-11-24T09:00:00Z',
  endsAt: '2026-11-24T12:00:00Z',
  createdBy: 'op',
  comment: 'maintenance',
};
const refused: Array<[string, PostableSilence, string]> = [
  ['no matchers', { ...good, matchers: [] }, '/matchers'],
  [
    'matchers all matching the empty string',
    { ...good, matchers: [{ name: 'x', value: '.*', isRegex: true }] },
    '/matchers',
  ],
  ['a bad label name', { ...good, matchers: [{ name: '1x', value: 'a' }] }, '/matchers/0/name'],
  ['a bad regex', { ...good, matchers: [{ name: 'x', value: '(?=a)', isRegex: true }] }, '/matchers/0/value'],
  ['no comment', { ...good, comment: '' }, '/comment'],
  ['no createdBy', { ...good, createdBy: undefined }, '/createdBy'],
  ['no endsAt', { ...good, endsAt: undefined }, '/endsAt'],
  ['endsAt before startsAt', { ...good, endsAt: '2026-11-24T09:30:00Z' }, '/endsAt'],
];
for (const [name, input, field] of refused) {
  test(`refused :: ${name}`, () => {
    try {
      upsertSilence(emptyState(), input, NOW);
      assert.unreachable('accepted');
    } catch (err) {
      const e = err as { code?: string; details?: Array<{ field: string }> };
      assert.is(e.code, 'BAD_REQUEST');
      assert.ok(
        e.details?.some((d) => d.field === field),
        `${field} in ${JSON.stringify(e.details)}`,
      );
    }
  });
}

test('created :: a past startsAt is clamped to now; it mutes what it matches, while active only', () => {
  const state = emptyState();
  const id = upsertSilence(state, good, NOW);
  assert.is(state.silences[id]!.startsAt, NOW);
  assert.is(silencedBy(state, { alertname: 'X', subsystem: 'EGM' }, NOW), id);
  assert.is(silencedBy(state, { alertname: 'X', subsystem: 'STS' }, NOW), undefined);
  assert.is(silenceState(state.silences[id]!, NOW + 3 * 3_600_000), 'expired');
  assert.is(silencedBy(state, { alertname: 'X', subsystem: 'EGM' }, NOW + 3 * 3_600_000), undefined);
});

test('matching :: not-equal, anchored regex, a missing label as empty', () => {
  const state = emptyState();
  const regex = upsertSilence(
    state,
    { ...good, matchers: [{ name: 'alertname', value: 'Backup.*', isRegex: true }] },
    NOW,
  );
  assert.is(silencedBy(state, { alertname: 'BackupFailed' }, NOW), regex);
  assert.is(silencedBy(state, { alertname: 'NightlyBackupFailed' }, NOW), undefined, 'anchored at both ends');
  const state2 = emptyState();
  const notEqual = upsertSilence(
    state2,
    {
      ...good,
      matchers: [
        { name: 'alertname', value: 'A' },
        { name: 'env', value: 'prod', isEqual: false },
      ],
    },
    NOW,
  );
  assert.is(silencedBy(state2, { alertname: 'A' }, NOW), notEqual, 'missing env is "" which is not prod');
  assert.is(silencedBy(state2, { alertname: 'A', env: 'prod' }, NOW), undefined);
});

test('update and expiry :: an id updates; DELETE expires now; an expired one cannot be updated; gc forgets it later', () => {
  const state = emptyState();
  const id = upsertSilence(state, good, NOW);
  assert.is(upsertSilence(state, { ...good, id, comment: 'longer' }, NOW + 1000), id);
  assert.is(state.silences[id]!.comment, 'longer');
  expireSilence(state, id, NOW + 2000);
  assert.is(silenceState(state.silences[id]!, NOW + 2000), 'expired');
  assert.is((gettableSilence(state.silences[id]!, NOW + 2000).status as { state: string }).state, 'expired');
  assert.throws(
    () => upsertSilence(state, { ...good, id }, NOW + 3000),
    (e: { code?: string }) => e.code === 'BAD_REQUEST',
  );
  assert.throws(
    () => upsertSilence(state, { ...good, id: '00000000-0000-0000-0000-000000000000' }, NOW),
    (e: { code?: string }) => e.code === 'NOT_FOUND',
  );
  gcSilences(state, NOW + 2000 + 10, 5);
  assert.is(state.silences[id], undefined);
});

test('pending :: a silence starting later mutes nothing yet', () => {
  const state = emptyState();
  const id = upsertSilence(state, { ...good, startsAt: '2026-11-24T11:00:00Z' }, NOW);
  assert.is(silenceState(state.silences[id]!, NOW), 'pending');
  assert.is(silencedBy(state, { alertname: 'X', subsystem: 'EGM' }, NOW), undefined);
});

test.run();
