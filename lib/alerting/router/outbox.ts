import { setTimeout as sleep } from 'node:timers/promises';
import { isOpsError } from '#lib/runtime/errors.ts';
import type { AlertmanagerConfig } from '../config/alertmanager-config.ts';
import { buildWebhookPayload, ZERO_TIME } from '../webhook-payload.ts';
import { fingerprintLabels } from '../fingerprint.ts';
import { integrations } from './notify-stages.ts';
import type { SendContext } from './senders.ts';
import type { DeadLetter, OutboxEntry, RouterState } from './state.ts';

/** RetryPolicy: exponential backoff with jitter for retryable failures; none for permanent ones. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** random in [0,1): injected so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 30_000, capMs: 15 * 60_000, random: Math.random };

const RETRY_AFTER_CAP_MS = 3_600_000;

/** retryAfterMs reads a Retry-After value (seconds, or an HTTP date) as a wait from `now`, at most an hour. */
export function retryAfterMs(value: string | undefined, now: number): number {
  if (!value) return 0;
  const wait = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(wait) ? Math.min(Math.max(wait, 0), RETRY_AFTER_CAP_MS) : 0;
}

/** backoffMs is base·2^(attempt-1), capped, with ±20 % jitter so a recovering receiver is not hit in lockstep. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const raw = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * policy.random()));
}

export interface DeliveryReport {
  delivered: number;
  retrying: number;
  dead: number;
  /** chat messages left for a later run by the pacing (no attempt counted). */
  paced: number;
  errors: Array<{ receiver: string; integration: string; error: string; retryable: boolean }>;
  /** pair only: entries the peer replica sent (the notification log said so), dropped without sending. */
  sentByPeer?: number;
  /** pair only: entries the peer replica is sending, looked at again once its claim may expire. */
  heldForPeer?: number;
}

/**
 * SendOutcome is what a sender did: nothing said = sent; `sentByPeer` = the peer replica sent it (dropped);
 * `retryAt` = the peer is sending it (kept, looked at again then, no attempt counted).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a sender that just sends returns nothing (every existing one)
export type SendOutcome = void | { sentByPeer: true } | { retryAt: number };

export type Sender = (entry: OutboxEntry, ctx: SendContext) => Promise<SendOutcome>;

const DEAD_LETTERS_KEPT = 200;

/**
 * Chat webhooks are paced: Slack takes one message per second per incoming webhook ("short bursts" allowed, then a
 * 429 with Retry-After). Messages to the same webhook URL in one delivery run are sent CHAT_PACE_MS apart, and past
 * CHAT_PACED_PER_RUN of them the rest wait for a later run (a second apart, no attempt counted): a storm of groups
 * holds the router's single-writer queue a few seconds at most, not one second per group.
 */
export const CHAT_PACE_MS = 1000;
export const CHAT_PACED_PER_RUN = 4;

/** Pacing is how deliverDue waits between chat messages: a monotonic clock and a sleep (injected by tests). */
export interface Pacing {
  clock(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
export const realPacing: Pacing = {
  clock: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** chatUrl is the webhook URL an entry goes to when its integration is a chat one (Slack, Mattermost). */
function chatUrl(config: AlertmanagerConfig, entry: OutboxEntry): string | undefined {
  const [kind, index] = entry.integration.split('/');
  return kind === 'slack' ? config.receivers.get(entry.receiver)?.slack[Number(index)]?.apiUrl : undefined;
}

/**
 * ownAlertEntries builds a notification the router raises about itself (NotificationFailed, RouterOverloaded) for
 * the fallback receiver's integrations; none when there is no such receiver or it is the one that failed.
 */
export function ownAlertEntries(
  config: AlertmanagerConfig,
  fallback: string | undefined,
  alert: {
    labels: Record<string, string> & { alertname: string };
    annotations: Record<string, string>;
    groupKey: string;
    fallbackFor?: string;
  },
  now: number,
  externalURL: string,
  newId: () => string,
): OutboxEntry[] {
  const receiver = fallback ? config.receivers.get(fallback) : undefined;
  if (!receiver) return [];
  const webhookAlert = {
    status: 'firing' as const,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: new Date(now).toISOString(),
    endsAt: ZERO_TIME,
    generatorURL: '',
    fingerprint: fingerprintLabels(alert.labels),
  };
  const payload = {
    ...buildWebhookPayload({
      receiver: receiver.name,
      groupLabels: { alertname: alert.labels.alertname },
      alerts: [webhookAlert],
      externalURL,
    }),
    groupKey: alert.groupKey,
  };
  return integrations(receiver).map((i) => ({
    id: newId(),
    groupKey: payload.groupKey,
    receiver: receiver.name,
    integration: i.id,
    payload,
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    ...(alert.fallbackFor ? { fallbackFor: alert.fallbackFor } : {}),
  }));
}

/** fallbackEntries builds the NotificationFailed notification for a dead letter (never itself retried into another fallback). */
function fallbackEntries(
  config: AlertmanagerConfig,
  fallback: string | undefined,
  dead: DeadLetter,
  now: number,
  externalURL: string,
  newId: () => string,
): OutboxEntry[] {
  if (fallback === dead.receiver) return [];
  return ownAlertEntries(
    config,
    fallback,
    {
      labels: {
        alertname: 'NotificationFailed',
        severity: 'critical',
        subsystem: 'CMP-OPS',
        receiver: dead.receiver,
        integration: dead.integration,
      },
      annotations: {
        summary: `notification to ${dead.receiver} (${dead.integration}) failed after ${dead.attempts} attempts`,
        description: `${dead.lastError ?? 'unknown error'}; group ${dead.groupKey}; ${dead.payload.alerts.length} alerts: ${dead.payload.alerts.map((a) => a.labels.alertname).join(', ')}`,
      },
      groupKey: `{}/fallback:{receiver=${JSON.stringify(dead.receiver)}}`,
      fallbackFor: dead.id,
    },
    now,
    externalURL,
    newId,
  );
}

/**
 * deliverDue sends every outbox entry that is due, one at a time per call (the router is the single writer).
 * Delivered entries leave the outbox; retryable failures are rescheduled with backoff; permanent failures and the
 * last retry become dead letters and raise NotificationFailed through the fallback receiver.
 */
export async function deliverDue(
  state: RouterState,
  config: AlertmanagerConfig,
  now: number,
  send: Sender,
  ctx: {
    signal: AbortSignal;
    userAgent: string;
    externalURL: string;
    timeoutMs: number;
    fallbackReceiver?: string;
    policy: RetryPolicy;
    newId: () => string;
    ackUrl?: (groupKey: string) => string | undefined;
    pacing?: Pacing;
  },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, retrying: 0, dead: 0, paced: 0, errors: [] };
  const pacing = ctx.pacing ?? realPacing;
  const chats = new Map<string, { sent: number; held: number; lastAt: number }>();
  const due = state.outbox.filter((e) => e.nextAttemptAt <= now);
  for (const entry of due) {
    if (ctx.signal.aborted) break;
    const url = chatUrl(config, entry);
    if (url) {
      const chat = chats.get(url) ?? { sent: 0, held: 0, lastAt: -Infinity };
      chats.set(url, chat);
      if (chat.sent >= CHAT_PACED_PER_RUN) {
        // after the ones this run sends to that webhook, a second apart each
        entry.nextAttemptAt = Math.max(entry.nextAttemptAt, now + CHAT_PACE_MS * (chat.sent + ++chat.held));
        report.paced++;
        continue;
      }
      const wait = chat.lastAt + CHAT_PACE_MS - pacing.clock();
      if (wait > 0) await pacing.sleep(wait, ctx.signal);
      if (ctx.signal.aborted) break;
      chat.sent++;
      chat.lastAt = pacing.clock();
    }
    entry.attempts++;
    try {
      const ackUrl = ctx.ackUrl?.(entry.groupKey);
      const outcome = await send(entry, {
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]),
        userAgent: ctx.userAgent,
        ...(ackUrl ? { ackUrl } : {}),
      });
      if (outcome && 'retryAt' in outcome) {
        entry.attempts--;
        entry.nextAttemptAt = Math.max(outcome.retryAt, now + 1);
        report.heldForPeer = (report.heldForPeer ?? 0) + 1;
        continue;
      }
      state.outbox = state.outbox.filter((e) => e.id !== entry.id);
      if (outcome && 'sentByPeer' in outcome) report.sentByPeer = (report.sentByPeer ?? 0) + 1;
      else report.delivered++;
    } catch (err) {
      const retryable = isOpsError(err) ? err.retryable : true;
      entry.lastError = (err as Error).message;
      report.errors.push({
        receiver: entry.receiver,
        integration: entry.integration,
        error: entry.lastError,
        retryable,
      });
      if (retryable && entry.attempts < ctx.policy.maxAttempts) {
        entry.nextAttemptAt =
          now +
          Math.max(
            backoffMs(entry.attempts, ctx.policy),
            retryAfterMs((err as { retryAfter?: string }).retryAfter, now),
          );
        report.retrying++;
        continue;
      }
      state.outbox = state.outbox.filter((e) => e.id !== entry.id);
      const dead: DeadLetter = { ...entry, failedAt: now };
      state.deadLetters = [...state.deadLetters, dead].slice(-DEAD_LETTERS_KEPT);
      report.dead++;
      if (!entry.fallbackFor)
        state.outbox.push(...fallbackEntries(config, ctx.fallbackReceiver, dead, now, ctx.externalURL, ctx.newId));
    }
  }
  return report;
}

/**
 * requeueDeadLetter puts a dead letter back in the outbox as a fresh entry (same id, attempts from zero, due now),
 * for an operator who fixed the receiver; undefined when no dead letter has that id.
 */
export function requeueDeadLetter(state: RouterState, id: string, now: number): OutboxEntry | undefined {
  const dead = state.deadLetters.find((d) => d.id === id);
  if (!dead) return undefined;
  state.deadLetters = state.deadLetters.filter((d) => d.id !== id);
  const { failedAt: _failedAt, lastError: _lastError, ...entry } = dead;
  const requeued: OutboxEntry = { ...entry, attempts: 0, nextAttemptAt: now };
  state.outbox.push(requeued);
  return requeued;
}

/** deadLetterSummary is a dead letter as GET /api/v1/dead-letters lists it: what failed, why, and what it said. */
export function deadLetterSummary(d: DeadLetter): Record<string, unknown> {
  return {
    id: d.id,
    receiver: d.receiver,
    integration: d.integration,
    groupKey: d.groupKey,
    attempts: d.attempts,
    lastError: d.lastError ?? null,
    createdAt: new Date(d.createdAt).toISOString(),
    failedAt: new Date(d.failedAt).toISOString(),
    status: d.payload.status,
    alerts: d.payload.alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status, labels: a.labels })),
    ...(d.fallbackFor ? { fallbackFor: d.fallbackFor } : {}),
  };
}
