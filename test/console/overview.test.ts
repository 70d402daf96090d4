import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { loadOnCall } from '#lib/alerting/oncall/index.ts';
import {
  emptyState,
  gettableSilence,
  ingestAlerts,
  listAlertGroups,
  parseGroupQuery,
  upsertSilence,
} from '#lib/alerting/router/index.ts';
import {
  buildOverview,
  parseFilters,
  type AlertsSource,
  type OverviewSettings,
  type RouterAlert,
  type RouterSilence,
  type Snapshots,
} from '#lib/console/index.ts';
import { readFixture } from '../helpers/fixtures.ts';

const test = suite('console/overview');
const NOW = Date.parse('2026-11-24T10:00:00Z');
const config = loadAlertmanagerConfig(
  `${readFixture('alerts', 'oncall.yml')}\ninhibit_rules:\n  - source_matchers: ['alertname="SiteDown"']\n    target_matchers: ['severity="warning"']\n    equal: [subsystem]\n`,
  'oncall.yml',
);
const routing = { config, oncall: loadOnCall(config), source: 'oncall.yml' };
const settings: OverviewSettings = {
  now: NOW,
  zone: 'Europe/Paris',
  deliveryDeadlineMs: 60 * 60_000,
  backupExpectations: [{ policy: 'CGCU_*', client: '*', everyHours: 12 }],
  defaultBackupHours: 26,
  limits: { groups: 100, alertsPerGroup: 2, rows: 100 },
};
const alert = (fp: string, labels: Record<string, string>, startsAt = '2026-11-24T09:00:00Z'): RouterAlert => ({
  fingerprint: fp,
  labels,
  annotations: { summary: `${labels.alertname} summary` },
  startsAt,
  endsAt: '2026-11-24T11:00:00Z',
  status: { state: 'active' },
});

function snapshots(alerts: AlertsSource, asOf = NOW): Snapshots {
  const at = { asOf, cadenceMs: 60_000 };
  return {
    alerts: { data: alerts, ...at },
    deliveries: {
      data: {
        records: [
          {
            bucket: 'inbox',
            key: 'DUTCH/a.dat',
            verdict: 'pending',
            size: 1,
            firstSeenAt: '2026-11-24T08:30:00Z',
            verifiedAt: '2026-11-24T08:30:00Z',
          },
          {
            bucket: 'inbox',
            key: 'STS/b.dat',
            verdict: 'pending',
            size: 1,
            firstSeenAt: '2026-11-24T09:30:00Z',
            verifiedAt: '2026-11-24T09:30:00Z',
          },
          {
            bucket: 'inbox',
            key: 'DUTCH/old.dat',
            verdict: 'mismatch',
            size: 1,
            firstSeenAt: '2026-11-22T09:30:00Z',
            verifiedAt: '2026-11-22T09:30:00Z',
          },
        ],
        quarantined: [],
        sweep: null,
        sweepInProgress: null,
      },
      asOf,
      cadenceMs: 5 * 60_000,
    },
    backups: {
      data: {
        masters: [
          {
            master: 'nb',
            alerts: [
              {
                labels: {
                  alertname: 'BackupFailed',
                  policy: 'STS_Files',
                  client: 'sts-app01',
                  severity: 'critical',
                  subsystem: 'STS',
                },
                annotations: { summary: 'status 58: can not connect' },
                startsAt: '',
              } as never,
            ],
            pairs: [
              {
                policy: 'CGCU_Oracle',
                client: 'cgcu-db01',
                schedule: 'Full',
                firstSeen: '',
                lastSuccess: '2026-11-23T20:00:00Z',
                lastAttempt: null,
                lastClass: 'success',
                consecutiveFailures: 0,
                recent: [],
              },
              {
                policy: 'STS_Files',
                client: 'sts-app01',
                schedule: 'Incr',
                firstSeen: '',
                lastSuccess: '2026-11-23T20:00:00Z',
                lastAttempt: null,
                lastClass: 'failure',
                consecutiveFailures: 1,
                recent: [{ at: '2026-11-24T02:00:00Z', class: 'failure' }],
              },
              {
                policy: 'EGM_Files',
                client: 'egm-app01',
                schedule: 'Incr',
                firstSeen: '',
                lastSuccess: null,
                lastAttempt: null,
                lastClass: null,
                consecutiveFailures: 0,
                recent: [],
              },
            ],
          },
        ],
      },
      asOf: NOW - 31 * 60_000,
      cadenceMs: 15 * 60_000,
    },
    ftp: { data: undefined, asOf: undefined, error: 'cannot reach the state bucket', cadenceMs: 10 * 60_000 },
    installation: { data: { lastRunAt: null, findings: [] }, asOf, cadenceMs: 2 * 60_000 },
  };
}

const firing = (): RouterAlert[] => [
  alert('a1', { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'DUTCH', key: 'x' }),
  alert(
    'a2',
    { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'DUTCH', key: 'y' },
    '2026-11-24T08:00:00Z',
  ),
  alert('a3', { alertname: 'ChecksumMismatch', severity: 'critical', subsystem: 'DUTCH', key: 'z' }),
  alert('w1', { alertname: 'TransferUnverified', severity: 'warning', subsystem: 'STS' }),
  alert('i1', { alertname: 'Info', severity: 'info', subsystem: 'CCS' }),
  {
    ...alert('r1', { alertname: 'Gone', severity: 'critical', subsystem: 'EGM' }),
    endsAt: '2026-11-24T09:30:00Z',
    status: { state: 'resolved' },
  },
];

/**
 * The alerts source as alert-router answers it: the alerts ingested by its own code over the same routing file and
 * listed by its groups endpoint; its fingerprints and silence ids renamed to the test's short names.
 */
function fromRouter(
  alerts: RouterAlert[],
  silences: Array<Omit<RouterSilence, 'id' | 'status'> & { id: string }> = [],
) {
  const state = emptyState();
  ingestAlerts(
    state,
    alerts.map((a) => ({
      ...a,
      startsAt: new Date(a.startsAt),
      endsAt: new Date(a.endsAt),
      generatorURL: '',
    })) as never,
    config,
    NOW,
  );
  const names = new Map<string, string>();
  for (const [fp, stored] of Object.entries(state.alerts))
    names.set(fp, alerts.find((a) => JSON.stringify(a.labels) === JSON.stringify(stored.labels))!.fingerprint);
  for (const { id, ...silence } of silences) names.set(upsertSilence(state, silence as never, NOW), id);
  let text = JSON.stringify({
    groups: listAlertGroups(state, config, parseGroupQuery(new URLSearchParams()), NOW),
    silences: Object.values(state.silences).map((x) => ({ ...gettableSilence(x, NOW) })),
  });
  for (const [real, name] of names) text = text.replaceAll(real, name);
  return JSON.parse(text) as Pick<AlertsSource, 'groups' | 'silences'>;
}

const base = (more: RouterAlert[] = [], silences: Parameters<typeof fromRouter>[1] = []): AlertsSource => ({
  routing,
  escalations: [],
  ftpAlerts: [],
  ...fromRouter([...firing(), ...more], silences),
});

test('groups :: as alert-router groups them (route key + group_by), worst first, capped per group, resolved left out', () => {
  const o = buildOverview(snapshots(base()), parseFilters(new URLSearchParams()).filters, [], settings);
  const a = o.alerts.data!;
  assert.is(a.active, 5);
  assert.equal(
    a.groups.map((g) => [g.key, g.receiver, g.alertCount]),
    [
      ['{}/{severity="critical"}:{alertname="ChecksumMismatch", subsystem="DUTCH"}', 'pager', 3],
      ['{}:{alertname="TransferUnverified", subsystem="STS"}', 'team', 1],
      ['{}:{alertname="Info", subsystem="CCS"}', 'team', 1],
    ],
  );
  assert.equal(
    a.groups[0]!.alerts.map((x) => x.fingerprint),
    ['a2', 'a1'],
    'the oldest first, two per group',
  );
  assert.equal(a.bySeverity, { critical: 3, warning: 1, info: 1 });
});

test('escalation :: step, next target, and the acknowledgement with who and when', () => {
  const src = base();
  const key = '{}/{severity="critical"}:{alertname="ChecksumMismatch", subsystem="DUTCH"}';
  src.escalations = [
    {
      groupKey: key,
      policy: 'ground',
      step: 2,
      round: 0,
      nextAt: NOW + 600_000,
      startedAt: NOW - 60_000,
      notified: ['user:alice'],
    },
  ];
  let g = buildOverview(snapshots(src), parseFilters(new URLSearchParams()).filters, [], settings).alerts.data!
    .groups[0]!;
  assert.equal(g.escalation, {
    policy: 'ground',
    step: 2,
    steps: 6,
    round: 0,
    nextAt: '2026-11-24T10:10:00.000Z',
    next: 'secondary of ground',
    notified: ['user:alice'],
    ack: null,
    stopped: false,
  });
  src.escalations = [{ ...src.escalations[0]!, ack: { by: 'operator', at: Date.parse('2026-11-24T09:59:00Z') } }];
  g = buildOverview(snapshots(src), parseFilters(new URLSearchParams()).filters, [], settings).alerts.data!.groups[0]!;
  assert.equal(
    [g.escalation!.ack, g.escalation!.stopped, g.escalation!.next],
    [{ by: 'operator', at: '2026-11-24T09:59:00.000Z' }, true, null],
  );
});

test('filters :: subsystem, severity and matchers narrow the groups; a label no alert has is noted', () => {
  const f = parseFilters(
    new URLSearchParams('subsystem=STS&subsystem=CCS&severity=warning&severity=info&q=nolabel!%3D"x"'),
  ).filters;
  const a = buildOverview(snapshots(base()), f, [], settings).alerts.data!;
  assert.equal(
    a.groups.map((g) => g.labels.alertname),
    ['TransferUnverified', 'Info'],
  );
  assert.equal(a.notes, ['no active alert has the label "nolabel"']);
});

test('silenced and inhibited :: hidden by default and counted; shown with their state when asked', () => {
  const src = base(
    [alert('s1', { alertname: 'SiteDown', severity: 'critical', subsystem: 'STS' })],
    [
      {
        id: '1b6a5f5e-0000-4000-8000-000000000001',
        matchers: [{ name: 'key', value: 'x', isRegex: false, isEqual: true }],
        startsAt: '2026-11-24T09:00:00Z',
        endsAt: '2026-11-24T12:00:00Z',
        createdBy: 'operator',
        comment: 'known',
      },
    ],
  );
  const hidden = buildOverview(snapshots(src), parseFilters(new URLSearchParams()).filters, [], settings).alerts.data!;
  assert.is(hidden.hiddenSilenced, 2, 'a1 silenced, w1 inhibited by SiteDown in STS');
  assert.is(hidden.silences[0]!.matchers, 'key="x"');
  const shown = buildOverview(snapshots(src), parseFilters(new URLSearchParams('silenced=show')).filters, [], settings)
    .alerts.data!;
  const all = shown.groups.flatMap((g) => g.alerts);
  assert.equal(all.find((x) => x.fingerprint === 'a1')!.silencedBy, ['1b6a5f5e-0000-4000-8000-000000000001']);
  assert.is(all.find((x) => x.fingerprint === 'w1')!.inhibitedBy, 's1');
});

// weekly from Monday 2026-01-05 (alice, bob, carol): 46 weeks later, the week of 2026-11-23 is bob's
test('on call :: primary and secondary now, the next handover and who takes it', () => {
  const o = buildOverview(snapshots(base()), parseFilters(new URLSearchParams()).filters, [], settings).oncall.data!;
  assert.equal(o.schedules[0], {
    name: 'ground',
    zone: 'Europe/Paris',
    primary: 'bob',
    secondary: 'carol',
    layer: 'weekly',
    handoverAt: '2026-11-30T08:00:00.000Z',
    nextPrimary: 'carol',
    nextSecondary: 'alice',
  });
  assert.is(o.holiday, null);
});

test('deliveries :: waiting objects oldest first against the deadline; mismatches of the last 24 h only', () => {
  const d = buildOverview(snapshots(base()), parseFilters(new URLSearchParams()).filters, [], settings).deliveries
    .data!;
  assert.equal(
    d.pending.map((p) => [p.key, p.overdue]),
    [
      ['DUTCH/a.dat', true],
      ['STS/b.dat', false],
    ],
  );
  assert.is(d.overdueCount, 1);
  assert.equal(d.mismatches, []);
});

test('backups :: past their window first (never succeeded, then oldest), with the failure’s status text', () => {
  const o = buildOverview(snapshots(base()), parseFilters(new URLSearchParams()).filters, [], settings);
  assert.equal(
    o.backups.data!.rows.map((r) => [r.client, r.pastWindow, r.expectedHours, r.status]),
    [
      ['egm-app01', true, 26, null],
      ['cgcu-db01', true, 12, null],
      ['sts-app01', false, 26, 'status 58: can not connect'],
    ],
  );
  assert.is(o.backups.stale, true, '31 min old with a 15 min cadence');
  assert.is(o.backups.staleAfterMinutes, 30);
});

test('a failed source :: no data, its error, stale; other panels unaffected', () => {
  const o = buildOverview(snapshots(base()), parseFilters(new URLSearchParams()).filters, [], settings);
  assert.equal(
    [o.ftp.data, o.ftp.error, o.ftp.stale, o.alerts.stale],
    [null, 'cannot reach the state bucket', true, false],
  );
});

test.run();
