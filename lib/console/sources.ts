import type { AlertmanagerConfig } from '#lib/alerting/config/index.ts';
import type { Alert } from '#lib/alerting/index.ts';
import type { OnCallConfig } from '#lib/alerting/oncall/index.ts';
import type { PairStats } from '#lib/netbackup/index.ts';

/**
 * The shapes the console reads from the other functions: alert-router's HTTP API (Alertmanager API v2 paths and its
 * escalation list) and the records the other functions keep in the state bucket. Only the fields shown are named.
 */
export interface RouterAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

/** RouterGroupAlert is an alert as alert-router's groups endpoint lists it, with its silenced/inhibited state. */
export interface RouterGroupAlert extends RouterAlert {
  status: { state: string; silencedBy: string[]; inhibitedBy: string[]; mutedBy?: string[] };
}

/** RouterGroup is one aggregation group from `GET /api/v2/alerts/groups` (Alertmanager's alertGroup + groupKey). */
export interface RouterGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  groupKey: string;
  alerts: RouterGroupAlert[];
}

export interface RouterSilence {
  id: string;
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual?: boolean }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'pending' | 'active' | 'expired' };
}

export interface RouterEscalation {
  groupKey: string;
  policy: string;
  step: number;
  round: number;
  nextAt: number;
  startedAt: number;
  done?: boolean;
  ack?: { by: string; at: number; note?: string };
  notified: string[];
}

/** Routing is alert-router's routing file as loaded: the tree that groups alerts and the on-call section. */
export interface Routing {
  config: AlertmanagerConfig;
  oncall: OnCallConfig;
  source: string;
}

/**
 * AlertsSource is one read of alert-router: its groups (firing alerts as it groups them), the FTP findings it holds
 * (resolved ones too), silences, escalations, and the routing file (on-call schedules, escalation policies).
 */
export interface AlertsSource {
  groups: RouterGroup[];
  ftpAlerts: RouterAlert[];
  silences: RouterSilence[];
  escalations: RouterEscalation[];
  routing: Routing;
}

/** DeliveryRecord is what the console keeps of one checksum-verify verdict (pending or mismatching only). */
export interface DeliveryRecord {
  bucket: string;
  key: string;
  verdict: 'pending' | 'mismatch';
  size: number;
  firstSeenAt: string;
  verifiedAt: string;
  algorithm?: string;
  expected?: string;
  actual?: string;
}

export interface SweepSummary {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  objects: number;
  bytes: number;
  counts: Record<string, number>;
  findings: Array<{ kind: string; bucket: string; key: string; detail: string }>;
}

export interface DeliveriesSource {
  records: DeliveryRecord[];
  quarantined: Array<{ key: string; size: number; lastModified: string }>;
  sweep: SweepSummary | null;
  sweepInProgress: { runId: string; startedAt: string; objects: number } | null;
}

export interface BackupsSource {
  masters: Array<{ master: string; pairs: PairStats[]; alerts: Alert[] }>;
}

export interface FtpSource {
  pending: Array<{ server: string; host: string; user: string; path: string; bytes: number; time: string }>;
  servers: string[];
}

export interface InstallationSource {
  lastRunAt: string | null;
  findings: Array<{ key: string; firstSeenAt: number; firing: boolean; alert?: Alert }>;
}

/** Sources names every panel's source, in the order the page shows them. */
export interface Sources {
  alerts: AlertsSource;
  deliveries: DeliveriesSource;
  backups: BackupsSource;
  ftp: FtpSource;
  installation: InstallationSource;
}

export type SourceName = keyof Sources;

/** Snapshot is the last good read of a source, when it was made, and the last error if the latest read failed. */
export interface Snapshot<T> {
  data: T | undefined;
  asOf: number | undefined;
  error?: string;
  /** cadenceMs is how often the source is expected to change: stale beyond twice that. */
  cadenceMs: number;
}

export type Snapshots = { [K in SourceName]: Snapshot<Sources[K]> };
