import type { WebhookPayload } from '../webhook-payload.ts';

/**
 * RouterState is everything alert-router remembers, one JSON record in the state bucket (each replica writes its own:
 * one writer per state, max_inflight 1; a pair shares only alert-router/ha/). Times are epoch milliseconds.
 */
export interface StoredAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  updatedAt: number;
}

export interface GroupState {
  key: string;
  routeId: string;
  receiver: string;
  labels: Record<string, string>;
  fingerprints: string[];
  createdAt: number;
  nextFlushAt: number;
  /** set while a mute time interval defers this group's notification: when the interval ends. */
  deferredUntil?: number;
  /** the notification log of this group: what the last notification said and when. */
  last?: { firing: string[]; resolved: string[]; at: number };
}

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  updatedAt: number;
}

export interface OutboxEntry {
  id: string;
  groupKey: string;
  receiver: string;
  /** integration index inside the receiver, e.g. `webhook/0`, `email/1`. */
  integration: string;
  payload: WebhookPayload;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  /** set on a NotificationFailed entry: the dead letter it reports (never itself escalated to a fallback). */
  fallbackFor?: string;
  /** set when the router runs as a pair: the shared notification-log key claimed before sending (ha-pair.ts). */
  nflogKey?: string;
}

export interface DeadLetter extends OutboxEntry {
  failedAt: number;
}

/** Escalation is one group's run through an escalation policy, stopped by an acknowledgement or resolution. */
export interface Escalation {
  groupKey: string;
  policy: string;
  step: number;
  round: number;
  nextAt: number;
  startedAt: number;
  done?: boolean;
  ack?: { by: string; at: number; note?: string };
  /** who was notified, in order: `user:alice`, `receiver:team-lead`. */
  notified: string[];
}

export interface RouterState {
  version: 1;
  /** the last journal record this snapshot includes (router-store.ts). */
  journalSeq?: number;
  escalations?: Record<string, Escalation>;
  alerts: Record<string, StoredAlert>;
  groups: Record<string, GroupState>;
  silences: Record<string, Silence>;
  outbox: OutboxEntry[];
  deadLetters: DeadLetter[];
  /** set while new alerts are refused (the alert bound was reached): RouterOverloaded went out once, at `since`. */
  overload?: { since: number; held: number };
}

export function emptyState(): RouterState {
  return { version: 1, alerts: {}, groups: {}, silences: {}, outbox: [], deadLetters: [], escalations: {} };
}
