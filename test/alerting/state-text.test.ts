// stateTextInSlices is the router's background snapshot text, made a slice of alerts per event-loop turn: its pieces
// joined must be the same JSON as JSON.stringify(state). Each case compares the two, with one and with two alerts per
// slice (so a slice's own separators are checked too), after changes in place.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { emptyState, gcAlerts, ingestAlerts, stateTextInSlices, type RouterState } from '#lib/alerting/router/index.ts';

const test = suite('alerting/state-text');
const config = loadAlertmanagerConfig('route:\n  receiver: ops\n  group_by: [subsystem]\n  group_wait: 30s\nreceivers:\n  - name: ops\n', 'test');
const NOW = Date.parse('2026-11-24T10:00:00Z');
const alert = (key: string, summary: string, endsAt = '2026-11-24T10:05:00Z') => ({ labels: { alertname: 'ChecksumMismatch', subsystem: 'STS', key }, annotations: { summary }, startsAt: '2026-11-24T09:59:00Z', endsAt });
const joined = async (state: RouterState, slice: number) => {
  let text = '';
  for await (const piece of stateTextInSlices(state, slice)) text += piece;
  return text;
};
const same = async (state: RouterState, what: string) => {
  for (const slice of [1, 2]) assert.equal(JSON.parse(await joined(state, slice)), JSON.parse(JSON.stringify(state)), `${what}, ${slice} per slice`);
};

test('an empty state, and one with alerts, groups and a silence', async () => {
  const state = emptyState();
  await same(state, 'empty');
  ingestAlerts(state, [alert('a', 'first'), alert('b', 'first'), alert('quote"\\', 'ünïcode \u2028')], config, NOW);
  state.silences.x = { id: 'x', matchers: [], startsAt: NOW, endsAt: NOW + 1, createdBy: 't', comment: 'c', updatedAt: NOW };
  await same(state, 'with alerts');
});

test('an alert refreshed in place, one that fires again as a new episode, and one collected, are all seen', async () => {
  const state = emptyState();
  ingestAlerts(state, [alert('a', 'first'), alert('b', 'first', '2026-11-24T10:00:10Z')], config, NOW);
  ingestAlerts(state, [alert('a', 'refreshed', '2026-11-24T10:30:00Z')], config, NOW + 60_000);
  await same(state, 'refreshed in place');
  ingestAlerts(state, [{ ...alert('b', 'again', '2026-11-24T11:00:00Z'), startsAt: '2026-11-24T10:20:00Z' }], config, Date.parse('2026-11-24T10:20:00Z'));
  await same(state, 'a new episode');
  gcAlerts(state, Date.parse('2026-11-24T12:00:00Z'), 0);
  await same(state, 'after collection');
});

test.run();
