import { DateTime, IANAZone } from 'luxon';
import { isOpsError, opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import { withLines } from '#lib/runtime/yaml.ts';
import type { AlertmanagerConfig } from '../config/alertmanager-config.ts';
import { parseDuration } from '../config/duration.ts';
import { holidayCalendar } from './holidays.ts';
import type { Schedule } from './schedule.ts';

/**
 * The `cmp_ops:` section of alertmanager.yml: what Alertmanager lacks — users, on-call schedules with French
 * holidays, escalation policies and which receivers escalate. Alertmanager itself rejects unknown top-level keys, so
 * amtool users keep this section out of the file they check (docs/alerting.md).
 */
export type EscalationStep =
  | { notify: { schedule: string; who: 'primary' | 'secondary' } | { users: string[] } | { receiver: string } }
  | { waitMs: number };

export interface EscalationPolicy {
  name: string;
  repeat: number;
  steps: EscalationStep[];
}

export interface OnCallConfig {
  users: Map<string, { receiver: string }>;
  schedules: Map<string, Schedule>;
  policies: Map<string, EscalationPolicy>;
  /** route receiver → escalation policy name. */
  escalate: Map<string, string>;
  isHoliday: (localDate: string) => string | undefined;
}

const str = { type: 'string', minLength: 1 };
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    holidays: {
      type: 'object',
      additionalProperties: false,
      required: ['country'],
      properties: { country: str, state: str, pentecost_monday: { type: 'boolean' } },
    },
    users: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['receiver'],
        properties: { receiver: str },
      },
    },
    schedules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'layers'],
        properties: {
          name: str,
          time_zone: str,
          layers: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'users', 'rotation', 'handover', 'start'],
              properties: {
                name: str,
                users: { type: 'array', minItems: 1, items: str },
                rotation: { type: 'string', pattern: '^(daily|weekly|[1-9][0-9]*d)$' },
                handover: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
                start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
                restrict: { enum: ['holidays', 'weekends', 'holidays-and-weekends'] },
              },
            },
          },
          overrides: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['user', 'start', 'end'],
              properties: { user: str, start: str, end: str },
            },
          },
        },
      },
    },
    escalation_policies: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'steps'],
        properties: {
          name: str,
          repeat: { type: 'integer', minimum: 0, maximum: 5 },
          steps: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              maxProperties: 1,
              properties: {
                wait: str,
                notify: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    schedule: str,
                    who: { enum: ['primary', 'secondary'] },
                    users: { type: 'array', items: str },
                    receiver: str,
                  },
                },
              },
            },
          },
        },
      },
    },
    escalate: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['receiver', 'policy'],
        properties: { receiver: str, policy: str },
      },
    },
  },
};

interface Raw {
  holidays?: { country: string; state?: string; pentecost_monday?: boolean };
  users?: Record<string, { receiver: string }>;
  schedules?: Array<{
    name: string;
    time_zone?: string;
    layers: Array<{
      name: string;
      users: string[];
      rotation: string;
      handover: string;
      start: string;
      restrict?: 'holidays' | 'weekends' | 'holidays-and-weekends';
    }>;
    overrides?: Array<{ user: string; start: string; end: string }>;
  }>;
  escalation_policies?: Array<{
    name: string;
    repeat?: number;
    steps: Array<{
      wait?: string;
      notify?: { schedule?: string; who?: 'primary' | 'secondary'; users?: string[]; receiver?: string };
    }>;
  }>;
  escalate?: Array<{ receiver: string; policy: string }>;
}

const validate = compileValidator<Raw>(schema, 'cmp_ops');

/** loadOnCall validates the extension against the receivers of the same file; ROUTING_INVALID with lines. */
export function loadOnCall(config: AlertmanagerConfig): OnCallConfig {
  let raw: Raw;
  try {
    raw = validate(config.extension);
  } catch (err) {
    if (!isOpsError(err)) throw err;
    const details = withLines(
      err.details.map((d) => ({ ...d, field: `/cmp_ops${d.field === '/' ? '' : (d.field ?? '')}` })),
      config.source,
    );
    throw opsError(
      'ROUTING_INVALID',
      `cmp_ops: ${details.map((d) => `line ${d.line ?? '?'}: ${d.field} ${d.reason}`).join('; ')}`,
      details,
    );
  }
  const problems: ErrorDetail[] = [];
  const users = new Map(Object.entries(raw.users ?? {}));
  for (const [name, u] of users)
    if (!config.receivers.has(u.receiver))
      problems.push({
        field: `/cmp_ops/users/${name}/receiver`,
        reason: `undefined receiver ${JSON.stringify(u.receiver)}`,
      });
  const schedules = new Map<string, Schedule>();
  (raw.schedules ?? []).forEach((s, i) => {
    const zone = s.time_zone ?? 'Europe/Paris';
    if (!IANAZone.isValidZone(zone))
      problems.push({ field: `/cmp_ops/schedules/${i}/time_zone`, reason: `unknown time zone ${zone}` });
    s.layers.forEach((l, j) =>
      l.users.forEach((u, k) => {
        if (!users.has(u))
          problems.push({
            field: `/cmp_ops/schedules/${i}/layers/${j}/users/${k}`,
            reason: `undefined user ${JSON.stringify(u)}`,
          });
      }),
    );
    const overrides = (s.overrides ?? []).map((o, j) => {
      const start = DateTime.fromISO(o.start, { zone }).toMillis();
      const end = DateTime.fromISO(o.end, { zone }).toMillis();
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
        problems.push({
          field: `/cmp_ops/schedules/${i}/overrides/${j}`,
          reason: 'start and end must be local ISO times with end after start',
        });
      if (!users.has(o.user))
        problems.push({
          field: `/cmp_ops/schedules/${i}/overrides/${j}/user`,
          reason: `undefined user ${JSON.stringify(o.user)}`,
        });
      return { user: o.user, start, end };
    });
    schedules.set(s.name, {
      name: s.name,
      zone,
      overrides,
      layers: s.layers.map((l) => ({
        name: l.name,
        users: l.users,
        handover: l.handover,
        start: l.start,
        everyDays: l.rotation === 'daily' ? 1 : l.rotation === 'weekly' ? 7 : Number(l.rotation.slice(0, -1)),
        ...(l.restrict ? { restrict: l.restrict } : {}),
      })),
    });
  });
  const policies = new Map<string, EscalationPolicy>();
  (raw.escalation_policies ?? []).forEach((p, i) => {
    const steps: EscalationStep[] = p.steps.map((s, j) => {
      const at = `/cmp_ops/escalation_policies/${i}/steps/${j}`;
      if (s.wait !== undefined) {
        const ms = parseDuration(s.wait);
        if (!ms) problems.push({ field: `${at}/wait`, reason: `not a positive duration: ${s.wait}` });
        return { waitMs: ms ?? 0 };
      }
      const n = s.notify!;
      if (n.schedule) {
        if (!schedules.has(n.schedule))
          problems.push({ field: `${at}/notify/schedule`, reason: `undefined schedule ${JSON.stringify(n.schedule)}` });
        return { notify: { schedule: n.schedule, who: n.who ?? 'primary' } };
      }
      if (n.users) {
        n.users.forEach(
          (u) =>
            users.has(u) ||
            problems.push({ field: `${at}/notify/users`, reason: `undefined user ${JSON.stringify(u)}` }),
        );
        return { notify: { users: n.users } };
      }
      if (n.receiver && !config.receivers.has(n.receiver))
        problems.push({ field: `${at}/notify/receiver`, reason: `undefined receiver ${JSON.stringify(n.receiver)}` });
      if (!n.receiver) problems.push({ field: `${at}/notify`, reason: 'needs schedule, users or receiver' });
      return { notify: { receiver: n.receiver ?? '' } };
    });
    if ((p.repeat ?? 0) > 0 && !steps.some((s) => 'waitMs' in s))
      problems.push({
        field: `/cmp_ops/escalation_policies/${i}/repeat`,
        reason: 'a repeated policy needs at least one wait step',
      });
    policies.set(p.name, { name: p.name, repeat: p.repeat ?? 0, steps });
  });
  const escalate = new Map<string, string>();
  (raw.escalate ?? []).forEach((e, i) => {
    if (!config.receivers.has(e.receiver))
      problems.push({
        field: `/cmp_ops/escalate/${i}/receiver`,
        reason: `undefined receiver ${JSON.stringify(e.receiver)}`,
      });
    if (!policies.has(e.policy))
      problems.push({
        field: `/cmp_ops/escalate/${i}/policy`,
        reason: `undefined escalation policy ${JSON.stringify(e.policy)}`,
      });
    escalate.set(e.receiver, e.policy);
  });
  if (problems.length > 0) {
    const details = withLines(problems, config.source);
    throw opsError(
      'ROUTING_INVALID',
      `cmp_ops: ${details.map((d) => `line ${d.line ?? '?'}: ${d.reason}`).join('; ')}`,
      details,
    );
  }
  const h = raw.holidays ?? { country: 'FR' };
  return {
    users,
    schedules,
    policies,
    escalate,
    isHoliday: holidayCalendar({
      country: h.country,
      ...(h.state ? { state: h.state } : {}),
      ...(h.pentecost_monday !== undefined ? { pentecostMonday: h.pentecost_monday } : {}),
    }),
  };
}
