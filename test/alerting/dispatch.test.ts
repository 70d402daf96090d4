// Grouping and timing alone (Alertmanager's dispatcher): the same fingerprint refreshes an alert, a resolved one that
// fires again is a new episode, group_wait then group_interval then repeat_interval, resolved alerts leave their
// group once told, and nextDue/gcAlerts see what they must.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { emptyState, flushDue, gcAlerts, ingestAlerts, nextDue } from '#lib/alerting/router/index.ts';

const test = suite('alerting/dispatch');
const T0 = Date.parse('2026-11-24T10:00:00Z');
const config = loadAlertmanagerConfig(
  `route:
  receiver: ops
  group_by: [subsystem]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: ops
    webhook_configs:
      - url: http://hook.invalid/
`,
  'test',
);
const alert = (key: string, endsAt = '2026-11-24T12:00:00Z', startsAt = '2026-11-24T09:59:00Z') => ({
  labels: { alertname: 'ChecksumMismatch', subsystem: 'STS', key },
  annotations: { summary: key },
  startsAt,
  endsAt,
});
let ids = 0;
const options = { externalURL: 'http://router', mutedPolicy: () => 'delay' as const, newId: () => `id-${ids++}` };

test('ingest :: one group per group_by value; the same alert twice refreshes it; nextDue is the first group_wait', () => {
  const state = emptyState();
  const first = ingestAlerts(state, [alert('a'), alert('b')], config, T0);
  assert.is(first.newGroups, 1);
  assert.is(first.firstNewFlushAt, T0 + 30_000);
  const again = ingestAlerts(state, [{ ...alert('a'), annotations: { summary: 'changed' } }], config, T0 + 1000);
  assert.is(again.newGroups, 0);
  assert.is(Object.keys(state.alerts).length, 2);
  assert.is(state.alerts[again.fingerprints[0]!]!.annotations.summary, 'changed');
  assert.equal(
    Object.values(state.groups).map((g) => g.fingerprints.length),
    [2],
  );
  assert.is(nextDue(state), T0 + 30_000);
});

test('timing :: nothing before group_wait; then one notification; unchanged is quiet until repeat_interval', () => {
  const state = emptyState();
  ingestAlerts(state, [alert('a')], config, T0);
  assert.is(flushDue(state, config, T0 + 29_000, options).flushed, 0);
  const first = flushDue(state, config, T0 + 30_000, options);
  assert.is(first.notified, 1);
  assert.is(state.outbox.length, 1);
  assert.is(state.outbox[0]!.payload.alerts.length, 1);
  const group = Object.values(state.groups)[0]!;
  assert.is(group.nextFlushAt, T0 + 30_000 + 300_000, 'next flush after group_interval');
  assert.is(flushDue(state, config, group.nextFlushAt, options).notified, 0, 'unchanged: the dedup stage stops it');
  ingestAlerts(state, [alert('b')], config, T0 + 400_000);
  assert.is(
    flushDue(state, config, Object.values(state.groups)[0]!.nextFlushAt, options).notified,
    1,
    'a new alert is told at the next interval',
  );
  const g = Object.values(state.groups)[0]!;
  assert.is(flushDue(state, config, g.last!.at + 3_600_000 + 300_000, options).notified, 1, 'repeat_interval elapsed');
});

test('resolution :: a resolved alert is told once and leaves the group; an empty group ends', () => {
  const state = emptyState();
  ingestAlerts(state, [alert('a')], config, T0);
  flushDue(state, config, T0 + 30_000, options);
  ingestAlerts(state, [alert('a', '2026-11-24T10:01:00Z')], config, T0 + 90_000);
  const group = Object.values(state.groups)[0]!;
  const report = flushDue(state, config, group.nextFlushAt, options);
  assert.is(report.notified, 1);
  assert.is(report.entries[0]!.payload.status, 'resolved');
  assert.equal(state.groups, {}, 'the group ended with its last alert');
  assert.is(nextDue(state), T0 + 30_000, 'the outbox entries are what is due now');
});

test('episodes :: a resolution never heard firing makes no group; a resolved alert firing later is a new episode', () => {
  const state = emptyState();
  ingestAlerts(state, [alert('gone', '2026-11-24T09:59:30Z')], config, T0);
  assert.equal(state.groups, {});
  const fp = ingestAlerts(state, [alert('gone', '2026-11-24T12:00:00Z', '2026-11-24T10:10:00Z')], config, T0 + 600_000)
    .fingerprints[0]!;
  assert.is(
    state.alerts[fp]!.startsAt,
    Date.parse('2026-11-24T10:10:00Z'),
    'the new episode starts when it fired again',
  );
});

test('gc :: alerts resolved longer than the retention and held by no group are forgotten', () => {
  const state = emptyState();
  ingestAlerts(state, [alert('old', '2026-11-24T09:59:30Z'), alert('live')], config, T0);
  assert.is(gcAlerts(state, T0 + 60 * 60_000, 15 * 60_000), 1);
  assert.equal(
    Object.values(state.alerts).map((a) => a.labels.key),
    ['live'],
  );
});

test.run();
