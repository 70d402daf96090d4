import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_EVALUATION,
  evaluateJobs,
  parseColumnsLine,
  type EvaluationConfig,
  type NetBackupJob,
  type NetBackupState,
} from '#lib/netbackup/index.ts';
import { allColumnsLine, type JobSpec } from '../helpers/netbackup-lines.ts';

const test = suite('netbackup/evaluate');
const T0 = Date.parse('2026-11-24T16:00:00Z') / 1000;
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const job = (spec: JobSpec): NetBackupJob =>
  parseColumnsLine(allColumnsLine({ started: T0, ended: T0 + 600, elapsed: 600, ...spec }), 1, {
    layout: 'all-columns',
  }) as NetBackupJob;
const config: EvaluationConfig = {
  ...DEFAULT_EVALUATION,
  subsystems: [
    { pattern: 'cgcu-*', subsystem: 'CGCU' },
    { pattern: 'STS_*', subsystem: 'STS' },
  ],
};
const names = (alerts: Array<{ labels: Record<string, string>; endsAt?: string }>) =>
  alerts.map((a) => `${a.labels.alertname}${a.endsAt ? ':resolved' : ''}`);
const now = at('2026-11-24T18:00:00Z');

test('failure then later success :: BackupFailed fires with the subsystem, then resolves on the next success of that policy and client', () => {
  const first = evaluateJobs(
    [job({ jobid: 1, client: 'cgcu-db01', policy: 'CGCU_Oracle', status: 58 })],
    null,
    config,
    now,
    'r1',
  );
  assert.equal(names(first.alerts), ['BackupFailed']);
  assert.equal(first.alerts[0]!.labels, {
    policy: 'CGCU_Oracle',
    client: 'cgcu-db01',
    schedule: 'Full',
    alertname: 'BackupFailed',
    severity: 'critical',
    subsystem: 'CGCU',
  });
  assert.match(first.alerts[0]!.annotations.description!, /can't connect to client/);
  const second = evaluateJobs(
    [job({ jobid: 2, client: 'cgcu-db01', policy: 'CGCU_Oracle', status: 0, started: T0 + 3600, ended: T0 + 4200 })],
    first.state,
    config,
    now,
    'r2',
  );
  assert.equal(names(second.alerts), ['BackupFailed:resolved']);
});

test('replay :: the same report again raises nothing, whatever the time', () => {
  const first = evaluateJobs(
    [job({ jobid: 1, status: 13 }), job({ jobid: 5, state: 1, status: '', ended: '0000000000' })],
    null,
    config,
    now,
    'same',
  );
  const again = evaluateJobs(
    [job({ jobid: 1, status: 13 }), job({ jobid: 5, state: 1, status: '', ended: '0000000000' })],
    first.state,
    config,
    now.plus({ hours: 1 }),
    'same',
  );
  assert.ok(again.replay);
  assert.equal(again.alerts, []);
});

test('grown report :: a re-read report with one more job raises only the new job', () => {
  const first = evaluateJobs([job({ jobid: 1, status: 13 })], null, config, now, 'v1');
  const grown = evaluateJobs(
    [job({ jobid: 1, status: 13 }), job({ jobid: 2, client: 'egm-db01', status: 84 })],
    first.state,
    config,
    now,
    'v2',
  );
  assert.equal(
    grown.alerts.map((a) => a.labels.client),
    ['egm-db01'],
  );
});

test('fixed within the report :: a failure followed by a success of the same pair raises nothing', () => {
  const r = evaluateJobs(
    [job({ jobid: 1, status: 58 }), job({ jobid: 2, status: 0, started: T0 + 700, ended: T0 + 900 })],
    null,
    config,
    now,
  );
  assert.equal(r.alerts, []);
});

test('classes :: partial is a warning, 196 is a missed backup', () => {
  const r = evaluateJobs(
    [job({ jobid: 1, status: 1 }), job({ jobid: 2, client: 'omgs-app02', status: 196, tries: [] })],
    null,
    config,
    now,
  );
  assert.equal(names(r.alerts).sort(), ['BackupMissed', 'BackupPartial']);
  assert.is(r.alerts.find((a) => a.labels.alertname === 'BackupPartial')!.labels.severity, 'warning');
});

test('parents :: a failed parent does not count; its failed child does, once', () => {
  const r = evaluateJobs(
    [job({ jobid: 10, schedule: '-', status: 2, kbytes: 0 }), job({ jobid: 11, parentjob: 10, status: 2 })],
    null,
    config,
    now,
  );
  assert.is(r.alerts.length, 1);
  assert.is(r.summary.length, 1);
});

test('non-backup jobs :: an image cleanup failure is not a BackupFailed', () => {
  const r = evaluateJobs([job({ jobid: 1, jobtype: 17, status: 2 })], null, config, now);
  assert.equal(r.alerts, []);
});

test('summary :: last success, last attempt, consecutive failures, success rate', () => {
  const r = evaluateJobs(
    [
      job({ jobid: 1, status: 0 }),
      job({ jobid: 2, status: 13, started: T0 + 1000, ended: T0 + 1100 }),
      job({ jobid: 3, status: 13, started: T0 + 2000, ended: T0 + 2100 }),
    ],
    null,
    config,
    now,
  );
  assert.equal(r.summary, [
    {
      policy: 'STS_Daily',
      client: 'sts-app01',
      schedule: 'Full',
      lastSuccess: '2026-11-24T16:10:00Z',
      lastAttempt: '2026-11-24T16:35:00Z',
      lastClass: 'failure',
      consecutiveFailures: 2,
      successRate: 1 / 3,
    },
  ]);
});

test('long running :: an active job over 3× the policy median elapsed', () => {
  let state: NetBackupState | null = null;
  for (let i = 0; i < 3; i++)
    state = evaluateJobs([job({ jobid: 100 + i, status: 0, elapsed: 600 })], state, config, now, `s${i}`).state;
  const running = job({ jobid: 200, state: 1, status: '', started: T0 + 7200 - 2400, ended: '0000000000' });
  const r = evaluateJobs([running], state, config, at('2026-11-24T18:00:00Z'), 'live');
  assert.equal(names(r.alerts), ['BackupLongRunning']);
  assert.is(r.alerts[0]!.labels.jobid, '200');
  const done = evaluateJobs(
    [{ ...running, state: 'done', status: 0, class: 'success', ended: '2026-11-24T18:05:00Z' }],
    r.state,
    config,
    at('2026-11-24T18:10:00Z'),
    'live2',
  );
  assert.equal(names(done.alerts), ['BackupLongRunning:resolved']);
});

test('frozen :: an active job whose KB did not move between two reports', () => {
  const active = job({ jobid: 300, state: 1, status: '', ended: '0000000000', kbytes: 5000, started: T0 + 7000 });
  const first = evaluateJobs([active], null, config, now, 'f1');
  assert.equal(first.alerts, []);
  const second = evaluateJobs([active], first.state, config, now.plus({ minutes: 15 }), 'f2');
  assert.equal(names(second.alerts), ['BackupFrozen']);
});

test('queued too long :: a job queued past the limit', () => {
  const r = evaluateJobs(
    [job({ jobid: 400, state: 0, status: '', started: T0, ended: '0000000000' })],
    null,
    { ...config, queuedTooLongMinutes: 60 },
    now,
  );
  assert.equal(names(r.alerts), ['BackupQueuedTooLong']);
});

test('expectation :: no success within 24 h is BackupMissed; a success resolves it', () => {
  const expect: EvaluationConfig = {
    ...config,
    expectations: [{ name: 'daily', policy: 'STS_*', client: '*', everyHours: 24 }],
  };
  const first = evaluateJobs([job({ jobid: 1, status: 0 })], null, expect, now);
  assert.equal(first.alerts, []);
  const later = evaluateJobs([], first.state, expect, now.plus({ hours: 30 }));
  assert.equal(names(later.alerts), ['BackupMissed']);
  assert.equal(later.alerts[0]!.labels.schedule, 'daily');
  const fixed = evaluateJobs(
    [job({ jobid: 2, status: 0, started: T0 + 30 * 3600, ended: T0 + 30 * 3600 + 60 })],
    later.state,
    expect,
    now.plus({ hours: 31 }),
  );
  assert.equal(names(fixed.alerts), ['BackupMissed:resolved']);
});

test('expectation with a window :: not missed while the Paris window is still open, missed after it closes', () => {
  const expect: EvaluationConfig = {
    ...config,
    expectations: [
      {
        name: 'nightly',
        policy: '*',
        client: '*',
        everyHours: 24,
        window: { start: '22:00', end: '06:00', zone: 'Europe/Paris' },
      },
    ],
  };
  // last success 2026-11-23 22:30 Paris (21:30Z), inside the window
  const base = evaluateJobs(
    [job({ jobid: 1, status: 0, started: 1795467600, ended: 1795469400 })],
    null,
    expect,
    at('2026-11-23T22:00:00Z'),
  );
  assert.equal(
    evaluateJobs([], base.state, expect, at('2026-11-24T23:00:00Z')).alerts,
    [],
    '00:00 Paris: the window is open',
  );
  assert.equal(
    names(evaluateJobs([], base.state, expect, at('2026-11-25T05:30:00Z')).alerts),
    ['BackupMissed'],
    '06:30 Paris: closed',
  );
});

test.run();
