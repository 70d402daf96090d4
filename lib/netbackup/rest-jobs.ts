import { makeReject, type Reject } from '#lib/lines/index.ts';
import { REST_SCHEDULE_TYPES, stateFromText } from './enums.ts';
import { classifyJob, statusMessage, type NetBackupJob } from './job.ts';

/** RestPage is one JSON:API page of GET /netbackup/admin/jobs. */
export interface RestPage {
  data?: Array<{ id?: string | number; type?: string; attributes?: Record<string, unknown> }>;
  links?: { next?: { href?: string } };
  meta?: { pagination?: Record<string, unknown> };
}

/** parseElapsed reads REST elapsedTime: `HH:MM:SS` (API ≤ 4.0) or an ISO 8601 duration `PT5M46S` (API ≥ 9.0). */
export function parseElapsed(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const hms = /^(\d+):(\d\d):(\d\d)$/.exec(value);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!iso || value === 'P' || value === 'PT') return null;
  return (
    Number(iso[1] ?? 0) * 86400 +
    Number(iso[2] ?? 0) * 3600 +
    Number(iso[3] ?? 0) * 60 +
    Math.round(Number(iso[4] ?? 0))
  );
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null;
const iso = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' && !v.startsWith('1970-01-01') ? v.replace('.000Z', 'Z') : null;

/** restJobs turns one page's `data[]` into jobs; an item without a numeric jobId or a known state is a Reject (index as line). */
export function restJobs(page: RestPage, firstIndex = 1): Array<NetBackupJob | Reject> {
  return (page.data ?? []).map((item, i) => {
    const line = firstIndex + i;
    const a = item.attributes ?? {};
    const jobId = num(a.jobId ?? item.id);
    if (jobId === null)
      return makeReject(line, 'BAD_JOBID: data item without a numeric jobId', JSON.stringify(item).slice(0, 300));
    const state = stateFromText(str(a.state));
    if (!state)
      return makeReject(line, `BAD_STATE: "${str(a.state)}" is not a job state`, JSON.stringify(item).slice(0, 300));
    const status = num(a.status);
    const parent = num(a.parentJobId);
    const scheduleName = str(a.scheduleName);
    return {
      kind: 'job',
      line,
      source: 'rest',
      jobId,
      parentJobId: parent !== null && parent > 0 && parent !== jobId ? parent : null,
      isParent: scheduleName === '-' || (num(a.childCount) ?? 0) > 0,
      type: str(a.jobType),
      state,
      status,
      statusMessage: statusMessage(status),
      class: classifyJob(state, status),
      policy: str(a.policyName),
      schedule: scheduleName,
      scheduleType: REST_SCHEDULE_TYPES[str(a.scheduleType)] ?? (str(a.scheduleType) || null),
      client: str(a.clientName),
      mediaServer: str(a.destinationMediaServerName),
      master: null,
      started: iso(a.startTime),
      ended: iso(a.endTime),
      elapsedSeconds: parseElapsed(a.elapsedTime),
      kilobytes: num(a.kilobytesTransferred),
      files: num(a.numberOfFiles),
      percent: num(a.percentComplete),
      fileList: [],
      tries: [],
      extra: [],
    };
  });
}
