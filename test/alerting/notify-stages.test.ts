// Each stage of the notify pipeline alone: the time-mute stage defers or drops, the inhibit and silence stages drop
// what they mute, the dedup stage stops an unchanged group, the outbox stage makes one entry per integration
// (max_alerts, send_resolved) and writes the notification log; the pipeline runs them in order and stops early.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import {
  dedupStage,
  emptyState,
  ingestAlerts,
  inhibitStage,
  needsUpdate,
  notifyPipeline,
  outboxStage,
  routeIndex,
  runStages,
  silenceStage,
  timeMuteStage,
  upsertSilence,
  type GroupFlush,
  type RouterState,
  type StageContext,
} from '#lib/alerting/router/index.ts';

const test = suite('alerting/notify-stages');
const T0 = Date.parse('2026-11-24T10:00:00Z'); // a Tuesday
const config = loadAlertmanagerConfig(
  `route:
  receiver: ops
  group_by: [subsystem]
  group_wait: 0s
  routes:
    - matchers: ['team="night"']
      receiver: ops
      mute_time_intervals: [office]
time_intervals:
  - name: office
    time_intervals:
      - times: [{start_time: '09:00', end_time: '17:00'}]
inhibit_rules:
  - source_matchers: ['alertname="NodeNotReady"']
    target_matchers: ['alertname="PodCrashLooping"']
    equal: [subsystem]
receivers:
  - name: ops
    webhook_configs:
      - url: http://hook.invalid/a
        max_alerts: 1
      - url: http://hook.invalid/b
        send_resolved: false
`,
  'test',
);
const alert = (labels: Record<string, string>, endsAt = '2026-11-24T12:00:00Z') => ({
  labels: { alertname: 'X', subsystem: 'STS', ...labels },
  annotations: {},
  startsAt: '2026-11-24T09:59:00Z',
  endsAt,
});
function setup(alerts: ReturnType<typeof alert>[]): { state: RouterState; ctx: StageContext; flush: GroupFlush } {
  const state = emptyState();
  ingestAlerts(state, alerts as never, config, T0);
  const group = Object.values(state.groups)[0]!;
  const ctx: StageContext = {
    state,
    config,
    externalURL: 'http://router',
    mutedPolicy: () => 'delay',
    newId: () => 'id',
    entries: [],
  };
  return {
    state,
    ctx,
    flush: {
      group,
      route: routeIndex(config.route).get(group.routeId)!,
      receiver: config.receivers.get('ops')!,
      alerts: group.fingerprints,
    },
  };
}

test('TimeMuteStage :: a muted route is deferred to the interval end (or dropped by policy); outside it passes', () => {
  const { ctx, flush } = setup([alert({ team: 'night' })]);
  assert.equal(timeMuteStage(ctx).exec(flush, T0), { stopped: 'deferred' });
  assert.is(flush.group.deferredUntil, Date.parse('2026-11-24T17:00:00Z'));
  assert.equal(timeMuteStage({ ...ctx, mutedPolicy: () => 'drop' }).exec(flush, T0), { stopped: 'muted' });
  const evening = Date.parse('2026-11-24T18:00:00Z');
  assert.ok('next' in timeMuteStage(ctx).exec(flush, evening));
  assert.is(flush.group.deferredUntil, undefined);
});

test('InhibitStage :: drops the targets a firing source mutes', () => {
  const { ctx, flush, state } = setup([alert({ alertname: 'NodeNotReady' }), alert({ alertname: 'PodCrashLooping' })]);
  const out = inhibitStage(ctx).exec(flush, T0);
  assert.ok('next' in out);
  if ('next' in out)
    assert.equal(
      out.next.alerts.map((fp) => state.alerts[fp]!.labels.alertname),
      ['NodeNotReady'],
    );
});

test('SilenceStage :: drops what an active silence matches', () => {
  const { ctx, flush, state } = setup([alert({ key: 'a' }), alert({ key: 'b' })]);
  upsertSilence(
    state,
    { matchers: [{ name: 'key', value: 'a' }], endsAt: '2026-11-24T11:00:00Z', createdBy: 'op', comment: 'c' },
    T0,
  );
  const out = silenceStage(ctx).exec(flush, T0);
  if (!('next' in out)) return assert.unreachable('stopped');
  assert.equal(
    out.next.alerts.map((fp) => state.alerts[fp]!.labels.key),
    ['b'],
  );
});

test('DedupStage :: told once; the same firing set again is unchanged; needsUpdate follows Alertmanager', () => {
  const { ctx, flush } = setup([alert({ key: 'a' })]);
  const out = dedupStage(ctx).exec(flush, T0);
  if (!('next' in out)) return assert.unreachable('stopped');
  assert.equal(out.next.firing, flush.alerts);
  flush.group.last = { firing: flush.alerts, resolved: [], at: T0 };
  assert.equal(dedupStage(ctx).exec(flush, T0 + 1000), { stopped: 'unchanged' });
  assert.ok(needsUpdate(undefined, ['a'], [], true, 1000, T0));
  assert.not.ok(needsUpdate(undefined, [], ['a'], true, 1000, T0), 'nothing firing, never told: nothing to say');
  assert.ok(
    needsUpdate({ firing: ['a'], resolved: [], at: T0 }, [], ['a'], false, 1000, T0),
    'all resolved is told even without send_resolved',
  );
  assert.ok(
    needsUpdate({ firing: ['a'], resolved: [], at: T0 }, ['a'], [], true, 1000, T0 + 1000),
    'repeat interval elapsed',
  );
});

test('OutboxStage :: one entry per integration, max_alerts truncates, send_resolved: false leaves resolved out; the log is written', () => {
  const { ctx, flush, state } = setup([alert({ key: 'a' }), alert({ key: 'b' }, '2026-11-24T10:00:30Z')]);
  const at = T0 + 60_000;
  const firing = flush.alerts.filter((fp) => state.alerts[fp]!.endsAt > at);
  const resolved = flush.alerts.filter((fp) => state.alerts[fp]!.endsAt <= at);
  outboxStage(ctx).exec({ ...flush, firing, resolved }, at);
  assert.equal(
    ctx.entries.map((e) => [e.integration, e.payload.alerts.length, e.payload.truncatedAlerts]),
    [
      ['webhook/0', 1, 1],
      ['webhook/1', 1, 0],
    ],
  );
  assert.equal(
    ctx.entries[1]!.payload.alerts.map((a) => a.status),
    ['firing'],
  );
  assert.equal(flush.group.last, { firing, resolved, at });
  assert.is(state.outbox.length, 2);
});

test('pipeline :: the order in one place; a muted group stops before any entry is made', () => {
  const { ctx, flush } = setup([alert({ team: 'night' }, '2026-11-25T00:00:00Z')]);
  assert.equal(
    notifyPipeline(ctx).map((s) => s.name),
    ['TimeMuteStage', 'InhibitStage', 'SilenceStage', 'DedupStage', 'OutboxStage'],
  );
  assert.equal(runStages(notifyPipeline(ctx), flush, T0), { stopped: 'deferred' });
  assert.is(ctx.entries.length, 0);
  assert.ok('next' in runStages(notifyPipeline(ctx), flush, Date.parse('2026-11-24T18:00:00Z')));
  assert.is(ctx.entries.length, 2);
});

test.run();
