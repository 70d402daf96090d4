import { DateTime } from 'luxon';
import { whoIsOnCall } from '#lib/alerting/oncall/index.ts';
import type { Expectation } from '#lib/netbackup/index.ts';
import { globToRegExp } from '#lib/text/index.ts';
import { SEVERITY_NAMES, selectGroups, severityRank as rank } from './alert-groups.ts';
import type { Filters, FilterProblem } from './filters.ts';
import type {
  AlertsSource,
  BackupsSource,
  DeliveriesSource,
  FtpSource,
  InstallationSource,
  RouterEscalation,
  RouterGroupAlert,
  Snapshot,
  Snapshots,
} from './sources.ts';

/** OverviewSettings are the limits and rules the overview is computed with (from the console's configuration). */
export interface OverviewSettings {
  now: number;
  zone: string;
  deliveryDeadlineMs: number;
  backupExpectations: Array<Pick<Expectation, 'policy' | 'client' | 'everyHours'>>;
  defaultBackupHours: number;
  limits: { groups: number; alertsPerGroup: number; rows: number };
}

/** Panel is one panel's data with its age: `asOf` is when its source last answered, `stale` past twice its cadence. */
export interface Panel<T> {
  asOf: string | null;
  stale: boolean;
  staleAfterMinutes: number;
  error?: string;
  data: T | null;
}

export interface AlertView {
  fingerprint: string;
  alertname: string;
  severity: string;
  subsystem: string;
  summary: string;
  startsAt: string;
  labels: Record<string, string>;
  silencedBy: string[];
  inhibitedBy?: string;
}

export interface EscalationView {
  policy: string;
  step: number;
  steps: number;
  round: number;
  nextAt: string | null;
  next: string | null;
  notified: string[];
  ack: { by: string; at: string; note?: string } | null;
  stopped: boolean;
}

export interface GroupView {
  key: string;
  receiver: string;
  labels: Record<string, string>;
  severity: string;
  alertCount: number;
  alerts: AlertView[];
  escalation: EscalationView | null;
}

export interface AlertsPanel {
  active: number;
  matching: number;
  hiddenSilenced: number;
  bySeverity: Record<string, number>;
  groupCount: number;
  groups: GroupView[];
  silences: Array<{
    id: string;
    matchers: string;
    createdBy: string;
    comment: string;
    startsAt: string;
    endsAt: string;
    state: string;
  }>;
  notes: string[];
}

export interface OnCallPanel {
  schedules: Array<{
    name: string;
    zone: string;
    primary: string;
    secondary: string | null;
    layer: string;
    handoverAt: string;
    nextPrimary: string | null;
    nextSecondary: string | null;
  }>;
  holiday: string | null;
  routing: string;
}

export interface DeliveriesPanel {
  pendingCount: number;
  overdueCount: number;
  pending: Array<{ bucket: string; key: string; since: string; deadline: string; overdue: boolean }>;
  mismatches: Array<{ bucket: string; key: string; at: string; algorithm: string; expected: string; actual: string }>;
  quarantined: Array<{ key: string; size: number; at: string }>;
  quarantinedCount: number;
  sweep: {
    runId: string;
    finishedAt: string | null;
    objects: number;
    bytes: number;
    findings: number;
    counts: Record<string, number>;
  } | null;
  sweepInProgress: { startedAt: string; objects: number } | null;
}

export interface BackupsPanel {
  clients: number;
  pastWindow: number;
  rows: Array<{
    master: string;
    policy: string;
    client: string;
    schedule: string;
    lastSuccess: string | null;
    ageHours: number | null;
    expectedHours: number;
    pastWindow: boolean;
    lastFailure: string | null;
    status: string | null;
  }>;
}

export interface FtpPanel {
  findings: Array<{
    kind: 'burst' | 'incomplete' | 'zero-byte' | 'not-landed';
    alertname: string;
    severity: string;
    at: string;
    summary: string;
    server: string;
    resolved: boolean;
  }>;
  counts: Record<'burst' | 'incomplete' | 'zero-byte' | 'not-landed', number>;
  waiting: number;
  servers: string[];
}

export interface InstallationPanel {
  lastRunAt: string | null;
  unhealthy: Array<{
    kind: string;
    severity: string;
    subsystem: string;
    what: string;
    summary: string;
    since: string;
    firing: boolean;
  }>;
  images: Array<{
    kind: string;
    severity: string;
    subsystem: string;
    what: string;
    summary: string;
    since: string;
    firing: boolean;
  }>;
}

/** Overview is everything the page and `api/v1/overview` show, computed from the collector's last reads. */
export interface Overview {
  generatedAt: string;
  filters: { subsystem: string[]; severity: string[]; q: string; silenced: 'show' | 'hide'; view: 'wall' | 'desk' };
  problems: FilterProblem[];
  alerts: Panel<AlertsPanel>;
  oncall: Panel<OnCallPanel>;
  deliveries: Panel<DeliveriesPanel>;
  backups: Panel<BackupsPanel>;
  ftp: Panel<FtpPanel>;
  installation: Panel<InstallationPanel>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const DAY_MS = 86_400_000;

// The deliveries and backups panels sort thousands of rows by age: computed once per read and minute (their ages
// and deadlines move by the minute), then shared by every page and JSON answer drawn in that minute.
const perMinute = new WeakMap<object, { key: string; value: unknown }>();
function oncePerMinute<S extends object, T>(source: S, s: OverviewSettings, build: () => T): T {
  const key = `${Math.floor(s.now / 60_000)}|${s.deliveryDeadlineMs}|${s.defaultBackupHours}|${JSON.stringify(s.backupExpectations)}|${s.limits.rows}`;
  const hit = perMinute.get(source);
  if (hit?.key === key) return hit.value as T;
  const value = build();
  perMinute.set(source, { key, value });
  return value;
}

function panel<S, T>(snapshot: Snapshot<S>, now: number, build: (data: S) => T): Panel<T> {
  const staleAfter = 2 * snapshot.cadenceMs;
  return {
    asOf: snapshot.asOf !== undefined ? iso(snapshot.asOf) : null,
    stale: snapshot.asOf === undefined ? snapshot.error !== undefined : now - snapshot.asOf > staleAfter,
    staleAfterMinutes: Math.round(staleAfter / 60_000),
    ...(snapshot.error ? { error: snapshot.error } : {}),
    data: snapshot.data === undefined ? null : build(snapshot.data),
  };
}

function alertView(a: RouterGroupAlert): AlertView {
  return {
    fingerprint: a.fingerprint,
    alertname: a.labels.alertname ?? '',
    severity: a.labels.severity ?? 'info',
    subsystem: a.labels.subsystem ?? '',
    summary: a.annotations.summary ?? a.annotations.description ?? '',
    startsAt: a.startsAt,
    labels: a.labels,
    silencedBy: a.status.silencedBy,
    ...(a.status.inhibitedBy.length ? { inhibitedBy: a.status.inhibitedBy[0]! } : {}),
  };
}

function escalationView(esc: RouterEscalation, source: AlertsSource): EscalationView {
  const policy = source.routing.oncall.policies.get(esc.policy);
  const steps = policy?.steps ?? [];
  const upcoming = steps.slice(esc.step).find((s) => 'notify' in s);
  const next =
    upcoming && 'notify' in upcoming
      ? 'receiver' in upcoming.notify
        ? upcoming.notify.receiver
        : 'users' in upcoming.notify
          ? upcoming.notify.users.join(', ')
          : `${upcoming.notify.who} of ${upcoming.notify.schedule}`
      : null;
  const stopped = esc.ack !== undefined || esc.done === true;
  return {
    policy: esc.policy,
    step: esc.step,
    steps: steps.length,
    round: esc.round,
    nextAt: stopped ? null : iso(esc.nextAt),
    next: stopped ? null : next,
    notified: esc.notified,
    ack: esc.ack ? { by: esc.ack.by, at: iso(esc.ack.at), ...(esc.ack.note ? { note: esc.ack.note } : {}) } : null,
    stopped,
  };
}

function alertsPanel(source: AlertsSource, filters: Filters, s: OverviewSettings): AlertsPanel {
  const selection = selectGroups(source.groups, filters);
  const escalations = new Map(source.escalations.map((e) => [e.groupKey, e]));
  const notes = filters.matchers
    .filter((m) => !selection.labelNames.has(m.name))
    .map((m) => `no active alert has the label "${m.name}"`);
  return {
    active: selection.active,
    matching: selection.matching,
    hiddenSilenced: selection.hiddenSilenced,
    bySeverity: selection.bySeverity,
    groupCount: selection.groups.length,
    notes,
    groups: selection.groups.slice(0, s.limits.groups).map(({ group, alerts, severity }) => {
      const esc = escalations.get(group.groupKey);
      const shown =
        alerts.length > s.limits.alertsPerGroup
          ? [...alerts]
              .sort(
                (a, b) =>
                  rank(a.labels.severity) - rank(b.labels.severity) || Date.parse(a.startsAt) - Date.parse(b.startsAt),
              )
              .slice(0, s.limits.alertsPerGroup)
          : alerts;
      return {
        key: group.groupKey,
        receiver: group.receiver.name,
        labels: group.labels,
        severity: SEVERITY_NAMES[severity] ?? 'info',
        alertCount: alerts.length,
        alerts: shown.map(alertView),
        escalation: esc ? escalationView(esc, source) : null,
      };
    }),
    silences: source.silences
      .filter((x) => x.status.state !== 'expired')
      .sort((a, b) => a.endsAt.localeCompare(b.endsAt))
      .slice(0, s.limits.rows)
      .map((x) => ({
        id: x.id,
        matchers: x.matchers
          .map(
            (m) =>
              `${m.name}${m.isEqual === false ? (m.isRegex ? '!~' : '!=') : m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`,
          )
          .join(', '),
        createdBy: x.createdBy,
        comment: x.comment,
        startsAt: x.startsAt,
        endsAt: x.endsAt,
        state: x.status.state,
      })),
  };
}

function onCallPanel(source: AlertsSource, s: OverviewSettings): OnCallPanel {
  const oncall = source.routing.oncall;
  const schedules: OnCallPanel['schedules'] = [];
  let zone = s.zone;
  for (const schedule of oncall.schedules.values()) {
    zone = schedule.zone;
    const on = whoIsOnCall(schedule, s.now, oncall.isHoliday);
    if (!on) continue;
    const next = whoIsOnCall(schedule, on.until, oncall.isHoliday);
    schedules.push({
      name: schedule.name,
      zone: schedule.zone,
      primary: on.primary,
      secondary: on.secondary ?? null,
      layer: on.layer,
      handoverAt: iso(on.until),
      nextPrimary: next?.primary ?? null,
      nextSecondary: next?.secondary ?? null,
    });
  }
  const today = DateTime.fromMillis(s.now, { zone }).toISODate()!;
  return { schedules, holiday: oncall.isHoliday(today) ?? null, routing: source.routing.source };
}

function deliveriesPanel(source: DeliveriesSource, s: OverviewSettings): DeliveriesPanel {
  const since = s.now - DAY_MS;
  const pending = source.records
    .filter((r) => r.verdict === 'pending')
    .map((r) => ({ r, at: Date.parse(r.firstSeenAt) || 0 }))
    .sort((a, b) => a.at - b.at);
  const overdue = pending.filter((p) => p.at + s.deliveryDeadlineMs < s.now).length;
  const mismatches = source.records
    .filter((r) => r.verdict === 'mismatch' && Date.parse(r.firstSeenAt) >= since)
    .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt));
  const quarantined = source.quarantined
    .filter((q) => Date.parse(q.lastModified) >= since)
    .sort((a, b) => b.lastModified.localeCompare(a.lastModified));
  return {
    pendingCount: pending.length,
    overdueCount: overdue,
    pending: pending.slice(0, s.limits.rows).map(({ r, at }) => ({
      bucket: r.bucket,
      key: r.key,
      since: r.firstSeenAt,
      deadline: iso(at + s.deliveryDeadlineMs),
      overdue: at + s.deliveryDeadlineMs < s.now,
    })),
    mismatches: mismatches.slice(0, s.limits.rows).map((r) => ({
      bucket: r.bucket,
      key: r.key,
      at: r.firstSeenAt,
      algorithm: r.algorithm ?? '',
      expected: r.expected ?? '',
      actual: r.actual ?? '',
    })),
    quarantined: quarantined.slice(0, s.limits.rows).map((q) => ({ key: q.key, size: q.size, at: q.lastModified })),
    quarantinedCount: quarantined.length,
    sweep: source.sweep
      ? {
          runId: source.sweep.runId,
          finishedAt: source.sweep.finishedAt ?? null,
          objects: source.sweep.objects,
          bytes: source.sweep.bytes,
          findings: Object.values(source.sweep.counts).reduce((a, b) => a + b, 0),
          counts: source.sweep.counts,
        }
      : null,
    sweepInProgress: source.sweepInProgress
      ? { startedAt: source.sweepInProgress.startedAt, objects: source.sweepInProgress.objects }
      : null,
  };
}

const FAILED_CLASSES = new Set(['failure', 'partial']);

function backupsPanel(source: BackupsSource, s: OverviewSettings): BackupsPanel {
  const expectations = s.backupExpectations.map((e) => ({
    policy: globToRegExp(e.policy, { ignoreCase: true }),
    client: globToRegExp(e.client, { ignoreCase: true }),
    hours: e.everyHours,
  }));
  const rows: BackupsPanel['rows'] = [];
  for (const m of source.masters) {
    const status = new Map<string, string>();
    for (const a of m.alerts)
      if (['BackupFailed', 'BackupPartial'].includes(a.labels.alertname ?? ''))
        status.set(`${a.labels.policy}\n${a.labels.client}`, a.annotations.summary ?? '');
    for (const p of m.pairs) {
      const expectedHours =
        expectations.find((e) => e.policy.test(p.policy) && e.client.test(p.client))?.hours ?? s.defaultBackupHours;
      const success = p.lastSuccess ? Date.parse(p.lastSuccess) : null;
      const ageHours = success === null ? null : Math.round(((s.now - success) / 3_600_000) * 10) / 10;
      const failure = [...p.recent].reverse().find((r) => FAILED_CLASSES.has(r.class));
      rows.push({
        master: m.master,
        policy: p.policy,
        client: p.client,
        schedule: p.schedule,
        lastSuccess: p.lastSuccess,
        ageHours,
        expectedHours,
        pastWindow: ageHours === null || ageHours > expectedHours,
        lastFailure: failure?.at ?? null,
        status: failure ? (status.get(`${p.policy}\n${p.client}`) ?? failure.class) : null,
      });
    }
  }
  rows.sort(
    (a, b) =>
      Number(b.pastWindow) - Number(a.pastWindow) ||
      (b.ageHours ?? Infinity) - (a.ageHours ?? Infinity) ||
      a.client.localeCompare(b.client),
  );
  return {
    clients: rows.length,
    pastWindow: rows.filter((r) => r.pastWindow).length,
    rows: rows.slice(0, s.limits.rows),
  };
}

const FTP_KINDS: Record<string, FtpPanel['findings'][number]['kind']> = {
  FtpBruteForce: 'burst',
  FtpTransferIncomplete: 'incomplete',
  FtpZeroByteUpload: 'zero-byte',
  TransferNotLanded: 'not-landed',
  TransferSizeMismatch: 'not-landed',
  TransferUnverified: 'not-landed',
};

/** FTP_ALERTNAMES are the alerts the FTP panel shows (asked of alert-router by name, resolved ones included). */
export const FTP_ALERTNAMES = [
  'FtpBruteForce',
  'FtpTransferIncomplete',
  'FtpZeroByteUpload',
  'TransferNotLanded',
  'TransferSizeMismatch',
  'TransferUnverified',
];

function ftpPanel(source: FtpSource, alerts: AlertsSource | undefined, s: OverviewSettings): FtpPanel {
  const since = s.now - DAY_MS;
  const findings: FtpPanel['findings'] = [];
  for (const a of alerts?.ftpAlerts ?? []) {
    const kind = FTP_KINDS[a.labels.alertname ?? ''];
    if (!kind || Date.parse(a.startsAt) < since) continue;
    findings.push({
      kind,
      alertname: a.labels.alertname!,
      severity: a.labels.severity ?? 'info',
      at: a.startsAt,
      summary: a.annotations.summary ?? '',
      server: a.labels.server ?? '',
      resolved: Date.parse(a.endsAt) <= s.now,
    });
  }
  findings.sort((a, b) => b.at.localeCompare(a.at));
  const counts = { burst: 0, incomplete: 0, 'zero-byte': 0, 'not-landed': 0 };
  for (const f of findings) counts[f.kind]++;
  return {
    findings: findings.slice(0, s.limits.rows),
    counts,
    waiting: source.pending.length,
    servers: source.servers,
  };
}

const IMAGE_KINDS = new Set([
  'UnapprovedImage',
  'ImageUnverifiable',
  'ReleaseManifestMissing',
  'ReleaseManifestInvalid',
]);

function installationPanel(source: InstallationSource, s: OverviewSettings): InstallationPanel {
  const rows = source.findings
    .map((f) => {
      const labels: Record<string, string | undefined> = f.alert?.labels ?? {};
      const kind = labels.alertname ?? f.key.split('/')[0] ?? f.key;
      return {
        kind,
        severity: labels.severity ?? 'warning',
        subsystem: labels.subsystem ?? '',
        what: labels.workload ?? labels.node ?? f.key,
        summary: f.alert?.annotations.summary ?? `${f.key} (not yet alerting)`,
        since: iso(f.firstSeenAt),
        firing: f.firing,
      };
    })
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.since.localeCompare(b.since));
  return {
    lastRunAt: source.lastRunAt,
    unhealthy: rows.filter((r) => !IMAGE_KINDS.has(r.kind)).slice(0, s.limits.rows),
    images: rows.filter((r) => IMAGE_KINDS.has(r.kind)).slice(0, s.limits.rows),
  };
}

/** buildOverview computes every panel from the collector's snapshots, the alerts filtered as the URL asks. */
export function buildOverview(
  snapshots: Snapshots,
  filters: Filters,
  problems: FilterProblem[],
  s: OverviewSettings,
): Overview {
  const alerts = snapshots.alerts;
  return {
    generatedAt: iso(s.now),
    filters: {
      subsystem: filters.subsystems,
      severity: filters.severities,
      q: filters.q,
      silenced: filters.showSilenced ? 'show' : 'hide',
      view: filters.wall ? 'wall' : 'desk',
    },
    problems,
    alerts: panel(alerts, s.now, (d) => alertsPanel(d, filters, s)),
    oncall: panel(alerts, s.now, (d) => onCallPanel(d, s)),
    deliveries: panel(snapshots.deliveries, s.now, (d) => oncePerMinute(d, s, () => deliveriesPanel(d, s))),
    backups: panel(snapshots.backups, s.now, (d) => oncePerMinute(d, s, () => backupsPanel(d, s))),
    ftp: panel(snapshots.ftp, s.now, (d) => ftpPanel(d, alerts.data, s)),
    installation: panel(snapshots.installation, s.now, (d) => installationPanel(d, s)),
  };
}
