import { makeReject, readLineBatches, type NumberedLine, type Reject } from '#lib/lines/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { parseColumnsLine } from './all-columns.ts';
import type { NetBackupJob } from './job.ts';
import { coldefColumns, headerColumns, isReportHeader, parseReportLine, type ReportColumn } from './plain-report.ts';
import { restJobs, type RestPage } from './rest-jobs.ts';
import { isSummaryHeader, summaryCount, summaryMaster, type JobSummary } from './summary-l.ts';

/** NetBackupFormat names the input forms cmp-ops reads. */
export type NetBackupFormat = 'auto' | 'all-columns' | 'most-columns' | 'report' | 'summary' | 'rest-json';
export const NETBACKUP_FORMATS: readonly NetBackupFormat[] = ['auto', 'all-columns', 'most-columns', 'report', 'summary', 'rest-json'];

/** NetBackupRecord is what the parser yields: jobs, -summary blocks, and rejects with their line numbers. */
export type NetBackupRecord = NetBackupJob | JobSummary | Reject;

/** ParseOptions choose the format and, for sites with BPDBJOBS_COLDEFS, the bp.conf that sets the columns. */
export interface ParseOptions {
  format?: NetBackupFormat;
  bpConf?: string;
  /** maxRestBytes bounds a REST JSON body, which is parsed whole (pages hold at most 100 jobs). */
  maxRestBytes?: number;
}

const RECORD_START = /^\d+,\d+,\d+,/;
const COLUMNS_LINE = /^\d+,-?\d*,\d+,/;
const MAX_JOINED = 5;

/** detectFormat names the format of a report from its first meaningful line, or null when it is none we know. */
export function detectFormat(line: string): Exclude<NetBackupFormat, 'auto'> | null {
  const t = line.trim();
  if (t.startsWith('{') || t.startsWith('[')) return 'rest-json';
  if (isReportHeader(line)) return 'report';
  if (isSummaryHeader(line)) return 'summary';
  if (/^C\d+$/.test(t) || COLUMNS_LINE.test(t)) return 'all-columns';
  return null;
}

/**
 * parseNetBackup streams a report and yields normalized jobs, summaries and rejects. The format is detected from
 * the first meaningful line unless given; an input in no known format throws UNKNOWN_FORMAT before any record
 * (a guess would be worse). Column layouts (-all_columns vs -most_columns) are told apart per line.
 */
export async function* parseNetBackup(source: AsyncIterable<Uint8Array | string>, options: ParseOptions = {}): AsyncGenerator<NetBackupRecord> {
  let format: NetBackupFormat = options.format ?? 'auto';
  let columns: ReportColumn[] | null = options.bpConf ? coldefColumns(options.bpConf) : null;
  let pending: NumberedLine | null = null;
  let joined = 0;
  let summary: JobSummary | null = null;
  let restText = '';
  let restStart = 0;

  for await (const batch of readLineBatches(source)) {
    const out: NetBackupRecord[] = [];
    for (const item of batch) {
      if ('kind' in item) {
        out.push(item);
        continue;
      }
      // (numbered lines have no `kind`; rejects from the line reader do)
      const { text, line } = item;
      if (format === 'auto') {
        if (text.trim() === '') continue;
        const detected = detectFormat(text);
        if (!detected) throw opsError('UNKNOWN_FORMAT', `line ${line} is not the start of any NetBackup report format cmp-ops reads (all-columns, most-columns, report, summary, rest-json)`, [{ line, reason: `unrecognized: ${text.slice(0, 80)}` }]);
        format = detected;
      }
      if (format === 'rest-json') {
        if (restStart === 0) restStart = line;
        restText += `${text}\n`;
        if (restText.length > (options.maxRestBytes ?? 32 * 1024 * 1024)) throw opsError('PAYLOAD_TOO_LARGE', 'REST jobs page is larger than the limit');
        continue;
      }
      if (format === 'report' || format === 'summary') {
        if (isSummaryHeader(text)) {
          if (summary) out.push(summary);
          summary = { kind: 'summary', line, master: summaryMaster(text), counts: {} };
          continue;
        }
        if (summary) {
          const count = summaryCount(text);
          if (count) {
            summary.counts[count[0]] = count[1];
            continue;
          }
          if (text.trim() === '') continue;
          out.push(summary);
          summary = null;
        }
        if (isReportHeader(text)) {
          if (!options.bpConf) columns = headerColumns(text);
          continue;
        }
        if (text.trim() === '') continue;
        if (!columns) {
          out.push(makeReject(line, 'NO_HEADER: table row before any JobID header line', text));
          continue;
        }
        out.push(parseReportLine(text, line, columns));
        continue;
      }
      // -all_columns / -most_columns. A record starts with a digit; only other lines need the slower checks.
      const first = text.charCodeAt(0);
      if (!(first >= 48 && first <= 57)) {
        if (text.trim() === '' || /^C\d+\s*$/.test(text)) continue; // -stay_alive batch header
        if (/^-\d+\s*$/.test(text)) continue; // -stay_alive: an aged-out job was removed
      }
      if (pending) {
        if (RECORD_START.test(text) || joined >= MAX_JOINED) {
          out.push(parseColumnsLine(pending.text, pending.line, { layout: layoutOf(format) }));
          pending = null;
          joined = 0;
        } else {
          // An embedded newline cut the record: join the pieces (bpdbreport changelog 2005-05-03).
          pending = { line: pending.line, text: `${pending.text}\n${text}` };
          joined++;
          const result = parseColumnsLine(pending.text, pending.line, { layout: layoutOf(format) });
          if (!('reason' in result) || !/^(TRUNCATED|COUNT_OVERRUN)/.test(result.reason)) {
            out.push(result);
            pending = null;
            joined = 0;
          }
          continue;
        }
      }
      const result = parseColumnsLine(text, line, { layout: layoutOf(format) });
      if ('reason' in result && /^(TRUNCATED|COUNT_OVERRUN)/.test(result.reason)) pending = { line, text };
      else out.push(result);
    }
    if (out.length > 0) yield* out;
  }
  if (pending) yield parseColumnsLine(pending.text, pending.line, { layout: layoutOf(format) });
  if (summary) yield summary;
  if (format === 'rest-json' && restText.trim() !== '') yield* parseRestText(restText, restStart);
}

function layoutOf(format: NetBackupFormat): 'all-columns' | 'most-columns' | 'auto' {
  return format === 'most-columns' ? 'most-columns' : 'auto';
}

function parseRestText(text: string, line: number): Array<NetBackupJob | Reject> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return [makeReject(line, `BAD_JSON: ${(err as Error).message}`, text.slice(0, 300))];
  }
  const pages = Array.isArray(body) ? (body as RestPage[]) : [body as RestPage];
  const out: Array<NetBackupJob | Reject> = [];
  for (const page of pages) {
    if (!page || !Array.isArray(page.data)) {
      out.push(makeReject(line, 'NOT_A_JOBS_PAGE: no data[] array', JSON.stringify(page).slice(0, 300)));
      continue;
    }
    out.push(...restJobs(page, out.length + 1));
  }
  return out;
}
