import { makeReject, type Reject } from '#lib/lines/index.ts';
import { JOB_STATES, JOB_TYPES, SCHEDULE_TYPES } from './enums.ts';
import { splitEscapedCsv } from './escaped-csv.ts';
import { classifyJob, epochToIso, statusMessage, type JobTry, type NetBackupJob } from './job.ts';

// Fields after the tries (-all_columns) or after trycount (-most_columns), named up to controllinghost (§2.2).
const TAIL = ['parentjob', 'kbpersec', 'copy', 'robot', 'vault', 'profile', 'session', 'ejecttapes', 'srcstunit', 'srcserver', 'srcmedia', 'dstmedia', 'stream', 'suspendable', 'resumable', 'restartable', 'datamovement', 'snapshot', 'backupid', 'killable', 'controllinghost'] as const;
const HEAD_LENGTH = 31; // jobid … fileslastwritten
const INTEGER = /^-?\d+$/;

function int(value: string | undefined): number | null {
  if (value === undefined) return null;
  const t = value.trim();
  return INTEGER.test(t) ? Number(t) : null;
}

/** ParseOptions say which columns layout the line has; 'auto' tells them apart per line. */
export interface ColumnsOptions {
  layout: 'all-columns' | 'most-columns' | 'auto';
}

/**
 * parseColumnsLine reads one -all_columns or -most_columns line into a job, walking the file-list, try and
 * status-line counts with a bounds check at every step. A line it cannot trust is a Reject naming why.
 */
export function parseColumnsLine(text: string, line: number, options: ColumnsOptions): NetBackupJob | Reject {
  const f = splitEscapedCsv(text);
  if (f.length < HEAD_LENGTH + 2) return makeReject(line, `TRUNCATED: ${f.length} fields, at least ${HEAD_LENGTH + 2} needed`, text);
  const jobId = int(f[0]);
  if (jobId === null || jobId < 0) return makeReject(line, `BAD_JOBID: "${f[0]}" is not a job id`, text);
  const stateCode = int(f[2]);
  if (stateCode === null || JOB_STATES[stateCode] === undefined) return makeReject(line, `BAD_STATE: "${f[2]}" is not a state 0-5`, text);
  for (const [index, name] of [[8, 'started'], [9, 'elapsed'], [10, 'ended']] as const) {
    if (f[index]!.trim() !== '' && int(f[index]) === null) return makeReject(line, `BAD_TIME: ${name} "${f[index]}" is not a number`, text);
  }
  const fileCount = int(f[31]);
  if (fileCount === null || fileCount < 0) return makeReject(line, `BAD_COUNT: filelistcount "${f[31]}" is not a count`, text);

  let layout = options.layout;
  if (layout === 'auto') layout = looksMostColumns(f, fileCount) ? 'most-columns' : 'all-columns';
  let fileList: string[] = [];
  const tries: JobTry[] = [];
  let at: number;
  if (layout === 'most-columns') {
    at = 33; // filelistcount and trycount are printed, the lists are not
  } else {
    if (32 + fileCount >= f.length) return makeReject(line, `COUNT_OVERRUN: filelistcount ${fileCount} runs past the ${f.length} fields`, text);
    fileList = f.slice(32, 32 + fileCount);
    const tryCount = int(f[32 + fileCount]);
    if (tryCount === null || tryCount < 0) return makeReject(line, `BAD_COUNT: trycount "${f[32 + fileCount]}" is not a count`, text);
    at = 33 + fileCount;
    for (let t = 0; t < tryCount; t++) {
      if (at + 9 > f.length) return makeReject(line, `COUNT_OVERRUN: try ${t + 1} of ${tryCount} runs past the ${f.length} fields`, text);
      const statusCount = int(f[at + 8]);
      if (statusCount === null || statusCount < 0) {
        // Past the first try a missing count means trycount claimed more tries than the line holds.
        const reason = t > 0 ? `COUNT_OVERRUN: trycount ${tryCount} but try ${t + 1} has no status-line count` : `BAD_COUNT: status line count of try ${t + 1} is "${f[at + 8]}"`;
        return makeReject(line, reason, text);
      }
      if (at + 11 + statusCount > f.length) return makeReject(line, `COUNT_OVERRUN: ${statusCount} status lines of try ${t + 1} run past the ${f.length} fields`, text);
      tries.push({
        pid: int(f[at]),
        storageUnit: f[at + 1]!,
        server: f[at + 2]!,
        started: epochToIso(int(f[at + 3])),
        elapsedSeconds: int(f[at + 4]),
        ended: epochToIso(int(f[at + 5])),
        status: int(f[at + 6]),
        statusDescription: f[at + 7]!,
        statusLines: f.slice(at + 9, at + 9 + statusCount),
        kilobytes: int(f[at + 9 + statusCount]),
        files: int(f[at + 10 + statusCount]),
      });
      at += 11 + statusCount;
    }
  }
  const tail = f.slice(at);
  const parentJobId = int(tail[0]);
  const state = JOB_STATES[stateCode]!;
  const status = f[3]!.trim() === '' ? null : int(f[3]);
  const typeCode = int(f[1]);
  const scheduleType = int(f[22]);
  const schedule = f[5]!;
  return {
    kind: 'job',
    line,
    source: layout,
    jobId,
    parentJobId: parentJobId !== null && parentJobId !== jobId && parentJobId > 0 ? parentJobId : null,
    // Parent jobs show a dash in the Schedule column (Admin Guide, "About the Jobs tab").
    isParent: schedule === '-',
    type: typeCode !== null ? (JOB_TYPES[typeCode] ?? `type ${typeCode}`) : f[1]!,
    state,
    status,
    statusMessage: statusMessage(status),
    class: classifyJob(state, status),
    policy: f[4]!,
    schedule,
    scheduleType: scheduleType !== null ? (SCHEDULE_TYPES[scheduleType] ?? `type ${scheduleType}`) : null,
    client: f[6]!,
    mediaServer: f[7]!,
    master: f[25] || null,
    started: epochToIso(int(f[8])),
    ended: epochToIso(int(f[10])),
    elapsedSeconds: int(f[9]),
    kilobytes: int(f[14]),
    files: int(f[15]),
    percent: int(f[17]),
    fileList,
    tries,
    extra: tail.slice(TAIL.length),
  };
}

// Telling -most_columns from -all_columns by content: in -most_columns index 32 is trycount and 33, 34 are parentjob
// and kbpersec (numbers). In -all_columns with files, 32 is a file name; with no files, 32 is trycount, 33 the first
// try's pid and 34 its storage unit name (text). With no files and no tries the two layouts coincide.
function looksMostColumns(f: string[], fileCount: number): boolean {
  if (fileCount > 0) return int(f[32]) !== null && int(f[33]) !== null && int(f[34]) !== null;
  const tryCount = int(f[32]);
  if (tryCount === null || tryCount === 0) return false;
  return int(f[34]) !== null;
}
