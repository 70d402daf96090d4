import { isAscii } from 'node:buffer';
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
const SEGMENT = 64 * 1024;

/**
 * LineBlock is a run of at most 1024 consecutive lines kept inside one decoded text, without a string per line:
 * line `first + i` is `text.slice(starts[i], ends[i])` (line ending removed), unless `rejects` holds a Reject for i.
 */
export interface LineBlock {
  first: number;
  count: number;
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  /**
   * bytes is set when the text is ASCII: then `bytes[k] === text.charCodeAt(k)` at every offset of the lines, so a
   * parser may scan bytes instead of characters. It views the source's chunk: read it before asking for the next block.
   */
  bytes: Uint8Array | null;
  rejects: ReadonlyMap<number, Reject> | null;
}

/** blockLine returns line i of a block: its text, or the Reject that replaced it. */
export function blockLine(block: LineBlock, i: number): string | Reject {
  return block.rejects?.get(i) ?? block.text.slice(block.starts[i], block.ends[i]);
}

/**
 * LineSplitter cuts a byte or string stream into LineBlocks, one source chunk at a time. The whole lines of a chunk
 * are decoded once, in pieces cut at newlines: as latin1 (a copy) when a piece is ASCII, else as UTF-8, which is safe
 * there because a newline never falls inside a UTF-8 sequence. Only a line crossing chunks goes through a
 * StringDecoder, so a character split between chunks decodes whole. CRLF and a lone CR before LF are removed;
 * invalid UTF-8 becomes U+FFFD. A line longer than maxLineLength is not kept whole: it becomes a Reject
 * (LINE_TOO_LONG) and the splitter skips to its end.
 */
class LineSplitter {
  private readonly maxLength: number;
  private readonly decoder = new StringDecoder('utf8');
  private lineNo: number;
  private pending = ''; // the decoded start of a line crossing chunks
  private carrying = false; // a line crosses into the next chunk (pending may be empty while the decoder holds bytes)
  private overlong = false; // inside a line already rejected as too long: drop until its newline
  private overlongHead = '';

  constructor(options: LineOptions) {
    this.maxLength = options.maxLineLength ?? 1024 * 1024;
    this.lineNo = options.firstLine ?? 1;
  }

  push(chunk: Uint8Array | string): LineBlock[] {
    const out: LineBlock[] = [];
    const isText = typeof chunk === 'string';
    const length = chunk.length;
    const last = isText ? chunk.lastIndexOf('\n') : chunk.lastIndexOf(10);
    if (last === -1) {
      this.carry(chunk, 0, length);
      return out;
    }
    let start = 0;
    if (this.carrying) {
      const nl = isText ? chunk.indexOf('\n') : chunk.indexOf(10);
      const piece = isText ? chunk.slice(0, nl) : this.decoder.write(chunk.subarray(0, nl)) + this.decoder.end();
      if (!this.overlong && this.pending.length + piece.length > this.maxLength)
        this.startOverlong(this.pending + piece);
      out.push(this.finish(this.overlong ? '' : this.pending === '' ? piece : this.pending + piece));
      start = nl + 1;
    }
    if (start <= last) {
      if (isText) this.body(chunk, null, start, last, out);
      else {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        // Decoded in pieces of about 64 KiB, cut at newlines: a piece is an ordinary young string, where a 1 MiB one
        // is a large object that, once kept across a scavenge by the field slices of live records, waits in the
        // old generation for a full collection (RSS grew by 50 MiB on a 375 MiB report).
        while (start <= last) {
          let end = last;
          if (last - start > SEGMENT) {
            end = bytes.lastIndexOf(10, start + SEGMENT);
            if (end < start) end = bytes.indexOf(10, start + SEGMENT);
          }
          const view = bytes.subarray(start, end);
          if (isAscii(view)) this.body(view.toString('latin1'), view, 0, view.length, out);
          else {
            const text = view.toString('utf8');
            this.body(text, null, 0, text.length, out);
          }
          start = end + 1;
        }
      }
    }
    this.carry(chunk, last + 1, length);
    return out;
  }

  end(): LineBlock | null {
    const tail = this.decoder.end();
    if (!this.overlong) this.pending += tail;
    if (!this.overlong && this.pending.length === 0) return null;
    return this.finish(this.pending);
  }

  private startOverlong(head: string): void {
    this.overlong = true;
    this.overlongHead = head.slice(0, RAW_LIMIT);
  }

  // The rest of a chunk after its last newline: the start of a line continued in the next chunk.
  private carry(chunk: Uint8Array | string, from: number, to: number): void {
    if (from === to) return;
    this.carrying = true;
    const rest = typeof chunk === 'string' ? chunk.slice(from, to) : this.decoder.write(chunk.subarray(from, to));
    if (this.overlong) return;
    if (this.pending.length + rest.length > this.maxLength) {
      this.startOverlong(this.pending + rest);
      this.pending = '';
    } else {
      this.pending += rest;
    }
  }

  // A line that crossed chunks, as a block of its own.
  private finish(text: string): LineBlock {
    const line = this.lineNo++;
    this.pending = '';
    this.carrying = false;
    const starts = new Int32Array(1);
    const ends = new Int32Array(1);
    if (this.overlong) {
      const reject = makeReject(line, 'LINE_TOO_LONG', this.overlongHead);
      this.overlong = false;
      this.overlongHead = '';
      return { first: line, count: 1, text: '', starts, ends, bytes: null, rejects: new Map([[0, reject]]) };
    }
    ends[0] = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    return { first: line, count: 1, text, starts, ends, bytes: null, rejects: null };
  }

  // The lines of text[from, stop), where stop is a newline or the end of the text.
  private body(text: string, bytes: Uint8Array | null, from: number, stop: number, out: LineBlock[]): void {
    const maxLength = this.maxLength;
    let block = this.newBlock(text, bytes);
    let s = from;
    for (;;) {
      let nl = text.indexOf('\n', s);
      if (nl === -1 || nl > stop) nl = stop;
      if (block.count === BATCH_LINES) {
        out.push(block);
        block = this.newBlock(text, bytes);
      }
      const i = block.count++;
      this.lineNo++;
      if (nl - s > maxLength) {
        const rejects = (block.rejects ?? (block.rejects = new Map())) as Map<number, Reject>;
        rejects.set(i, makeReject(block.first + i, 'LINE_TOO_LONG', text.slice(s, Math.min(nl, s + RAW_LIMIT))));
        block.starts[i] = s;
        block.ends[i] = s;
      } else {
        block.starts[i] = s;
        block.ends[i] = nl > s && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      }
      if (nl === stop) break;
      s = nl + 1;
    }
    out.push(block);
  }

  private newBlock(text: string, bytes: Uint8Array | null): LineBlock {
    return {
      first: this.lineNo,
      count: 0,
      text,
      starts: new Int32Array(BATCH_LINES),
      ends: new Int32Array(BATCH_LINES),
      bytes,
      rejects: null,
    };
  }
}

/**
 * readLineBlocks splits a byte or string stream into LineBlocks (see LineSplitter for the rules): a parser pays
 * one await per block rather than per line, and no string is made for a line it does not ask for.
 */
export async function* readLineBlocks(
  source: AsyncIterable<Uint8Array | string>,
  options: LineOptions = {},
): AsyncGenerator<LineBlock> {
  const splitter = new LineSplitter(options);
  for await (const chunk of source) {
    const blocks = splitter.push(chunk);
    for (let i = 0; i < blocks.length; i++) yield blocks[i]!;
  }
  const last = splitter.end();
  if (last) yield last;
}

/** sourceOf turns a string or string array into an async source of chunks, for HTTP bodies already read and tests. */
export async function* sourceOf(text: string | string[]): AsyncGenerator<string> {
  if (Array.isArray(text)) yield* text;
  else yield text;
}
