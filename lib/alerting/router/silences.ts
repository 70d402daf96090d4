import { randomUUID } from 'node:crypto';
import { opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { compileAnchored, MatcherError } from '../config/matchers.ts';
import type { RouterState, Silence, SilenceMatcher } from './state.ts';

/** silenceState is Alertmanager's: pending before startsAt, active until endsAt, expired after. */
export function silenceState(s: Silence, now: number): 'pending' | 'active' | 'expired' {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

function matcherMatches(m: SilenceMatcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  const hit = m.isRegex ? compileAnchored(m.value).test(v) : v === m.value;
  return m.isEqual ? hit : !hit;
}

/** isSilenced says whether an active silence mutes a label set, and which. */
export function silencedBy(state: RouterState, labels: Record<string, string>, now: number): string | undefined {
  for (const s of Object.values(state.silences))
    if (silenceState(s, now) === 'active' && s.matchers.every((m) => matcherMatches(m, labels))) return s.id;
  return undefined;
}

/** PostableSilence is API v2's postableSilence. */
export interface PostableSilence {
  id?: string;
  matchers?: Array<{ name?: string; value?: string; isRegex?: boolean; isEqual?: boolean }>;
  startsAt?: string;
  endsAt?: string;
  createdBy?: string;
  comment?: string;
}

/**
 * upsertSilence validates and stores a silence as Alertmanager's API v2 does: matchers (at least one, and not all
 * matching the empty string), comment and createdBy required, endsAt after startsAt, a past startsAt clamped to
 * now; with an id, updates that silence (an expired one cannot be updated). Returns the id.
 */
export function upsertSilence(state: RouterState, input: PostableSilence, now: number): string {
  const problems: ErrorDetail[] = [];
  const matchers: SilenceMatcher[] = (input.matchers ?? []).map((m, i) => {
    if (!m.name || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name))
      problems.push({ field: `/matchers/${i}/name`, reason: 'invalid label name' });
    if (m.isRegex) {
      try {
        compileAnchored(m.value ?? '');
      } catch (err) {
        if (!(err instanceof MatcherError)) throw err;
        problems.push({ field: `/matchers/${i}/value`, reason: err.message });
      }
    }
    return { name: m.name ?? '', value: m.value ?? '', isRegex: m.isRegex ?? false, isEqual: m.isEqual ?? true };
  });
  if (matchers.length === 0) problems.push({ field: '/matchers', reason: 'at least one matcher required' });
  else if (problems.length === 0 && matchers.every((m) => matcherMatches(m, {})))
    problems.push({ field: '/matchers', reason: 'at least one matcher must not match the empty string' });
  if (!input.createdBy) problems.push({ field: '/createdBy', reason: 'is required' });
  if (!input.comment) problems.push({ field: '/comment', reason: 'is required' });
  const startsAt = Math.max(now, Date.parse(input.startsAt ?? '') || now);
  const endsAt = Date.parse(input.endsAt ?? '');
  if (Number.isNaN(endsAt)) problems.push({ field: '/endsAt', reason: 'is required (RFC 3339)' });
  else if (endsAt <= startsAt) problems.push({ field: '/endsAt', reason: 'end time must not be before start time' });
  if (input.id && !state.silences[input.id]) throw opsError('NOT_FOUND', `silence ${input.id} not found`);
  if (input.id && silenceState(state.silences[input.id]!, now) === 'expired')
    problems.push({ field: '/id', reason: 'an expired silence cannot be updated' });
  if (problems.length > 0)
    throw opsError(
      'BAD_REQUEST',
      `silence is invalid: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      problems,
    );
  const id = input.id ?? randomUUID();
  state.silences[id] = {
    id,
    matchers,
    startsAt,
    endsAt,
    createdBy: input.createdBy!,
    comment: input.comment!,
    updatedAt: now,
  };
  return id;
}

/** expireSilence ends a silence now (Alertmanager's DELETE). */
export function expireSilence(state: RouterState, id: string, now: number): void {
  const s = state.silences[id];
  if (!s) throw opsError('NOT_FOUND', `silence ${id} not found`);
  if (silenceState(s, now) === 'expired') return;
  s.endsAt = now;
  if (s.startsAt > now) s.startsAt = now;
  s.updatedAt = now;
}

/** gettableSilence renders a silence as API v2 lists it. */
export function gettableSilence(s: Silence, now: number): Record<string, unknown> {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: new Date(s.updatedAt).toISOString(),
    matchers: s.matchers,
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

/** gcSilences drops silences expired for longer than `retentionMs` (Alertmanager keeps them for --data.retention). */
export function gcSilences(state: RouterState, now: number, retentionMs: number): void {
  for (const [id, s] of Object.entries(state.silences)) if (s.endsAt + retentionMs < now) delete state.silences[id];
}
