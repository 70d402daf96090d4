import { makeReject, type Reject } from '#lib/lines/index.ts';
import { isoFromEpochSeconds } from '#lib/time/index.ts';
import { isoLocalToIso, syslogTimeToIso, type YearInference } from './log-time.ts';
import { accessOf, collapseSlashes, unmapAddress, type SessionRecord, type TransferRecord } from './records.ts';
import type { SourceContext } from './xferlog.ts';

// pure-ftpd logs only to syslog: `Jan  7 14:19:31 host pure-ftpd: (?@172.21.10.2) [WARNING] text` (`[pid]` with -1;
// BusyBox syslogd adds `ftp.info` before the program),
// or journald's ISO short form; the tcpd wrapper of Debian writes `pure-ftpd-wrapper[926]: connect from ip (ip)`.
const SYSLOG_DATE =
  /^(?:<\d+>)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d:\d\d:\d\d) \S+ (?:[a-z0-9]+\.[a-z]+ )?(pure-ftpd(?:-wrapper)?)(?:\[\d+\])?: (.*)$/;
const ISO_DATE =
  /^(?:<\d+>)?(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)? \S+ (?:[a-z0-9]+\.[a-z]+ )?(pure-ftpd(?:-wrapper)?)(?:\[\d+\])?: (.*)$/;
const MESSAGE = /^\((.*?)@([^)\s]+)\) \[(INFO|NOTICE|WARNING|ERROR|DEBUG)\] (.*)$/;
const WRAPPER_CONNECT = /^connect from +(\S+)/;
// The altlog `stats` format: `<unix time GMT> <session id> <user> <ip> <U|D> <size> <duration> <file, last, unquoted>`.
const STATS = /^(\d{9,11}) (\S+) (\S+) (\S+) ([UD]) (\d+) (\d+) (.+)$/;

/** looksLikePureftpd tells a pure-ftpd syslog line. */
export function looksLikePureftpd(text: string): boolean {
  return SYSLOG_DATE.test(text) || ISO_DATE.test(text);
}

/** looksLikePureftpdStats tells a line of pure-ftpd's `stats` altlog. */
export function looksLikePureftpdStats(text: string): boolean {
  return STATS.test(text);
}

/**
 * parsePureftpdLine reads one pure-ftpd syslog line: connections, logins, failed authentications, uploads and
 * downloads (`<path> uploaded  (N bytes, R KB/sec)`, which pure-ftpd writes even for a transfer the client cut
 * short: reconciliation with the store is what proves it), deletes, renames, errors, logouts and timeouts.
 * Paths keep their spaces; pure-ftpd's doubled slash (`/home/u//inbox`) is collapsed.
 */
export function parsePureftpdLine(
  text: string,
  line: number,
  source: SourceContext,
  years: YearInference,
): TransferRecord | SessionRecord | Reject {
  let iso: string | null;
  let program: string;
  let message: string;
  const s = SYSLOG_DATE.exec(text);
  if (s) {
    iso = syslogTimeToIso(s[1]!, s[2]!, s[3]!, years, source.zone);
    program = s[4]!;
    message = s[5]!;
  } else {
    const j = ISO_DATE.exec(text);
    if (!j) return makeReject(line, 'NOT_PURE_FTPD: not a pure-ftpd syslog line', text);
    iso = isoLocalToIso(j[1]!, j[2]!, source.zone);
    program = j[3]!;
    message = j[4]!;
  }
  if (!iso) return makeReject(line, `BAD_DATE: the date does not exist in ${source.zone}`, text);
  const base = { line, format: 'pure-ftpd' as const, time: iso, server: source.server };
  if (program === 'pure-ftpd-wrapper') {
    const c = WRAPPER_CONNECT.exec(message);
    if (c)
      return {
        kind: 'session',
        ...base,
        host: unmapAddress(c[1]!),
        user: null,
        event: 'connect',
        ok: true,
        reason: 'tcp wrapper',
      };
    return { kind: 'session', ...base, host: '', user: null, event: 'notice', ok: true, reason: message };
  }
  const m = MESSAGE.exec(message);
  if (!m) return { kind: 'session', ...base, host: '', user: null, event: 'notice', ok: true, reason: message };
  const [, who, address, level, body] = m as unknown as [string, string, string, string, string];
  const host = unmapAddress(address);
  const user = who === '?' || who === '' ? null : who;
  const session = (event: SessionRecord['event'], ok: boolean, extra: Partial<SessionRecord> = {}): SessionRecord => ({
    kind: 'session',
    ...base,
    host,
    user,
    event,
    ok,
    ...extra,
  });
  let t: RegExpExecArray | null;
  if ((t = /^(.+) (uploaded|downloaded) +\((\d+) bytes, ([\d.]+)KB\/sec\)$/.exec(body))) {
    const bytes = Number(t[3]);
    const rate = Number(t[4]);
    return {
      kind: 'transfer',
      ...base,
      host,
      user: user ?? '',
      access: accessOf(user),
      direction: t[2] === 'uploaded' ? 'upload' : 'download',
      path: collapseSlashes(t[1]!),
      bytes,
      seconds: rate > 0 ? Math.round((bytes / 1024 / rate) * 1000) / 1000 : null,
      complete: true,
      mode: null,
    };
  }
  if ((t = /^New connection from (\S+)/.exec(body))) return session('connect', true);
  if ((t = /^(.+) is now logged in$/.exec(body))) return { ...session('login-ok', true), user: t[1]! };
  if ((t = /^Authentication failed for user \[(.*)\]$/.exec(body)))
    return { ...session('login-fail', false, { reason: 'authentication failed' }), user: t[1]! };
  if ((t = /^Deleted (.+)$/.exec(body))) return session('delete', true, { path: collapseSlashes(t[1]!) });
  if ((t = /^File successfully renamed or moved: \[(.*)\]->\[(.*)\]$/.exec(body)))
    return session('rename', true, { path: t[1]!, to: t[2]! });
  if (/^(?:Logout|Timeout)/.test(body))
    return session('disconnect', body.startsWith('Logout'), { reason: body.replace(/\.$/, '') });
  if ((t = /^Command \[(\w+)\]/.exec(body))) return session('command', true, { reason: body });
  return session('notice', level !== 'ERROR' && level !== 'WARNING', { reason: body });
}

/**
 * parsePureftpdStatsLine reads pure-ftpd's `stats` altlog: Unix time (GMT, so no zone is needed), session id,
 * user, address, U or D, size, seconds and the file, last and unquoted so it keeps its spaces. pure-ftpd writes
 * every finished transfer here as a success, including the ones cut short.
 */
export function parsePureftpdStatsLine(text: string, line: number, source: SourceContext): TransferRecord | Reject {
  const m = STATS.exec(text);
  if (!m)
    return makeReject(line, 'NOT_STATS: not a pure-ftpd stats line (time session user ip U|D size seconds file)', text);
  const [, epoch, , who, address, direction, size, seconds, path] = m as unknown as [
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
  const user = who === '?' ? null : who;
  return {
    kind: 'transfer',
    line,
    format: 'stats',
    time: isoFromEpochSeconds(Number(epoch)),
    server: source.server,
    host: unmapAddress(address),
    user: user ?? '',
    access: accessOf(user),
    direction: direction === 'U' ? 'upload' : 'download',
    path: collapseSlashes(path),
    bytes: Number(size),
    seconds: Number(seconds),
    complete: true,
    mode: null,
  };
}
