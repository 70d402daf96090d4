import { makeReject, type Reject } from '#lib/lines/index.ts';
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
