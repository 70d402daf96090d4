import type { DateTime } from 'luxon';
import { buildAlert, type Alert } from '#lib/alerting/index.ts';
import { globToRegExp, type SubsystemPattern } from '#lib/text/index.ts';
import { isMissed, type Expectation } from './expectations.ts';
import type { JobClass, NetBackupJob } from './job.ts';

/** EvaluationConfig holds the operator's rules (validated at cold start). */
export interface EvaluationConfig {
  expectations: Expectation[];
  /** subsystems maps a client or policy glob to the subsystem label; first match wins, clients before policies. */
  subsystems: SubsystemPattern[];
  longRunningFactor: number;
  minSamples: number;
  queuedTooLongMinutes: number;
  successRateDays: number;
}

export const DEFAULT_EVALUATION: EvaluationConfig = {
  expectations: [],
  subsystems: [],
  longRunningFactor: 3,
  minSamples: 3,
  queuedTooLongMinutes: 240,
  successRateDays: 7,
};

/** PairStats is what is known of one policy/client/schedule. */
export interface PairStats {
  policy: string;
  client: string;
  schedule: string;
  firstSeen: string;
  lastSuccess: string | null;
  lastAttempt: string | null;
  lastClass: JobClass | null;
  consecutiveFailures: number;
  recent: Array<{ at: string; class: JobClass }>;
}

/** NetBackupState is the durable memory between reports (kept in the state bucket, one record per master). */
export interface NetBackupState {
  version: 1;
  pairs: Record<string, PairStats>;
  finalJobs: Record<string, JobClass>;
  elapsedByPolicy: Record<string, number[]>;
  activeKb: Record<string, number>;
  alerts: Record<string, Alert>;
  /** reports lists the identities (etag or SHA-256) of the last reports evaluated: a replay changes nothing. */
  reports: string[];
}

/** SummaryRow is one line of `cmp-ops netbackup summary`. */
export interface SummaryRow {
  policy: string;
  client: string;
  schedule: string;
  lastSuccess: string | null;
  lastAttempt: string | null;
  lastClass: JobClass | null;
  consecutiveFailures: number;
  successRate: number | null;
}

const FINAL_JOBS_KEPT = 20_000;
const RECENT_KEPT = 50;
const REPORTS_KEPT = 200;
const BACKUP_TYPE = /backup|archive|^0$/i;

/**
 * WINDOW_CLOSED_STATUS is NetBackup status 196, "client backup was not attempted because backup window closed": the
 * job waited in the queue until its window ended, so the backup was missed (BackupMissed), not a failed attempt.
 */
export const WINDOW_CLOSED_STATUS = 196;

// Client names are host names and policy names are typed by hand in several places: both compare ignoring case.
const nameGlob = (glob: string) => globToRegExp(glob, { ignoreCase: true });

/** emptyState is the state before the first report. */
export function emptyState(): NetBackupState {
  return { version: 1, pairs: {}, finalJobs: {}, elapsedByPolicy: {}, activeKb: {}, alerts: {}, reports: [] };
}

function pairKey(job: { policy: string; client: string; schedule: string }): string {
  return `${job.policy}|${job.client}|${job.schedule}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * evaluateJobs folds one report's jobs into the state and returns the alerts to send: only changes against the
 * previous state (newly firing, newly resolved), so replaying a report or re-reading a grown one raises nothing
 * twice, and a failure fixed within the same report raises nothing. Parent jobs never count; their children do.
 */
export function evaluateJobs(
  jobs: NetBackupJob[],
  previous: NetBackupState | null,
  config: EvaluationConfig,
  now: DateTime,
  reportId?: string,
): { state: NetBackupState; alerts: Alert[]; summary: SummaryRow[]; replay: boolean } {
  const state: NetBackupState = structuredClone(previous ?? emptyState());
  state.reports ??= [];
  if (reportId && state.reports.includes(reportId))
    return { state, alerts: [], summary: summarize(state, config, now), replay: true };
  if (reportId) state.reports = [...state.reports, reportId].slice(-REPORTS_KEPT);
  const nowIso = now.toUTC().toISO({ suppressMilliseconds: true })!;
  const firing = new Map(Object.entries(state.alerts));
  const subsystemOf = (client: string, policy: string): string => {
    for (const { pattern, subsystem } of config.subsystems)
      if (nameGlob(pattern).test(client) || nameGlob(pattern).test(policy)) return subsystem;
    return 'unknown';
  };
  const raise = (key: string, alert: Alert): void => {
    if (!firing.has(key)) firing.set(key, alert);
  };
  const clearWhere = (test: (alert: Alert) => boolean): void => {
    for (const [key, alert] of firing) if (test(alert)) firing.delete(key);
  };
  const jobAlert = (
    alertname: string,
    severity: 'critical' | 'warning',
    job: NetBackupJob,
    summary: string,
    extra: Record<string, string> = {},
  ): Alert =>
    buildAlert({
      alertname,
      severity,
      subsystem: subsystemOf(job.client, job.policy),
      labels: { policy: job.policy, client: job.client, schedule: job.schedule, ...extra },
      summary,
      description: `NetBackup job ${job.jobId} (${job.type}, policy ${job.policy}, schedule ${job.schedule}, client ${job.client}) — status ${job.status ?? 'none'}: ${job.statusMessage ?? 'no official text for this code'}.`,
      startsAt: job.ended ?? job.started ?? nowIso,
    });

  const ordered = [...jobs].sort(
    (a, b) => (a.ended ?? a.started ?? '').localeCompare(b.ended ?? b.started ?? '') || a.jobId - b.jobId,
  );
  const seenActive = new Set<string>();
  for (const job of ordered) {
    if (job.isParent || !BACKUP_TYPE.test(job.type)) continue;
    const key = pairKey(job);
    const pair = (state.pairs[key] ??= {
      policy: job.policy,
      client: job.client,
      schedule: job.schedule,
      firstSeen: job.started ?? nowIso,
      lastSuccess: null,
      lastAttempt: null,
      lastClass: null,
      consecutiveFailures: 0,
      recent: [],
    });
    if (job.class === 'running' || job.class === 'queued') {
      seenActive.add(String(job.jobId));
      checkLiveJob(job, state, config, now, raise, jobAlert);
      continue;
    }
    if (state.finalJobs[job.jobId] === job.class) continue; // replayed report: already counted
    state.finalJobs[job.jobId] = job.class;
    delete state.activeKb[job.jobId];
    clearWhere((a) => a.labels.jobid === String(job.jobId));
    const at = job.ended ?? job.started ?? nowIso;
    pair.lastAttempt = at;
    pair.lastClass = job.class;
    pair.recent = [...pair.recent, { at, class: job.class }].slice(-RECENT_KEPT);
    if (job.class === 'success') {
      pair.lastSuccess = at;
      pair.consecutiveFailures = 0;
      if (job.elapsedSeconds !== null)
        state.elapsedByPolicy[job.policy] = [...(state.elapsedByPolicy[job.policy] ?? []), job.elapsedSeconds].slice(
          -20,
        );
      // A later success of the same policy and client resolves its failure, partial and missed alerts.
      clearWhere(
        (a) =>
          a.labels.policy === job.policy &&
          a.labels.client === job.client &&
          ['BackupFailed', 'BackupPartial', 'BackupMissed'].includes(a.labels.alertname),
      );
    } else if (job.class === 'partial') {
      raise(
        `BackupPartial|${key}`,
        jobAlert('BackupPartial', 'warning', job, `Backup partially successful: ${job.policy} / ${job.client}`),
      );
    } else if (job.status === WINDOW_CLOSED_STATUS) {
      pair.consecutiveFailures++;
      raise(
        `BackupMissed|${job.policy}|${job.client}`,
        jobAlert(
          'BackupMissed',
          'critical',
          job,
          `Backup missed: window closed while queued (${job.policy} / ${job.client})`,
        ),
      );
    } else {
      pair.consecutiveFailures++;
      raise(
        `BackupFailed|${key}`,
        jobAlert(
          'BackupFailed',
          'critical',
          job,
          `Backup failed: ${job.policy} / ${job.client} — status ${job.status}`,
        ),
      );
    }
  }
  // Live-job alerts clear once their job is no longer running in a report that lists it, or ended.
  clearWhere((a) => a.labels.jobid !== undefined && state.finalJobs[a.labels.jobid] !== undefined);
  checkExpectations(state, config, now, firing, subsystemOf);
  pruneFinalJobs(state);

  const alerts: Alert[] = [];
  for (const [key, alert] of firing) if (!state.alerts[key]) alerts.push(alert);
  for (const [key, alert] of Object.entries(state.alerts))
    if (!firing.has(key)) alerts.push({ ...alert, endsAt: nowIso });
  state.alerts = Object.fromEntries(firing);
  return { state, alerts, summary: summarize(state, config, now), replay: false };
}

function checkLiveJob(
  job: NetBackupJob,
  state: NetBackupState,
  config: EvaluationConfig,
  now: DateTime,
  raise: (key: string, alert: Alert) => void,
  jobAlert: (
    n: string,
    s: 'critical' | 'warning',
    j: NetBackupJob,
    summary: string,
    extra?: Record<string, string>,
  ) => Alert,
): void {
  const started = job.started ? Date.parse(job.started) : null;
  const runningFor = started === null ? job.elapsedSeconds : Math.max(0, (now.toMillis() - started) / 1000);
  const id = String(job.jobId);
  if (job.class === 'queued' && runningFor !== null && runningFor > config.queuedTooLongMinutes * 60) {
    raise(
      `BackupQueuedTooLong|${id}`,
      jobAlert(
        'BackupQueuedTooLong',
        'warning',
        job,
        `Backup queued for ${Math.round(runningFor / 60)} min: ${job.policy} / ${job.client}`,
        { jobid: id },
      ),
    );
  }
  if (job.class === 'running') {
    const samples = state.elapsedByPolicy[job.policy] ?? [];
    if (
      runningFor !== null &&
      samples.length >= config.minSamples &&
      runningFor > config.longRunningFactor * median(samples)
    ) {
      raise(
        `BackupLongRunning|${id}`,
        jobAlert(
          'BackupLongRunning',
          'warning',
          job,
          `Backup running ${Math.round(runningFor / 60)} min, over ${config.longRunningFactor}× the policy median: ${job.policy} / ${job.client}`,
          { jobid: id },
        ),
      );
    }
    // Frozen: an active job whose KB did not move since the previous report (Centreon's "frozen" check).
    if (job.kilobytes !== null && state.activeKb[id] === job.kilobytes) {
      raise(
        `BackupFrozen|${id}`,
        jobAlert(
          'BackupFrozen',
          'warning',
          job,
          `Backup made no progress since the previous report: ${job.policy} / ${job.client}`,
          { jobid: id },
        ),
      );
    }
    if (job.kilobytes !== null) state.activeKb[id] = job.kilobytes;
  }
}

function checkExpectations(
  state: NetBackupState,
  config: EvaluationConfig,
  now: DateTime,
  firing: Map<string, Alert>,
  subsystemOf: (c: string, p: string) => string,
): void {
  for (const expectation of config.expectations) {
    const policy = nameGlob(expectation.policy);
    const client = nameGlob(expectation.client);
    const byPair = new Map<string, PairStats[]>();
    for (const pair of Object.values(state.pairs)) {
      if (!policy.test(pair.policy) || !client.test(pair.client)) continue;
      const k = `${pair.policy}|${pair.client}`;
      byPair.set(k, [...(byPair.get(k) ?? []), pair]);
    }
    for (const [k, pairs] of byPair) {
      const [pol, cli] = k.split('|') as [string, string];
      const successes = pairs.flatMap((p) => p.recent.filter((r) => r.class === 'success').map((r) => r.at));
      const since = pairs.map((p) => p.firstSeen).sort()[0]!;
      const key = `BackupMissed|${k}`;
      if (isMissed(expectation, successes, since, now)) {
        if (!firing.has(key)) {
          firing.set(
            key,
            buildAlert({
              alertname: 'BackupMissed',
              severity: 'critical',
              subsystem: subsystemOf(cli, pol),
              labels: { policy: pol, client: cli, schedule: expectation.name },
              summary: `No successful backup of ${cli} (${pol}) in ${expectation.everyHours} h`,
              description: `Expectation "${expectation.name}": a successful backup at least every ${expectation.everyHours} h${expectation.window ? ` inside ${expectation.window.start}–${expectation.window.end} ${expectation.window.zone}` : ''}. Last success: ${successes.sort().at(-1) ?? 'never'}.`,
              startsAt: now.toUTC().toISO({ suppressMilliseconds: true })!,
            }),
          );
        }
      } else if (firing.get(key)?.labels.schedule === expectation.name) {
        firing.delete(key);
      }
    }
  }
}

function pruneFinalJobs(state: NetBackupState): void {
  const ids = Object.keys(state.finalJobs);
  if (ids.length <= FINAL_JOBS_KEPT) return;
  for (const id of ids
    .map(Number)
    .sort((a, b) => a - b)
    .slice(0, ids.length - FINAL_JOBS_KEPT))
    delete state.finalJobs[id];
}

/** summarize lists every policy/client/schedule with its last success and success rate over the configured days. */
export function summarize(state: NetBackupState, config: EvaluationConfig, now: DateTime): SummaryRow[] {
  const since = now.minus({ days: config.successRateDays }).toUTC().toISO()!;
  return Object.values(state.pairs)
    .map((p) => {
      const window = p.recent.filter((r) => r.at >= since);
      return {
        policy: p.policy,
        client: p.client,
        schedule: p.schedule,
        lastSuccess: p.lastSuccess,
        lastAttempt: p.lastAttempt,
        lastClass: p.lastClass,
        consecutiveFailures: p.consecutiveFailures,
        successRate: window.length ? window.filter((r) => r.class === 'success').length / window.length : null,
      };
    })
    .sort(
      (a, b) =>
        a.policy.localeCompare(b.policy) || a.client.localeCompare(b.client) || a.schedule.localeCompare(b.schedule),
    );
}
