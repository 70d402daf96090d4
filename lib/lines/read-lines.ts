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

/**
 * readLineBatches splits a byte or string stream into lines, one array per input chunk, so a parser pays one
 * await per chunk rather than per line. CRLF and lone CR before LF are removed; invalid UTF-8 becomes U+FFFD.
 * A line longer than maxLineLength is not kept whole: it becomes a Reject and the reader skips to its end.
 */
export async function* readLineBatches(
  source: AsyncIterable<Uint8Array | string>,
  options: LineOptions = {},
): AsyncGenerator<Array<NumberedLine | Reject>> {
  const maxLength = options.maxLineLength ?? 1024 * 1024;
  const decoder = new StringDecoder('utf8');
  let lineNo = options.firstLine ?? 1;
  let pending = '';
  let overlong = false; // inside a line already rejected as too long: drop until its newline
  let overlongHead = '';

  const finish = (text: string, out: Array<NumberedLine | Reject>): void => {
    if (overlong) {
      out.push(makeReject(lineNo, 'LINE_TOO_LONG', overlongHead));
      overlong = false;
      overlongHead = '';
    } else {
      out.push({ line: lineNo, text: text.endsWith('\r') ? text.slice(0, -1) : text });
    }
    lineNo++;
  };

  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const out: Array<NumberedLine | Reject> = [];
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const piece = text.slice(start, nl);
      if (!overlong && pending.length + piece.length > maxLength) {
        overlong = true;
        overlongHead = (pending + piece).slice(0, RAW_LIMIT);
      }
      finish(overlong ? '' : pending + piece, out);
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
    if (out.length > 0) yield out;
  }
  const tail = decoder.end();
  if (!overlong) pending += tail;
  if (overlong || pending.length > 0) {
    const out: Array<NumberedLine | Reject> = [];
    finish(pending, out);
    yield out;
  }
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
