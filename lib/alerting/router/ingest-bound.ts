import type { Alert } from '../alert.ts';
import { fingerprintLabels } from '../fingerprint.ts';
import { alertCount } from './dispatch.ts';
import type { RouterState } from './state.ts';

/** IngestLimits bound what an alert storm can make the router hold (docs/alerting.md#overload). */
export interface IngestLimits {
  /** alerts held (firing, or resolved and not yet collected) past which new ones are refused. */
  maxActiveAlerts: number;
  /** changes queued behind the one running past which every ingest is refused. */
  maxQueuedChanges: number;
  /** what Retry-After tells a refused sender (seconds). */
  retryAfterSeconds: number;
}

/** OVERLOAD_RETRY_AFTER_S is the Retry-After of a refused ingest: Prometheus re-sends on its next evaluation anyway. */
export const OVERLOAD_RETRY_AFTER_S = 10;

/** BYTES_PER_ALERT_BUDGET is what one held alert may cost: about 1 KiB measured, doubled for GC and snapshots. */
export const BYTES_PER_ALERT_BUDGET = 2048;

/** defaultMaxActiveAlerts gives an alert bound from the memory limit: half of it, at BYTES_PER_ALERT_BUDGET each. */
export function defaultMaxActiveAlerts(memoryLimitMiB: number): number {
  return Math.max(1000, Math.floor((memoryLimitMiB * 1024 * 1024) / 2 / BYTES_PER_ALERT_BUDGET));
}

/** Admission says whether an ingest may go on, and if not why and when to come back. */
export type Admission =
  | { admitted: true }
  | { admitted: false; reason: 'alerts' | 'queue'; held: number; retryAfterSeconds: number };

/**
 * admitIngest applies the storm policy to a batch before anything is queued: past `maxQueuedChanges` every ingest
 * waits outside (the queue is bounded); past `maxActiveAlerts`, a batch that brings alerts the router does not hold
 * yet is refused whole, while re-sends of held alerts (refreshes, resolutions) still pass, so nothing already
 * accepted is dropped. `state` is the memory copy as it stands (none before the cold load: admitted); `queue` counts
 * the changes queued or waiting for their write, and the alerts of ingests queued but not applied yet.
 */
export function admitIngest(
  state: RouterState | undefined,
  alerts: Alert[],
  queue: { changes: number; alerts: number },
  limits: IngestLimits,
): Admission {
  if (queue.changes >= limits.maxQueuedChanges)
    return {
      admitted: false,
      reason: 'queue',
      held: state ? alertCount(state) : 0,
      retryAfterSeconds: limits.retryAfterSeconds,
    };
  if (!state) return { admitted: true };
  // alerts of ingests accepted but not applied yet count as new: the bound holds however many are in flight
  const held = alertCount(state) + queue.alerts;
  if (held + alerts.length <= limits.maxActiveAlerts) return { admitted: true };
  let added = 0;
  for (const alert of alerts) if (!state.alerts[fingerprintLabels(alert.labels)]) added++;
  if (added === 0 || held + added <= limits.maxActiveAlerts) return { admitted: true };
  return { admitted: false, reason: 'alerts', held, retryAfterSeconds: limits.retryAfterSeconds };
}
