import { signLink, verifyLink } from '#lib/runtime/signed-link.ts';
import type { AlertmanagerConfig } from '../config/alertmanager-config.ts';
import { groupPayload } from '../router/dispatch.ts';
import { integrations } from '../router/notify-stages.ts';
import type { Escalation, OutboxEntry, RouterState } from '../router/state.ts';
import type { EscalationStep, OnCallConfig } from './extension.ts';
import { whoIsOnCall } from './schedule.ts';

/**
 * Escalation: a group notified (firing) to a receiver that escalates starts its policy — notify the on-call primary,
 * wait, notify the secondary, wait, notify the team lead, repeat N times. An acknowledgement (signed link or API)
 * or the group's resolution stops it. Each notify step becomes outbox entries to the target user's receiver, so it
 * is retried and dead-lettered like any notification.
 */
export function startEscalations(state: RouterState, oncall: OnCallConfig, now: number): number {
  state.escalations ??= {};
  let started = 0;
  for (const group of Object.values(state.groups)) {
    const policy = oncall.escalate.get(group.receiver);
    if (
      !policy ||
      !group.last ||
      group.last.at !== now ||
      group.last.firing.length === 0 ||
      state.escalations[group.key]
    )
      continue;
    state.escalations[group.key] = {
      groupKey: group.key,
      policy,
      step: 0,
      round: 0,
      nextAt: now,
      startedAt: now,
      notified: [],
    };
    started++;
  }
  return started;
}

function targets(step: EscalationStep, oncall: OnCallConfig, now: number): Array<{ who: string; receiver: string }> {
  if (!('notify' in step)) return [];
  const n = step.notify;
  if ('receiver' in n) return [{ who: `receiver:${n.receiver}`, receiver: n.receiver }];
  const users =
    'users' in n
      ? n.users
      : (() => {
          const on = whoIsOnCall(oncall.schedules.get(n.schedule)!, now, oncall.isHoliday);
          const user = n.who === 'secondary' ? on?.secondary : on?.primary;
          return user ? [user] : [];
        })();
  return users.map((u) => ({ who: `user:${u}`, receiver: oncall.users.get(u)!.receiver }));
}

/** advanceEscalations runs every due escalation step; resolved or vanished groups end their escalation. */
export function advanceEscalations(
  state: RouterState,
  config: AlertmanagerConfig,
  oncall: OnCallConfig,
  now: number,
  options: { externalURL: string; newId: () => string },
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const [key, esc] of Object.entries(state.escalations ?? {})) {
    const group = state.groups[key];
    const firing = group?.fingerprints.some((fp) => (state.alerts[fp]?.endsAt ?? 0) > now) ?? false;
    if (!group || !firing) {
      delete state.escalations![key];
      continue;
    }
    if (esc.ack || esc.done || esc.nextAt > now) continue;
    const policy = oncall.policies.get(esc.policy);
    if (!policy) {
      esc.done = true;
      continue;
    }
    while (esc.nextAt <= now && !esc.done) {
      if (esc.step >= policy.steps.length) {
        if (esc.round < policy.repeat) {
          esc.round++;
          esc.step = 0;
        } else {
          esc.done = true;
          break;
        }
      }
      const step = policy.steps[esc.step]!;
      esc.step++;
      if ('waitMs' in step) {
        esc.nextAt = now + step.waitMs;
        break;
      }
      for (const t of targets(step, oncall, now)) {
        const receiver = config.receivers.get(t.receiver);
        if (!receiver) continue;
        const payload = groupPayload(state, group, t.receiver, now, options.externalURL);
        for (const i of integrations(receiver))
          entries.push({
            id: options.newId(),
            groupKey: key,
            receiver: t.receiver,
            integration: i.id,
            payload,
            createdAt: now,
            attempts: 0,
            nextAttemptAt: now,
          });
        esc.notified.push(t.who);
      }
    }
  }
  state.outbox.push(...entries);
  return entries;
}

/** acknowledge stops a group's escalation; repeated acknowledgements keep the first. */
export function acknowledge(
  state: RouterState,
  groupKey: string,
  by: string,
  now: number,
  note?: string,
): Escalation | undefined {
  const esc = state.escalations?.[groupKey];
  if (!esc) return undefined;
  esc.ack ??= { by, at: now, ...(note ? { note } : {}) };
  return esc;
}

/** signAck signs an acknowledgement link for a group key (a signed link, lib/runtime/signed-link.ts). */
export function signAck(key: string, groupKey: string, expiresAt: number): string {
  return signLink(key, groupKey, expiresAt);
}

/** verifyAck checks a link's signature and expiry; returns the group key or a reason. */
export function verifyAck(
  key: string,
  params: URLSearchParams,
  now: number,
): { groupKey: string } | { reason: string } {
  const checked = verifyLink(key, params, now);
  return 'subject' in checked ? { groupKey: checked.subject } : checked;
}
