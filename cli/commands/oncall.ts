import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { loadOnCall, whoIsOnCall } from '#lib/alerting/oncall/index.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops oncall who --config alertmanager.yml [--at TIME] [--schedule NAME] [--format json|text]
TIME is ISO 8601 (2026-12-25T09:00:00+01:00), or local to the schedule's zone without an offset.`;

/** run implements `cmp-ops oncall who`: who is on call (primary, secondary, layer, until) now or at --at. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags } = parseFlags(rest);
  const file = flags.get('config')?.at(-1);
  if (action !== 'who' || !file) throw new UsageError(USAGE);
  const config = loadAlertmanagerConfig(await readFile(resolve(io.cwd, file), 'utf8'), file);
  const oncall = loadOnCall(config);
  const only = flags.get('schedule')?.at(-1);
  const at = flags.get('at')?.at(-1);
  const schedules = [...oncall.schedules.values()].filter((s) => !only || s.name === only);
  if (only && schedules.length === 0) throw new UsageError(`no schedule ${only} in ${file}`);
  for (const schedule of schedules) {
    const instant = at ? DateTime.fromISO(at, { zone: schedule.zone }) : DateTime.now();
    if (!instant.isValid) throw new UsageError(`--at ${at}: not an ISO 8601 time`);
    const who = whoIsOnCall(schedule, instant.toMillis(), oncall.isHoliday);
    const holiday = oncall.isHoliday(instant.setZone(schedule.zone).toISODate()!);
    const record = {
      schedule: schedule.name,
      at: instant.setZone(schedule.zone).toISO(),
      primary: who?.primary ?? null,
      secondary: who?.secondary ?? null,
      layer: who?.layer ?? null,
      until: who ? DateTime.fromMillis(who.until, { zone: schedule.zone }).toISO() : null,
      ...(holiday ? { holiday } : {}),
    };
    if (flags.get('format')?.at(-1) === 'text')
      io.stdout.write(
        `${record.schedule}: ${record.primary ?? 'nobody'} (secondary ${record.secondary ?? '-'}, ${record.layer ?? '-'}) until ${record.until ?? '-'}${holiday ? ` — ${holiday}` : ''}\n`,
      );
    else writeJsonLine(io.stdout, record);
  }
  return 0;
}
