import { makeReject, type Reject } from '#lib/lines/index.ts';
import { isoFromEpochSeconds, TWO_DIGITS } from '#lib/time/index.ts';
import { ctimeToIso } from './log-time.ts';
import { unmapAddress, type TransferRecord } from './records.ts';

/** SourceContext says which server a log came from and the zone its local times are in. */
export interface SourceContext {
  server: string;
  zone: string;
}

const DIRECTIONS: Record<string, TransferRecord['direction']> = { i: 'upload', o: 'download', d: 'delete' };
const ACCESS: Record<string, TransferRecord['access']> = { r: 'real', a: 'anonymous', g: 'guest' };
const XFERLOG_START =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d:\d\d \d{4} +\d+ /;

/** looksLikeXferlog tells an xferlog line by its ctime date followed by a transfer time. */
export function looksLikeXferlog(text: string): boolean {
  return XFERLOG_START.test(text);
}

/**
 * parseXferlogLine reads one xferlog line (wu-ftpd, vsftpd, proftpd, pure-ftpd). The filename is the only free
 * field and may hold spaces, so the 8 fixed tokens are taken from the left and the 9 from the right (a trailing
 * extra field, as some feeds append the server address, is tolerated after checking where `c`/`i` sits).
 */
export function parseXferlogLine(text: string, line: number, source: SourceContext): TransferRecord | Reject {
  return scanXferlogLine(text, line, source) ?? parseXferlogTokens(text, line, source);
}

/** parseXferlogTokens is the general token parser (every rule and reject); parseXferlogLine tries the scanner first. */
export function parseXferlogTokens(text: string, line: number, source: SourceContext): TransferRecord | Reject {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length < 18)
    return makeReject(line, `TRUNCATED: ${tokens.length} fields, an xferlog line has at least 18`, text);
  let right = tokens.length;
  if (!/^[ci]$/.test(tokens[right - 1]!) && /^[ci]$/.test(tokens[right - 2]!) && tokens.length >= 19) right--;
  const [, month, day, time, year, seconds, host, size] = tokens as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const tail = tokens.slice(right - 9, right) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const [type, , direction, access, user, , , , status] = tail;
  if (!/^[ci]$/.test(status))
    return makeReject(line, `BAD_STATUS: completion-status "${status}" is neither c nor i`, text);
  if (!DIRECTIONS[direction]) return makeReject(line, `BAD_DIRECTION: "${direction}" is not i, o or d`, text);
  if (!/^\d+$/.test(seconds) || !/^\d+$/.test(size))
    return makeReject(line, 'BAD_NUMBER: transfer-time and file-size must be whole numbers', text);
  if (!/^\d\d:\d\d:\d\d$/.test(time)) return makeReject(line, `BAD_TIME: "${time}"`, text);
  const iso = ctimeToIso(month, day, time, year, source.zone);
  if (!iso) return makeReject(line, `BAD_DATE: ${month} ${day} ${time} ${year} does not exist in ${source.zone}`, text);
  // The filename keeps its original spacing: cut it out of the raw text between the left and right anchors.
  const nameTokens = right - 9 - 8;
  const path = nameTokens === 1 ? tokens[8]! : cutMiddle(text.trim(), 8, tokens.length - (right - 9));
  if (path === '') return makeReject(line, 'NO_FILENAME', text);
  return {
    kind: 'transfer',
    line,
    format: 'xferlog',
    time: iso,
    server: source.server,
    host: unmapAddress(host),
    user,
    access: ACCESS[access] ?? null,
    direction: DIRECTIONS[direction]!,
    path,
    bytes: Number(size),
    seconds: Number(seconds),
    complete: status === 'c',
    mode: type === 'a' ? 'ascii' : type === 'b' ? 'binary' : null,
  };
}

// cutMiddle returns the text between the first `left` whitespace-separated tokens and the last `right` ones.
function cutMiddle(text: string, left: number, right: number): string {
  const spans = [...text.matchAll(/\S+/g)];
  const first = spans[left];
  const last = spans[spans.length - right - 1];
  if (!first || !last || last.index! < first.index!) return '';
  return text.slice(first.index!, last.index! + last[0].length);
}

// --- the fast path: the shape every server writes, read by character codes without splitting the line ---

/**
 * CharCodes holds the character codes of a text at its own offsets: the bytes of an ASCII line block, or the
 * UTF-16 code units of any other text.
 */
export type CharCodes = Uint8Array | Uint16Array;

const SPACE = 32;
const ZERO = 48;

function digitsAt(c: CharCodes, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = c[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return to > from ? n : -1;
}

// The last minute read, per zone: a log's lines share their minute, so the date is converted once per minute and
// compared in place (`Mmm dd HH:MM` and the year, as character codes). The ISO prefix is kept when the zone's
// offset is whole minutes (every zone today; only old LMT offsets carry seconds), and each second's time string is
// made once.
interface MinuteClock {
  codes: Uint16Array;
  epoch: number;
  prefix: string | null;
  times: Array<string | undefined>;
}
const minuteCache = new Map<string, MinuteClock>();

function sameMinute(key: Uint16Array, c: CharCodes, at: number): boolean {
  for (let i = 4; i < 16; i++) if (key[i] !== c[at + i]) return false;
  for (let i = 20; i < 24; i++) if (key[i] !== c[at + i]) return false;
  return true;
}

function isoAt(c: CharCodes, text: string, at: number, second: number, zone: string): string | null {
  let clock = minuteCache.get(zone);
  if (!clock || !sameMinute(clock.codes, c, at)) {
    const iso = ctimeToIso(
      text.slice(at + 4, at + 7),
      text.slice(at + 8, at + 10).trim(),
      `${text.slice(at + 11, at + 16)}:00`,
      text.slice(at + 20, at + 24),
      zone,
    );
    if (!iso) return null;
    const codes = new Uint16Array(24);
    for (let i = 0; i < 24; i++) codes[i] = c[at + i]!;
    clock = {
      codes,
      epoch: Date.parse(iso) / 1000,
      prefix: iso.endsWith(':00Z') ? iso.slice(0, 17) : null,
      times: new Array<string | undefined>(60),
    };
    minuteCache.set(zone, clock);
  }
  if (clock.prefix === null) return isoFromEpochSeconds(clock.epoch + second);
  return (clock.times[second] ??= `${clock.prefix}${TWO_DIGITS[second]}Z`);
}

function nextSpace(c: CharCodes, from: number, to: number): number {
  let i = from;
  while (i < to && c[i] !== SPACE) i++;
  return i;
}

// the right-hand fields from authuser back to transfer-type: which are one character wide
const ONE_CHARACTER = [false, true, false, false, true, true, false, true];
// the spaces before the 8 right-hand fields, reused from line to line
const ends = new Int32Array(8);
// the code units of a line given as a string, reused from line to line (a longer line gets its own)
const scratch = new Uint16Array(4096);

/** charCodesOf returns the UTF-16 code units of a text (for scanning a text that has no ASCII bytes). */
export function charCodesOf(text: string): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

/**
 * scanXferlogLine reads the regular shape (`Www Mmm dd HH:MM:SS YYYY secs host size path type action dir access
 * user service auth authuser status`, single spaces, day space-padded) by character codes, and returns null for
 * anything else, which the token parser then reads with all its rules and rejects.
 */
export function scanXferlogLine(text: string, line: number, source: SourceContext): TransferRecord | null {
  if (text.length > scratch.length) return scanXferlogCodes(charCodesOf(text), text, 0, text.length, line, source);
  for (let i = 0; i < text.length; i++) scratch[i] = text.charCodeAt(i);
  return scanXferlogCodes(scratch, text, 0, text.length, line, source);
}

/**
 * scanXferlogCodes is scanXferlogLine for the line at [from, to) of `text`, read from `c`, its character codes at
 * the same offsets (the bytes of an ASCII line block): no string is made for the line.
 */
export function scanXferlogCodes(
  c: CharCodes,
  text: string,
  from: number,
  to: number,
  line: number,
  source: SourceContext,
): TransferRecord | null {
  const at = from;
  if (
    to - from < 40 ||
    c[at + 3] !== SPACE ||
    c[at + 7] !== SPACE ||
    c[at + 10] !== SPACE ||
    c[at + 19] !== SPACE ||
    c[at + 24] !== SPACE
  )
    return null;
  if (c[at + 13] !== 58 || c[at + 16] !== 58) return null;
  const second = digitsAt(c, at + 17, at + 19);
  if (second < 0 || second > 59) return null;
  // the 9 fields on the right, each one token
  const status = c[to - 1];
  if ((status !== 99 && status !== 105) || c[to - 2] !== SPACE) return null;
  // (authentication-method, access-mode, direction and transfer-type are one character: checked, not scanned)
  const left = at + 25;
  let end = to - 2;
  for (let k = 0; k < 8; k++) {
    let space = end - 2;
    if (!ONE_CHARACTER[k] || c[space] !== SPACE) {
      space = end - 1;
      while (space >= left && c[space] !== SPACE) space--;
    }
    if (space < left || space === end - 1) return null;
    ends[k] = space;
    end = space;
  }
  // ends[k] is the space before field 8-k counting from `authuser`; ends[7] is the space before `type`
  const typeAt = ends[7]! + 1;
  const directionAt = ends[5]! + 1;
  const accessAt = ends[4]! + 1;
  if (ends[6]! - typeAt !== 1 || ends[4]! - directionAt !== 1 || ends[3]! - accessAt !== 1) return null;
  const d = c[directionAt];
  const direction = d === 105 ? 'upload' : d === 111 ? 'download' : d === 100 ? 'delete' : null;
  if (direction === null) return null;
  // secs host size on the left
  const s1 = nextSpace(c, left, to);
  const s2 = nextSpace(c, s1 + 1, to);
  const s3 = nextSpace(c, s2 + 1, to);
  if (s3 >= ends[7]! || s1 === left || s2 === s1 + 1 || s3 === s2 + 1) return null;
  const seconds = digitsAt(c, left, s1);
  const size = digitsAt(c, s2 + 1, s3);
  if (seconds < 0 || size < 0 || s3 + 1 === ends[7] || c[s3 + 1] === SPACE) return null;
  const time = isoAt(c, text, at, second, source.zone);
  if (time === null) return null;
  const type = c[typeAt];
  const access = c[accessAt];
  const host = text.slice(s1 + 1, s2);
  return {
    kind: 'transfer',
    line,
    format: 'xferlog',
    time,
    server: source.server,
    host: host.startsWith('::ffff:') ? host.slice(7) : host,
    user: text.slice(ends[3]! + 1, ends[2]),
    access: access === 114 ? 'real' : access === 97 ? 'anonymous' : access === 103 ? 'guest' : null,
    direction,
    path: text.slice(s3 + 1, ends[7]),
    bytes: size,
    seconds,
    complete: status === 99,
    mode: type === 97 ? 'ascii' : type === 98 ? 'binary' : null,
  };
}
