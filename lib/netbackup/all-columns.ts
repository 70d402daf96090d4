import { makeReject, type Reject } from '#lib/lines/index.ts';
import { JOB_STATES, JOB_TYPES, SCHEDULE_TYPES } from './enums.ts';
import { FieldScanner } from './field-scanner.ts';
import { classifyJob, epochToIso, statusMessage, type JobTry, type NetBackupJob } from './job.ts';

// Fields after the tries (-all_columns) or after trycount (-most_columns), named up to controllinghost (§2.2).
const TAIL = [
  'parentjob',
  'kbpersec',
  'copy',
  'robot',
  'vault',
  'profile',
  'session',
  'ejecttapes',
  'srcstunit',
  'srcserver',
  'srcmedia',
  'dstmedia',
  'stream',
  'suspendable',
  'resumable',
  'restartable',
  'datamovement',
  'snapshot',
  'backupid',
  'killable',
  'controllinghost',
] as const;
const HEAD_LENGTH = 31; // jobid … fileslastwritten

/** ColumnsOptions say which columns layout the line has; 'auto' tells them apart per line. */
export interface ColumnsOptions {
  layout: 'all-columns' | 'most-columns' | 'auto';
}

const scanner = new FieldScanner();

/**
 * parseColumnsLine reads one -all_columns or -most_columns line into a job, walking the file-list, try and
 * status-line counts with a bounds check at every step. A line it cannot trust is a Reject naming why.
 */
export function parseColumnsLine(text: string, line: number, options: ColumnsOptions): NetBackupJob | Reject {
  scanner.scan(text);
  return parseScanned(scanner, line, options);
}

/**
 * parseColumnsBytes is parseColumnsLine for the line at [from, to) of an ASCII line block (see LineBlock), read
 * from its bytes: no string is made for the line unless it is rejected.
 */
export function parseColumnsBytes(
  bytes: Uint8Array,
  text: string,
  from: number,
  to: number,
  line: number,
  options: ColumnsOptions,
): NetBackupJob | Reject {
  scanner.scanBytes(bytes, text, from, to);
  return parseScanned(scanner, line, options);
}

function parseScanned(f: FieldScanner, line: number, options: ColumnsOptions): NetBackupJob | Reject {
  const count = f.count;
  if (count < HEAD_LENGTH + 2)
    return makeReject(line, `TRUNCATED: ${count} fields, at least ${HEAD_LENGTH + 2} needed`, f.line());
  const jobId = f.int(0);
  if (jobId === null || jobId < 0) return makeReject(line, `BAD_JOBID: "${f.text(0)}" is not a job id`, f.line());
  const stateCode = f.int(2);
  if (stateCode === null || JOB_STATES[stateCode] === undefined)
    return makeReject(line, `BAD_STATE: "${f.text(2)}" is not a state 0-5`, f.line());
  const started = f.int(8);
  if (started === null && !f.isEmpty(8)) return badTime(f, line, 8, 'started');
  const elapsed = f.int(9);
  if (elapsed === null && !f.isEmpty(9)) return badTime(f, line, 9, 'elapsed');
  const ended = f.int(10);
  if (ended === null && !f.isEmpty(10)) return badTime(f, line, 10, 'ended');
  const fileCount = f.int(31);
  if (fileCount === null || fileCount < 0)
    return makeReject(line, `BAD_COUNT: filelistcount "${f.text(31)}" is not a count`, f.line());

  let layout = options.layout;
  if (layout === 'auto') layout = looksMostColumns(f, fileCount) ? 'most-columns' : 'all-columns';
  let fileList: string[] = [];
  const tries: JobTry[] = [];
  let at: number;
  if (layout === 'most-columns') {
    at = 33; // filelistcount and trycount are printed, the lists are not
  } else {
    if (32 + fileCount >= count)
      return makeReject(line, `COUNT_OVERRUN: filelistcount ${fileCount} runs past the ${count} fields`, f.line());
    fileList = f.texts(32, 32 + fileCount);
    const tryCount = f.int(32 + fileCount);
    if (tryCount === null || tryCount < 0)
      return makeReject(line, `BAD_COUNT: trycount "${f.text(32 + fileCount)}" is not a count`, f.line());
    at = 33 + fileCount;
    for (let t = 0; t < tryCount; t++) {
      if (at + 9 > count)
        return makeReject(line, `COUNT_OVERRUN: try ${t + 1} of ${tryCount} runs past the ${count} fields`, f.line());
      const statusCount = f.int(at + 8);
      if (statusCount === null || statusCount < 0) {
        // Past the first try a missing count means trycount claimed more tries than the line holds.
        const reason =
          t > 0
            ? `COUNT_OVERRUN: trycount ${tryCount} but try ${t + 1} has no status-line count`
            : `BAD_COUNT: status line count of try ${t + 1} is "${f.text(at + 8)}"`;
        return makeReject(line, reason, f.line());
      }
      if (at + 11 + statusCount > count)
        return makeReject(
          line,
          `COUNT_OVERRUN: ${statusCount} status lines of try ${t + 1} run past the ${count} fields`,
          f.line(),
        );
      tries.push({
        pid: f.int(at),
        storageUnit: f.text(at + 1)!,
        server: f.text(at + 2)!,
        started: epochToIso(f.int(at + 3)),
        elapsedSeconds: f.int(at + 4),
        ended: epochToIso(f.int(at + 5)),
        status: f.int(at + 6),
        statusDescription: f.text(at + 7)!,
        statusLines: f.texts(at + 9, at + 9 + statusCount),
        kilobytes: f.int(at + 9 + statusCount),
        files: f.int(at + 10 + statusCount),
      });
      at += 11 + statusCount;
    }
  }
  const parentJobId = f.int(at);
  const state = JOB_STATES[stateCode]!;
  const status = f.int(3); // null when empty, as while the job runs
  const typeCode = f.int(1);
  const scheduleType = f.int(22);
  const schedule = f.text(5)!;
  return {
    kind: 'job',
    line,
    source: layout,
    jobId,
    parentJobId: parentJobId !== null && parentJobId !== jobId && parentJobId > 0 ? parentJobId : null,
    // Parent jobs show a dash in the Schedule column (Admin Guide, "About the Jobs tab").
    isParent: schedule === '-',
    type: typeCode !== null ? (JOB_TYPES[typeCode] ?? `type ${typeCode}`) : f.text(1)!,
    state,
    status,
    statusMessage: statusMessage(status),
    class: classifyJob(state, status),
    policy: f.text(4)!,
    schedule,
    scheduleType: scheduleType !== null ? (SCHEDULE_TYPES[scheduleType] ?? `type ${scheduleType}`) : null,
    client: f.text(6)!,
    mediaServer: f.text(7)!,
    master: f.text(25) || null,
    started: epochToIso(started),
    ended: epochToIso(ended),
    elapsedSeconds: elapsed,
    kilobytes: f.int(14),
    files: f.int(15),
    percent: f.int(17),
    fileList,
    tries,
    extra: count > at + TAIL.length ? f.texts(at + TAIL.length, count) : [],
  };
}

function badTime(f: FieldScanner, line: number, index: number, name: string): Reject {
  return makeReject(line, `BAD_TIME: ${name} "${f.text(index)}" is not a number`, f.line());
}

// Telling -most_columns from -all_columns by content: in -most_columns index 32 is trycount and 33, 34 are parentjob
// and kbpersec (numbers). In -all_columns with files, 32 is a file name; with no files, 32 is trycount, 33 the first
// try's pid and 34 its storage unit name (text). With no files and no tries the two layouts coincide.
function looksMostColumns(f: FieldScanner, fileCount: number): boolean {
  if (fileCount > 0) return f.int(32) !== null && f.int(33) !== null && f.int(34) !== null;
  const tryCount = f.int(32);
  if (tryCount === null || tryCount === 0) return false;
  return f.int(34) !== null;
}
