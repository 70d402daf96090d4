import { makeReject, type Reject } from '#lib/lines/index.ts';
import { isoFromEpochSeconds } from '#lib/time/index.ts';
import { ctimeToIso } from './log-time.ts';
import {
  accessOf,
  collapseSlashes,
  decodePercent,
  unmapAddress,
  type SessionRecord,
  type TransferRecord,
} from './records.ts';
import type { SourceContext } from './xferlog.ts';

// Common Log Format `%h %l %u %t "%r" %s %b`: ProFTPD's ExtendedLog default and pure-ftpd's `clf` altlog. The zone
// offset is optional (Debian's pure-ftpd.conf example has none); without it the source's zone applies.
const CLF =
  /^(\S+) (\S+) (\S+) \[(\d\d)\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d\d:\d\d:\d\d)(?: ([+-])(\d\d)(\d\d))?\] "(.*)" (\d{3}|-) (\d+|-)$/;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const UPLOADS = new Set(['STOR', 'STOU', 'APPE', 'PUT']);
const DOWNLOADS = new Set(['RETR', 'GET']);
const EVENTS: Record<string, SessionRecord['event']> = {
  MKD: 'mkdir',
  XMKD: 'mkdir',
  RMD: 'rmdir',
  XRMD: 'rmdir',
  RNFR: 'rename',
  RNTO: 'rename',
  SITE: 'command',
};

/** looksLikeClf tells a Common Log Format line. */
export function looksLikeClf(text: string): boolean {
  return CLF.test(text);
}

function offsetTimeToIso(
  day: string,
  month: string,
  year: string,
  time: string,
  sign: string,
  hh: string,
  mm: string,
): string | null {
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  const d = Number(day);
  const ms = Date.UTC(Number(year), MONTHS[month]!, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const offset = (Number(hh) * 60 + Number(mm)) * (sign === '-' ? -1 : 1);
  return isoFromEpochSeconds(ms / 1000 - offset * 60);
}

/**
 * parseClfLine reads one CLF line of an FTP server. The request is an FTP command (ProFTPD: `STOR /inbox/x`,
 * `PASS (hidden)`) or pure-ftpd's `PUT`/`GET` with a percent-encoded path. Uploads, downloads and deletes become
 * transfer records, complete only on a 2xx status (pure-ftpd writes 200 even for a transfer cut short); PASS becomes
 * a login (230 ok, else failed), directory commands and the rest session records.
 */
export function parseClfLine(
  text: string,
  line: number,
  source: SourceContext,
): TransferRecord | SessionRecord | Reject {
  const m = CLF.exec(text);
  if (!m)
    return makeReject(
      line,
      'NOT_CLF: not a Common Log Format line (host ident user [time] "request" status bytes)',
      text,
    );
  const [, address, , who, day, month, year, time, sign, hh, mm, request, statusText, bytesText] =
    m as unknown as string[];
  const iso = sign
    ? offsetTimeToIso(day!, month!, year!, time!, sign, hh!, mm!)
    : ctimeToIso(month!, day!, time!, year!, source.zone);
  if (!iso) return makeReject(line, `BAD_DATE: ${day}/${month}/${year}:${time} does not exist`, text);
  const space = request!.indexOf(' ');
  const verb = (space === -1 ? request! : request!.slice(0, space)).toUpperCase();
  const argument = space === -1 ? '' : request!.slice(space + 1);
  // ProFTPD writes `-` for a command that got no reply of its own (`OPTS UTF8 ON` after its `OPTS_UTF8` alias).
  const status = statusText === '-' ? 0 : Number(statusText);
  const user = who === '-' || who === 'UNKNOWN' ? null : who!;
  const base = { line, format: 'clf' as const, time: iso, server: source.server, host: unmapAddress(address!) };
  const path = collapseSlashes(verb === 'PUT' || verb === 'GET' ? decodePercent(argument) : argument);
  if (UPLOADS.has(verb) || DOWNLOADS.has(verb) || verb === 'DELE') {
    return {
      kind: 'transfer',
      ...base,
      user: user ?? '',
      access: accessOf(user),
      direction: UPLOADS.has(verb) ? 'upload' : DOWNLOADS.has(verb) ? 'download' : 'delete',
      path,
      bytes: bytesText === '-' ? 0 : Number(bytesText),
      seconds: null,
      complete: status >= 200 && status < 300,
      mode: null,
    };
  }
  if (verb === 'PASS')
    return {
      kind: 'session',
      ...base,
      user,
      event: status === 230 ? 'login-ok' : 'login-fail',
      ok: status === 230,
      reason: `status ${status}`,
    };
  const record: SessionRecord = {
    kind: 'session',
    ...base,
    user,
    event: EVENTS[verb] ?? 'command',
    ok: status < 400,
    reason: `${verb} ${statusText}`,
  };
  if (argument && verb !== 'USER') record.path = path;
  return record;
}
