import { DateTime } from 'luxon';

/**
 * On-call schedules in the OnCall model: layers of rotations, a higher layer wins where it applies (a holiday or
 * weekend layer over the weekly one), overrides win over every layer. Handovers happen at a local wall-clock time in
 * the schedule's zone (Europe/Paris), so a DST day is 23 or 25 hours long and the handover stays at 09:00 local.
 */
export interface Layer {
  name: string;
  users: string[];
  /** rotation period: daily, weekly, or every N days. */
  everyDays: number;
  /** local handover time `HH:MM`. */
  handover: string;
  /** the local date of a handover when users[0] took over (the rotation's anchor). */
  start: string;
  /** restrict: when this layer applies at all (default: always). */
  restrict?: 'holidays' | 'weekends' | 'holidays-and-weekends';
}

export interface Override {
  user: string;
  start: number;
  end: number;
}

export interface Schedule {
  name: string;
  zone: string;
  layers: Layer[];
  overrides: Override[];
}

export interface OnCall {
  schedule: string;
  primary: string;
  secondary?: string;
  layer: string;
  /** when this shift ends (the next handover or override boundary). */
  until: number;
}

function shiftIndex(layer: Layer, local: DateTime): { index: number; shiftStart: DateTime } {
  const [h, m] = layer.handover.split(':').map(Number);
  const anchor = DateTime.fromISO(layer.start, { zone: local.zone }).set({
    hour: h!,
    minute: m!,
    second: 0,
    millisecond: 0,
  });
  // count handovers by local calendar days, so DST does not shift the wall-clock handover
  let days = Math.floor(local.startOf('day').diff(anchor.startOf('day'), 'days').days + 1e-9);
  const todaysHandover = local.startOf('day').set({ hour: h!, minute: m! });
  if (local < todaysHandover) days -= 1;
  const shift = Math.floor(days / layer.everyDays);
  const shiftStart = anchor.plus({ days: shift * layer.everyDays });
  const n = layer.users.length;
  return { index: ((shift % n) + n) % n, shiftStart };
}

function applies(layer: Layer, local: DateTime, isHoliday: (localDate: string) => string | undefined): boolean {
  if (!layer.restrict) return true;
  const holiday = isHoliday(local.toISODate()!) !== undefined;
  const weekend = local.weekday >= 6;
  if (layer.restrict === 'holidays') return holiday;
  if (layer.restrict === 'weekends') return weekend;
  return holiday || weekend;
}

/**
 * whoIsOnCall resolves a schedule at an instant: the active override, else the highest applicable layer's current
 * shift (primary), with the next user of that rotation as secondary.
 */
export function whoIsOnCall(
  schedule: Schedule,
  at: number,
  isHoliday: (localDate: string) => string | undefined,
): OnCall | undefined {
  const local = DateTime.fromMillis(at, { zone: schedule.zone });
  const override = schedule.overrides.find((o) => at >= o.start && at < o.end);
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const layer = schedule.layers[i]!;
    if (layer.users.length === 0 || !applies(layer, local, isHoliday)) continue;
    const { index, shiftStart } = shiftIndex(layer, local);
    const until = shiftStart.plus({ days: layer.everyDays }).toMillis();
    const secondary = layer.users.length > 1 ? layer.users[(index + 1) % layer.users.length]! : undefined;
    if (override)
      return {
        schedule: schedule.name,
        primary: override.user,
        ...(layer.users[index] !== override.user ? { secondary: layer.users[index]! } : secondary ? { secondary } : {}),
        layer: 'override',
        until: Math.min(override.end, until),
      };
    return {
      schedule: schedule.name,
      primary: layer.users[index]!,
      ...(secondary ? { secondary } : {}),
      layer: layer.name,
      until,
    };
  }
  return override
    ? { schedule: schedule.name, primary: override.user, layer: 'override', until: override.end }
    : undefined;
}
