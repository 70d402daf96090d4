// alert-router's groups listing (GET /api/v2/alerts/groups, Alertmanager's alertGroup shape) from a state built by
// the router's own ingest: grouping by route and group_by, status of silenced, inhibited and time-muted alerts, the
// query's filter, receiver and state flags, and resolved alerts left out.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import {
  emptyState,
  ingestAlerts,
  listAlertGroups,
  parseGroupQuery,
  upsertSilence,
  type AlertGroup,
} from '#lib/alerting/router/index.ts';

const test = suite('alerting/alert-groups');
const NOW = Date.parse('2026-11-24T10:00:00Z'); // a Tuesday, 11:00 in Paris
const config = loadAlertmanagerConfig(
  `
route:
  receiver: desk
  group_by: [subsystem]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      group_by: [alertname]
      continue: true
    - matchers: ['alertname="Maintenance"']
      receiver: desk
      mute_time_intervals: [tuesday]
time_intervals:
  - name: tuesday
    time_intervals: [{ weekdays: [tuesday] }]
inhibit_rules:
  - source_matchers: ['alertname="NodeNotReady"']
    target_matchers: ['alertname="PodCrashLooping"']
    equal: [cluster]
receivers: [{ name: desk }, { name: pager }]
`,
  'test',
);
const alert = (labels: Record<string, string>, startsAt = '2026-11-24T09:50:00Z', endsAt?: string) => ({
  labels: { severity: 'warning', subsystem: 'STS', ...labels },
  annotations: { summary: labels.alertname ?? '' },
  startsAt: new Date(startsAt),
  endsAt: new Date(endsAt ?? '2026-11-24T10:05:00Z'),
  generatorURL: '',
});

function state() {
  const s = emptyState();
  ingestAlerts(
    s,
    [
      alert(
        { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'DUTCH', key: 'a' },
        '2026-11-24T09:40:00Z',
      ),
      alert({ alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'STS', key: 'b' }),
      alert({ alertname: 'NodeNotReady', cluster: 'ground' }),
      alert({ alertname: 'PodCrashLooping', cluster: 'ground' }),
      alert({ alertname: 'BackupFailed', subsystem: 'CCS', client: 'ccs-app1' }),
      alert({ alertname: 'Maintenance', subsystem: 'EGM' }),
      alert({ alertname: 'Gone', subsystem: 'CGCU' }, '2026-11-24T09:00:00Z', '2026-11-24T09:59:00Z'),
    ] as never,
    config,
    NOW,
  );
  upsertSilence(
    s,
    {
      matchers: [{ name: 'client', value: 'ccs-app1', isRegex: false, isEqual: true }],
      startsAt: '2026-11-24T09:00:00Z',
      endsAt: '2026-11-24T12:00:00Z',
      createdBy: 'operator',
      comment: 'restore test',
    },
    NOW,
  );
  return s;
}
const list = (query = '') => listAlertGroups(state(), config, parseGroupQuery(new URLSearchParams(query)), NOW);
const summary = (groups: AlertGroup[]) =>
  groups.map(
    (g) =>
      `${g.receiver.name} ${JSON.stringify(g.labels)}: ${g.alerts.map((a) => `${(a.labels as Record<string, string>).alertname}/${(a.status as { state: string }).state}`).join(' ')}`,
  );

test("groups :: as the routing groups them (by the matching route's group_by), resolved left out, sorted by labels", () => {
  assert.equal(summary(list()), [
    'pager {"alertname":"ChecksumMismatch"}: ChecksumMismatch/active ChecksumMismatch/active',
    'desk {"subsystem":"CCS"}: BackupFailed/suppressed',
    'desk {"subsystem":"EGM"}: Maintenance/suppressed',
    'desk {"subsystem":"STS"}: NodeNotReady/active PodCrashLooping/suppressed',
  ]);
});

test('shape :: alertGroup with gettableAlert (receivers, status with silencedBy/inhibitedBy/mutedBy) and groupKey', () => {
  const groups = list();
  const sts = groups.find((g) => g.labels.subsystem === 'STS')!;
  assert.is(sts.groupKey, '{}:{subsystem="STS"}');
  const pod = sts.alerts.find((a) => (a.labels as Record<string, string>).alertname === 'PodCrashLooping')!;
  const node = sts.alerts.find((a) => (a.labels as Record<string, string>).alertname === 'NodeNotReady')!;
  assert.equal(pod.status, { state: 'suppressed', silencedBy: [], inhibitedBy: [node.fingerprint], mutedBy: [] });
  assert.equal(pod.receivers, [{ name: 'desk' }]);
  assert.equal(Object.keys(pod).sort(), [
    'annotations',
    'endsAt',
    'fingerprint',
    'labels',
    'receivers',
    'startsAt',
    'status',
    'updatedAt',
  ]);
  const ccs = groups.find((g) => g.labels.subsystem === 'CCS')!;
  assert.is((ccs.alerts[0]!.status as { silencedBy: string[] }).silencedBy.length, 1);
  const egm = groups.find((g) => g.labels.subsystem === 'EGM')!;
  assert.equal((egm.alerts[0]!.status as { mutedBy: string[] }).mutedBy, ['tuesday']);
});

test('query :: silenced, inhibited, muted and active false drop those alerts; filter and receiver narrow', () => {
  assert.equal(summary(list('silenced=false&inhibited=false&muted=false')), [
    'pager {"alertname":"ChecksumMismatch"}: ChecksumMismatch/active ChecksumMismatch/active',
    'desk {"subsystem":"STS"}: NodeNotReady/active',
  ]);
  assert.equal(summary(list('active=false')), [
    'desk {"subsystem":"CCS"}: BackupFailed/suppressed',
    'desk {"subsystem":"EGM"}: Maintenance/suppressed',
    'desk {"subsystem":"STS"}: PodCrashLooping/suppressed',
  ]);
  assert.equal(summary(list('receiver=pag.*&filter=subsystem%3D"DUTCH"')), [
    'pager {"alertname":"ChecksumMismatch"}: ChecksumMismatch/active',
  ]);
  assert.equal(list('receiver=pag'), [], 'the receiver regex is anchored');
});

test('query :: a bad matcher, regex or flag is BAD_REQUEST naming the parameter', () => {
  for (const [query, field] of [
    ['filter=subsystem%3D~"("', 'filter[0]'],
    ['receiver=(', 'receiver'],
    ['silenced=yes', 'silenced'],
  ]) {
    try {
      parseGroupQuery(new URLSearchParams(query));
      assert.unreachable(query);
    } catch (err) {
      const e = err as { code: string; details: Array<{ field: string }> };
      assert.is(e.code, 'BAD_REQUEST', query);
      assert.is(e.details[0]!.field, field, query);
    }
  }
});

test.run();
