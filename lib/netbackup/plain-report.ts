import { makeReject, type Reject } from '#lib/lines/index.ts';
import { stateFromText } from './enums.ts';
import { classifyJob, statusMessage, type NetBackupJob } from './job.ts';

/** ReportColumn is one column of a plain `bpdbjobs -report` table: its name and character span. */
export interface ReportColumn {
  name: string;
  start: number;
  end: number;
}

// Header names that span several words in the default layout.
const MULTI_WORD = [
  ['Dest', 'Media', 'Svr'],
  ['Active', 'PID'],
  ['Media', 'Server'],
];

/** isReportHeader tells whether a line is a `bpdbjobs -report` header (it starts with JobID and names Type and State). */
export function isReportHeader(line: string): boolean {
  return /^\s*JobID\s/.test(line) && /\bType\b/.test(line) && /\bState\b/i.test(line);
}

/**
 * headerColumns reads column spans from a header line. Boundaries fall halfway between neighbouring header words,
 * so left- and right-justified cells both land in their column.
 */
export function headerColumns(line: string): ReportColumn[] {
  const words = [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
  const merged: Array<{ text: string; start: number; end: number }> = [];
  for (let i = 0; i < words.length; i++) {
    const group = MULTI_WORD.find((names) => names.every((name, k) => words[i + k]?.text === name));
    if (group) {
      merged.push({ text: group.join(' '), start: words[i]!.start, end: words[i + group.length - 1]!.end });
      i += group.length - 1;
    } else merged.push(words[i]!);
  }
  return merged.map((word, i) => ({
    name: word.text,
    start: i === 0 ? 0 : Math.floor((merged[i - 1]!.end + word.start) / 2),
    end: i === merged.length - 1 ? Number.POSITIVE_INFINITY : Math.floor((word.end + merged[i + 1]!.start) / 2),
  }));
}

/** coldefColumns turns `BPDBJOBS_COLDEFS = <Name> <width> <expand>` lines of a bp.conf into fixed spans (width + 1 each). */
export function coldefColumns(bpConf: string): ReportColumn[] {
  const columns: ReportColumn[] = [];
  let at = 0;
  for (const match of bpConf.matchAll(/^\s*BPDBJOBS_COLDEFS\s*=\s*(\S+)\s+(\d+)/gm)) {
    const width = Number(match[2]);
    columns.push({ name: match[1]!, start: at, end: at + width + 1 });
    at += width + 1;
  }
  return columns;
}

function cells(line: string, columns: ReportColumn[]): Map<string, string> {
  const values = new Map<string, string[]>();
  for (const m of line.matchAll(/\S+/g)) {
    const center = m.index! + m[0].length / 2;
    const column = columns.find((c) => center >= c.start && center < c.end);
    if (!column) continue;
    values.set(column.name.toLowerCase(), [...(values.get(column.name.toLowerCase()) ?? []), m[0]]);
  }
  return new Map([...values].map(([k, v]) => [k, v.join(' ')]));
}

function pick(values: Map<string, string>, ...names: string[]): string {
  for (const name of names) {
    const v = values.get(name.toLowerCase());
    if (v !== undefined) return v;
  }
  return '';
}

function hms(text: string): number | null {
  const m = /^(\d+):(\d\d):(\d\d)$/.exec(text);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

/** parseReportLine reads one table row by its columns; a row without a numeric JobID or a known state is a Reject. */
export function parseReportLine(text: string, line: number, columns: ReportColumn[]): NetBackupJob | Reject {
  const v = cells(text, columns);
  const jobIdText = pick(v, 'JobID');
  if (!/^\d+$/.test(jobIdText)) return makeReject(line, `BAD_JOBID: "${jobIdText}" is not a job id`, text);
  const state = stateFromText(pick(v, 'State'));
  if (!state) return makeReject(line, `BAD_STATE: "${pick(v, 'State')}" is not a job state`, text);
  const statusText = pick(v, 'Status');
  if (statusText !== '' && !/^\d+$/.test(statusText))
    return makeReject(line, `BAD_STATUS: "${statusText}" is not a status code`, text);
  const status = statusText === '' ? null : Number(statusText);
  const schedule = pick(v, 'Schedule');
  const kb = pick(v, 'KB', 'Kilobytes');
  return {
    kind: 'job',
    line,
    source: 'report',
    jobId: Number(jobIdText),
    parentJobId: null,
    isParent: schedule === '-',
    type: pick(v, 'Type'),
    state,
    status,
    statusMessage: statusMessage(status),
    class: classifyJob(state, status),
    policy: pick(v, 'Policy', 'Class'),
    schedule,
    scheduleType: null,
    client: pick(v, 'Client'),
    mediaServer: pick(v, 'Dest Media Svr', 'DstMedia_Server', 'Media Server', 'Server'),
    master: null,
    // Plain-report dates are locale-formatted without a zone: kept out of the normalized times.
    started: null,
    ended: null,
    elapsedSeconds: hms(pick(v, 'ELAPSED', 'Elapsed')),
    kilobytes: /^\d+$/.test(kb) ? Number(kb) : null,
    files: null,
    percent: null,
    fileList: [],
    tries: [],
    extra: [],
  };
}
