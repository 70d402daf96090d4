import type { DateTime } from 'luxon';
import type { Alert } from '#lib/alerting/index.ts';
import type { KubeReader } from '#lib/k8s/index.ts';
import type { ObjectStore, StateStore } from '#lib/storage/index.ts';

/** CheckStatus is TestLink's execution status: passed, failed, or blocked (a precondition was down). */
export type CheckStatus = 'p' | 'f' | 'b';

/** CheckOutcome is what a check concluded, with the evidence an auditor can verify (keys, digests, times). */
export interface CheckOutcome {
  status: CheckStatus;
  summary: string;
  evidence: string[];
}

/** EscalationView is what alert-router tells about one escalation (GET /api/v1/escalations). */
export interface EscalationView {
  groupKey: string;
  startedAt: number;
  notified: string[];
  ack?: { by: string; at: number; note?: string };
}

/** AlertPathPort reaches alert-router: send alerts, and read its escalations. */
export interface AlertPathPort {
  send(alerts: Alert[], signal?: AbortSignal): Promise<void>;
  escalations(signal?: AbortSignal): Promise<EscalationView[]>;
}

/** CheckDeps are the data sources and the clock the checks run with; an absent source makes its checks blocked. */
export interface CheckDeps {
  store: ObjectStore;
  state: StateStore;
  kube?: KubeReader;
  alertPath?: AlertPathPort;
  now: () => DateTime;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  release: string;
  runId: string;
  /** subsystemLabel is the pod label naming the subsystem (installation-watch's SUBSYSTEM_LABEL). */
  subsystemLabel: string;
  signal?: AbortSignal;
}

/** blocked is a check that could not run because a data source is not there. */
export function blocked(summary: string, evidence: string[] = []): CheckOutcome {
  return { status: 'b', summary, evidence };
}

/** capped lists at most `max` lines and says how many more there were. */
export function capped(lines: string[], max = 30): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}
