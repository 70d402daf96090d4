import { StringDecoder } from 'node:string_decoder';

/** NumberedLine is one line of text with its 1-based line number, line ending removed. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** Reject is a line a parser could not use: its number, why, and the raw text (cut to 512 characters). */
export interface Reject {
  kind: 'reject';
  line: number;
  reason: string;
  raw: string;
}

/** LineOptions bound what one line may cost in memory. */
export interface LineOptions {
  /** Longest line kept, in characters; a longer one becomes a Reject with reason LINE_TOO_LONG. Default 1 MiB. */
  maxLineLength?: number;
  /** Line number of the first line (for resuming at a cursor). Default 1. */
  firstLine?: number;
}

const RAW_LIMIT = 512;

/** makeReject builds a Reject, cutting the raw text so a huge bad line cannot bloat a report. */
export function makeReject(line: number, reason: string, raw: string): Reject {
  return { kind: 'reject', line, reason, raw: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw };
}

/** isReject tells a Reject from a parser's record. */
export function isReject(value: unknown): value is Reject {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'reject';
}

const BATCH_LINES = 1024;

/**
 * LineChunk is a run of consecutive lines: `lines[i]` is line `first + i`, its text (line ending removed), or the
 * Reject that replaced a line too long to keep.
 */
export interface LineChunk {
  first: number;
  lines: Array<string | Reject>;
}

/**
 * readLineChunks splits a byte or string stream into lines, at most 1024 per chunk: a parser pays one await per
 * chunk rather than per line, and few lines are alive at a time, so the young generation stays cheap to collect.
 * No object is made per line. CRLF and lone CR before LF are removed; invalid UTF-8 becomes U+FFFD. A line longer
 * than maxLineLength is not kept whole: it becomes a Reject (LINE_TOO_LONG) and the reader skips to its end.
 */
export async function* readLineChunks(source: AsyncIterable<Uint8Array | string>, options: LineOptions = {}): AsyncGenerator<LineChunk> {
  const maxLength = options.maxLineLength ?? 1024 * 1024;
  const decoder = new StringDecoder('utf8');
  let lineNo = options.firstLine ?? 1;
  let first = lineNo;
  let lines: Array<string | Reject> = [];
  let pending = '';
  let overlong = false; // inside a line already rejected as too long: drop until its newline
  let overlongHead = '';

  const finish = (text: string): void => {
    if (overlong) {
      lines.push(makeReject(lineNo, 'LINE_TOO_LONG', overlongHead));
      overlong = false;
      overlongHead = '';
    } else {
      lines.push(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text);
    }
    lineNo++;
  };

  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (lines.length === BATCH_LINES) {
        yield { first, lines };
        first = lineNo;
        lines = [];
      }
      const piece = text.slice(start, nl);
      if (!overlong && pending.length + piece.length > maxLength) {
        overlong = true;
        overlongHead = (pending + piece).slice(0, RAW_LIMIT);
      }
      finish(overlong ? '' : pending === '' ? piece : pending + piece);
      pending = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    const rest = text.slice(start);
    if (!overlong) {
      if (pending.length + rest.length > maxLength) {
        overlong = true;
        overlongHead = (pending + rest).slice(0, RAW_LIMIT);
        pending = '';
      } else {
        pending += rest;
      }
    }
    if (lines.length > 0) {
      yield { first, lines };
      first = lineNo;
      lines = [];
    }
  }
  const tail = decoder.end();
  if (!overlong) pending += tail;
  if (overlong || pending.length > 0) {
    finish(pending);
    yield { first, lines };
  }
}

/** readLineBatches is readLineChunks with a numbered object per line (see there for the rules). */
export async function* readLineBatches(source: AsyncIterable<Uint8Array | string>, options: LineOptions = {}): AsyncGenerator<Array<NumberedLine | Reject>> {
  for await (const chunk of readLineChunks(source, options)) yield chunk.lines.map((item, i) => (typeof item === 'string' ? { line: chunk.first + i, text: item } : item));
}

/** readLines yields the lines of a stream one at a time (see readLineBatches for the rules). */
export async function* readLines(
  source: AsyncIterable<Uint8Array | string>,
  options: LineOptions = {},
): AsyncGenerator<NumberedLine | Reject> {
  for await (const batch of readLineBatches(source, options)) yield* batch;
}

/** linesOf turns a string or string array into a one-chunk async source, for tests and HTTP bodies. */
export async function* sourceOf(text: string | string[]): AsyncGenerator<string> {
  if (Array.isArray(text)) yield* text;
  else yield text;
}
