import type { Severity } from '#lib/alerting/alert.ts';

/** FindingKind is every condition installation-watch can report (each becomes an alert of the same name). */
export type FindingKind =
  | 'NodeNotReady'
  | 'NodePressure'
  | 'PodCrashLooping'
  | 'PodImagePullFailing'
  | 'PodRestarting'
  | 'PodPendingTooLong'
  | 'WorkloadUnavailable'
  | 'UnapprovedImage'
  | 'ReleaseDrift'
  | 'ImageUnverifiable'
  | 'ReleaseManifestMissing'
  | 'ReleaseManifestInvalid';

/** Finding is one condition seen in this run; `key` is stable across runs so the alert refreshes and resolves. */
export interface Finding {
  kind: FindingKind;
  key: string;
  severity: Severity;
  subsystem: string;
  labels: Record<string, string>;
  summary: string;
  description: string;
}

/** WatchTimings say how long a condition must persist before it alerts (Prometheus `for`): rollouts are not outages. */
export interface WatchTimings {
  unavailableForMs: number;
  pendingMaxMs: number;
  restartHoldMs: number;
}

export const DEFAULT_TIMINGS: WatchTimings = {
  unavailableForMs: 5 * 60_000,
  pendingMaxMs: 10 * 60_000,
  restartHoldMs: 30 * 60_000,
};

/** forMs is how long a finding must have been seen continuously before its alert fires. */
export function forMs(kind: FindingKind, timings: WatchTimings): number {
  return kind === 'WorkloadUnavailable' || kind === 'NodeNotReady' ? timings.unavailableForMs : 0;
}
