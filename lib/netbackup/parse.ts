import { makeReject, readLineBlocks, type LineBlock, type NumberedLine, type Reject } from '#lib/lines/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { parseColumnsBytes, parseColumnsLine, type ColumnsOptions } from './all-columns.ts';
import type { NetBackupJob } from './job.ts';
import { coldefColumns, headerColumns, isReportHeader, parseReportLine, type ReportColumn } from './plain-report.ts';
import { restJobs, type RestPage } from './rest-jobs.ts';
import { isSummaryHeader, summaryCount, summaryMaster, type JobSummary } from './summary-l.ts';

/** NetBackupFormat names the input forms cmp-ops reads. */
export type NetBackupFormat = 'auto' | 'all-columns' | 'most-columns' | 'report' | 'summary' | 'rest-json';
export const NETBACKUP_FORMATS: readonly NetBackupFormat[] = [
  'auto',
  'all-columns',
  'most-columns',
  'report',
  'summary',
  'rest-json',
];

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
// A reject that may only mean an embedded newline cut the record: the next line is tried as its continuation.
const CUT_RECORD = /^(TRUNCATED|COUNT_OVERRUN)/;

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
export async function* parseNetBackup(
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions = {},
): AsyncGenerator<NetBackupRecord> {
  for await (const batch of parseNetBackupBatches(source, options)) yield* batch;
}

/** parseNetBackupBatches is parseNetBackup one array per chunk of lines: one await per chunk, not per record. */
export async function* parseNetBackupBatches(
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions = {},
): AsyncGenerator<NetBackupRecord[]> {
  const reader = new NetBackupLineReader(options);
  for await (const block of readLineBlocks(source)) {
    const out = reader.read(block);
    if (out.length > 0) yield out;
  }
  const rest = reader.end();
  if (rest.length > 0) yield rest;
}

/**
 * NetBackupLineReader holds what spans lines (the detected format, the columns of a table, a -summary block being
 * read, a record cut by an embedded newline, a REST body) and reads chunks of lines. The work is kept out of the
 * async generator, whose body V8 optimizes far less well than a plain method.
 */
class NetBackupLineReader {
  private format: NetBackupFormat;
  private columns: ReportColumn[] | null;
  private pending: NumberedLine | null = null;
  private joined = 0;
  private summary: JobSummary | null = null;
  private restText = '';
  private restStart = 0;

  constructor(private readonly options: ParseOptions) {
    this.format = options.format ?? 'auto';
    this.columns = options.bpConf ? coldefColumns(options.bpConf) : null;
  }

  read(block: LineBlock): NetBackupRecord[] {
    const out: NetBackupRecord[] = [];
    const { text, bytes, starts, ends, rejects } = block;
    for (let i = 0; i < block.count; i++) {
      const reject = rejects?.get(i);
      if (reject) {
        out.push(reject);
        continue;
      }
      const from = starts[i]!;
      const to = ends[i]!;
      const line = block.first + i;
      // A record line of an ASCII block (the bulk of a report) is read from the bytes without a string of its own.
      const first = bytes !== null && from < to ? bytes[from]! : 0;
      if (
        first >= 48 &&
        first <= 57 &&
        this.pending === null &&
        (this.format === 'all-columns' || this.format === 'most-columns')
      ) {
        const result = parseColumnsBytes(bytes!, text, from, to, line, layoutOf(this.format));
        if (result.kind === 'reject' && CUT_RECORD.test(result.reason))
          this.pending = { line, text: text.slice(from, to) };
        else out.push(result);
      } else {
        this.readLine(text.slice(from, to), line, out);
      }
    }
    return out;
  }

  end(): NetBackupRecord[] {
    const out: NetBackupRecord[] = [];
    if (this.pending) out.push(parseColumnsLine(this.pending.text, this.pending.line, layoutOf(this.format)));
    if (this.summary) out.push(this.summary);
    if (this.format === 'rest-json' && this.restText.trim() !== '')
      out.push(...parseRestText(this.restText, this.restStart));
    return out;
  }

  private readLine(text: string, line: number, out: NetBackupRecord[]): void {
    const options = this.options;
    if (this.format === 'auto') {
      if (text.trim() === '') return;
      const detected = detectFormat(text);
      if (!detected)
        throw opsError(
          'UNKNOWN_FORMAT',
          `line ${line} is not the start of any NetBackup report format cmp-ops reads (all-columns, most-columns, report, summary, rest-json)`,
          [{ line, reason: `unrecognized: ${text.slice(0, 80)}` }],
        );
      this.format = detected;
    }
    const format = this.format;
    if (format === 'rest-json') {
      if (this.restStart === 0) this.restStart = line;
      this.restText += `${text}\n`;
      if (this.restText.length > (options.maxRestBytes ?? 32 * 1024 * 1024))
        throw opsError('PAYLOAD_TOO_LARGE', 'REST jobs page is larger than the limit');
      return;
    }
    if (format === 'report' || format === 'summary') {
      if (isSummaryHeader(text)) {
        if (this.summary) out.push(this.summary);
        this.summary = { kind: 'summary', line, master: summaryMaster(text), counts: {} };
        return;
      }
      if (this.summary) {
        const count = summaryCount(text);
        if (count) {
          this.summary.counts[count[0]] = count[1];
          return;
        }
        if (text.trim() === '') return;
        out.push(this.summary);
        this.summary = null;
      }
      if (isReportHeader(text)) {
        if (!options.bpConf) this.columns = headerColumns(text);
        return;
      }
      if (text.trim() === '') return;
      if (!this.columns) {
        out.push(makeReject(line, 'NO_HEADER: table row before any JobID header line', text));
        return;
      }
      out.push(parseReportLine(text, line, this.columns));
      return;
    }
    // -all_columns / -most_columns. A record starts with a digit; only other lines need the slower checks.
    const first = text.charCodeAt(0);
    if (!(first >= 48 && first <= 57)) {
      if (text.trim() === '' || /^C\d+\s*$/.test(text)) return; // -stay_alive batch header
      if (/^-\d+\s*$/.test(text)) return; // -stay_alive: an aged-out job was removed
    }
    const layout = layoutOf(format);
    if (this.pending) {
      if (RECORD_START.test(text) || this.joined >= MAX_JOINED) {
        out.push(parseColumnsLine(this.pending.text, this.pending.line, layout));
        this.pending = null;
        this.joined = 0;
      } else {
        // An embedded newline cut the record: join the pieces (bpdbreport changelog 2005-05-03).
        this.pending = { line: this.pending.line, text: `${this.pending.text}\n${text}` };
        this.joined++;
        const result = parseColumnsLine(this.pending.text, this.pending.line, layout);
        if (result.kind !== 'reject' || !CUT_RECORD.test(result.reason)) {
          out.push(result);
          this.pending = null;
          this.joined = 0;
        }
        return;
      }
    }
    const result = parseColumnsLine(text, line, layout);
    if (result.kind === 'reject' && CUT_RECORD.test(result.reason)) this.pending = { line, text };
    else out.push(result);
  }
}

const MOST_COLUMNS: ColumnsOptions = { layout: 'most-columns' };
const AUTO_COLUMNS: ColumnsOptions = { layout: 'auto' };

function layoutOf(format: NetBackupFormat): ColumnsOptions {
  return format === 'most-columns' ? MOST_COLUMNS : AUTO_COLUMNS;
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
