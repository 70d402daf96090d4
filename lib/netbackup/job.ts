import type { JobState } from './enums.ts';
import { isoFromEpochSeconds, TWO_DIGITS } from '#lib/time/index.ts';
import { STATUS_MESSAGES } from './status-codes.ts';

/** JobClass is what an operator needs to know first: did it work. */
export type JobClass = 'success' | 'partial' | 'failure' | 'running' | 'queued';

/** JobTry is one attempt of a job, with its status lines. */
export interface JobTry {
  pid: number | null;
  storageUnit: string;
  server: string;
  started: string | null;
  elapsedSeconds: number | null;
  ended: string | null;
  status: number | null;
  statusDescription: string;
  statusLines: string[];
  kilobytes: number | null;
  files: number | null;
}

/** NetBackupJob is one normalized job, whatever form it came in (-all_columns, -most_columns, report, REST). */
export interface NetBackupJob {
  kind: 'job';
  line: number;
  source: 'all-columns' | 'most-columns' | 'report' | 'rest';
  jobId: number;
  parentJobId: number | null;
  isParent: boolean;
  type: string;
  state: JobState;
  status: number | null;
  statusMessage: string | null;
  class: JobClass;
  policy: string;
  schedule: string;
  scheduleType: string | null;
  client: string;
  mediaServer: string;
  master: string | null;
  started: string | null;
  ended: string | null;
  elapsedSeconds: number | null;
  kilobytes: number | null;
  files: number | null;
  percent: number | null;
  fileList: string[];
  tries: JobTry[];
  /** extra keeps the trailing fields of newer releases, unnamed. */
  extra: string[];
}

/** statusMessage is the official text of a status code, or null for codes without a public text (2001, 4200). */
export function statusMessage(status: number | null): string | null {
  return status === null ? null : (STATUS_MESSAGES.get(status) ?? null);
}

/**
 * classifyJob follows the public tools (reference §6): only a done job has a final status; 0 success, 1 partial,
 * anything above 1 a failure. Incomplete jobs with a failing status count as failures; other live states run.
 */
export function classifyJob(state: JobState, status: number | null): JobClass {
  if (state === 'queued') return 'queued';
  if (state === 'done' || state === 'incomplete') {
    if (status === 0) return 'success';
    if (status === 1) return 'partial';
    if (status !== null && status > 1) return 'failure';
    return state === 'done' ? 'failure' : 'running';
  }
  return 'running';
}

// The ISO text up to the minute of recently formatted minutes, in 64 slots by minute: a record's four times (job
// and try, start and end) and its neighbours' fall in few minutes, so most times only append their seconds.
const MINUTE_SLOTS = 64;
const slotMinutes = new Float64Array(MINUTE_SLOTS).fill(NaN);
const slotPrefixes: string[] = new Array<string>(MINUTE_SLOTS).fill('');

/** epochToIso turns bpdbjobs epoch seconds into ISO UTC; 0 (`0000000000` while running) is null. */
export function epochToIso(seconds: number | null): string | null {
  if (seconds === null || seconds <= 0) return null;
  if (!Number.isInteger(seconds)) return isoFromEpochSeconds(seconds);
  const minute = Math.floor(seconds / 60);
  const slot = minute & (MINUTE_SLOTS - 1);
  if (slotMinutes[slot] !== minute) {
    slotMinutes[slot] = minute;
    slotPrefixes[slot] = isoFromEpochSeconds(minute * 60).slice(0, 17);
  }
  return `${slotPrefixes[slot]}${TWO_DIGITS[seconds - minute * 60]}Z`;
}
