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
const XFERLOG_START = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d:\d\d \d{4} +\d+ /;

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
  if (tokens.length < 18) return makeReject(line, `TRUNCATED: ${tokens.length} fields, an xferlog line has at least 18`, text);
  let right = tokens.length;
  if (!/^[ci]$/.test(tokens[right - 1]!) && /^[ci]$/.test(tokens[right - 2]!) && tokens.length >= 19) right--;
  const [, month, day, time, year, seconds, host, size] = tokens as [string, string, string, string, string, string, string, string];
  const tail = tokens.slice(right - 9, right) as [string, string, string, string, string, string, string, string, string];
  const [type, , direction, access, user, , , , status] = tail;
  if (!/^[ci]$/.test(status)) return makeReject(line, `BAD_STATUS: completion-status "${status}" is neither c nor i`, text);
  if (!DIRECTIONS[direction]) return makeReject(line, `BAD_DIRECTION: "${direction}" is not i, o or d`, text);
  if (!/^\d+$/.test(seconds) || !/^\d+$/.test(size)) return makeReject(line, 'BAD_NUMBER: transfer-time and file-size must be whole numbers', text);
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

const SPACE = 32;
const ZERO = 48;

function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return to > from ? n : -1;
}

// The last minute read, per zone: a log's lines share their minute, so the date is converted once per minute and
// compared in place (`Mmm dd HH:MM` and the year) without slicing. The ISO prefix is kept when the zone's offset is
// whole minutes (every zone today; only old LMT offsets carry seconds).
interface MinuteClock {
  line: string;
  epoch: number;
  prefix: string | null;
}
const minuteCache = new Map<string, MinuteClock>();

function sameMinute(a: string, b: string): boolean {
  for (let i = 4; i < 16; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  for (let i = 20; i < 24; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

function isoAt(text: string, second: number, zone: string): string | null {
  let clock = minuteCache.get(zone);
  if (!clock || !sameMinute(clock.line, text)) {
    const iso = ctimeToIso(text.slice(4, 7), text.slice(8, 10).trim(), `${text.slice(11, 16)}:00`, text.slice(20, 24), zone);
    if (!iso) return null;
    const epoch = Date.parse(iso) / 1000;
    // (the slice may keep its chunk alive until the next minute: one chunk per zone at most)
    clock = { line: text.slice(0, 24), epoch, prefix: iso.endsWith(':00Z') ? iso.slice(0, 17) : null };
    minuteCache.set(zone, clock);
  }
  return clock.prefix !== null ? `${clock.prefix}${TWO_DIGITS[second]}Z` : isoFromEpochSeconds(clock.epoch + second);
}

function nextSpace(text: string, from: number, length: number): number {
  let i = from;
  while (i < length && text.charCodeAt(i) !== SPACE) i++;
  return i;
}

// the right-hand fields from authuser back to transfer-type: which are one character wide
const ONE_CHARACTER = [false, true, false, false, true, true, false, true];
// the spaces before the 8 right-hand fields, reused from line to line
const ends = new Int32Array(8);

/**
 * scanXferlogLine reads the regular shape (`Www Mmm dd HH:MM:SS YYYY secs host size path type action dir access
 * user service auth authuser status`, single spaces, day space-padded) by character codes, and returns null for
 * anything else, which the token parser then reads with all its rules and rejects.
 */
export function scanXferlogLine(text: string, line: number, source: SourceContext): TransferRecord | null {
  const length = text.length;
  if (length < 40 || text.charCodeAt(3) !== SPACE || text.charCodeAt(7) !== SPACE || text.charCodeAt(10) !== SPACE || text.charCodeAt(19) !== SPACE || text.charCodeAt(24) !== SPACE) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const second = digitsAt(text, 17, 19);
  if (second < 0 || second > 59) return null;
  // the 9 fields on the right, each one token
  const status = text.charCodeAt(length - 1);
  if ((status !== 99 && status !== 105) || text.charCodeAt(length - 2) !== SPACE) return null;
  // charCodeAt loops: lastIndexOf/indexOf are runtime calls, several times slower on short scans
  // (authentication-method, access-mode, direction and transfer-type are one character: checked, not scanned)
  let end = length - 2;
  for (let k = 0; k < 8; k++) {
    let space = end - 2;
    if (!ONE_CHARACTER[k] || text.charCodeAt(space) !== SPACE) {
      space = end - 1;
      while (space >= 25 && text.charCodeAt(space) !== SPACE) space--;
    }
    if (space < 25 || space === end - 1) return null;
    ends[k] = space;
    end = space;
  }
  // ends[k] is the space before field 8-k counting from `authuser`; ends[7] is the space before `type`
  const typeAt = ends[7]! + 1;
  const directionAt = ends[5]! + 1;
  const accessAt = ends[4]! + 1;
  if (ends[6]! - typeAt !== 1 || ends[4]! - directionAt !== 1 || ends[3]! - accessAt !== 1) return null;
  const direction = DIRECTIONS[text[directionAt]!];
  if (!direction) return null;
  // secs host size on the left
  const s1 = nextSpace(text, 25, length);
  const s2 = nextSpace(text, s1 + 1, length);
  const s3 = nextSpace(text, s2 + 1, length);
  if (s3 >= ends[7]! || s1 === 25 || s2 === s1 + 1 || s3 === s2 + 1) return null;
  const seconds = digitsAt(text, 25, s1);
  const size = digitsAt(text, s2 + 1, s3);
  const path = text.slice(s3 + 1, ends[7]);
  if (seconds < 0 || size < 0 || path === '' || path.charCodeAt(0) === SPACE) return null;
  const time = isoAt(text, second, source.zone);
  if (time === null) return null;
  const type = text.charCodeAt(typeAt);
  const host = text.slice(s1 + 1, s2);
  return {
    kind: 'transfer',
    line,
    format: 'xferlog',
    time,
    server: source.server,
    host: host.startsWith('::ffff:') ? host.slice(7) : host,
    user: text.slice(ends[3]! + 1, ends[2]),
    access: ACCESS[text[accessAt]!] ?? null,
    direction,
    path,
    bytes: size,
    seconds,
    complete: status === 99,
    mode: type === 97 ? 'ascii' : type === 98 ? 'binary' : null,
  };
}
