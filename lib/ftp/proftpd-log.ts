import { makeReject, type Reject } from '#lib/lines/index.ts';
import { isoLocalToIso, syslogTimeToIso, type YearInference } from './log-time.ts';
import { unmapAddress, type SessionEvent, type SessionRecord } from './records.ts';
import type { SourceContext } from './xferlog.ts';

// The three prefixes ProFTPD's SystemLog is found behind (reference/ftp.md §3, fail2ban's proftpd filter):
//   Debian file form  `2026-11-23 22:23:15,570 vm proftpd[15847] vhost (rhost[ip]): msg`
//   old syslog form   `May 21 20:22:28 slacker proftpd[25556] vhost (rhost[ip]): msg`
//   syslog form       `Jan  7 18:26:02 host proftpd[80283]: vhost (rhost[ip]) - msg`
const FILE_DATE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:,\d+)? (\S+) proftpd\[(\d+)\]:? (.*)$/;
const SYSLOG_DATE =
  /^(?:<\d+>)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) (?:[a-z0-9]+\.[a-z]+ )?proftpd\[(\d+)\]:? (.*)$/;
// After the prefix: `vhost (rhost[ip]): msg` or `vhost (rhost[ip]) - msg`; server-level lines have no client.
const CLIENT = /^(\S+) \(([^\s[\]]*)\[([^\]]+)\]\)(?::| -) (.*)$/;
// tcp wrapper lines (`refused connect from ip (ip)`, `connect from ip`) name the client without the usual brackets.
const WRAPPER = /^(refused )?connect from (\S+)/;
const FAILED = /\b(?:fatal|error|failed|terminating|signal \d+)\b/i;
// A ProFTPD or pure-ftpd message whose syslog date was cut off (`proftpd[26916]: …`): readable, but not datable.
const UNDATED = /^(?:proftpd|pure-ftpd(?:-wrapper)?)(?:\[\d+\])?:? /;
// A line ProFTPD appended to the previous one without a newline (pre-fork messages, seen on 1.3.8).
const GLUED = /(?<=\S)(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \S+ proftpd\[\d+\])/;

/** looksLikeProftpd tells a ProFTPD SystemLog line (file or syslog form). */
export function looksLikeProftpd(text: string): boolean {
  return FILE_DATE.test(text) || SYSLOG_DATE.test(text);
}

interface Message {
  event: SessionEvent;
  ok: boolean;
  user?: string;
  reason?: string;
}

/**
 * readMessage classifies a SystemLog message. A lone `no such user 'x'` is a notice: ProFTPD follows it with the
 * `USER x: no such user found` line of the same attempt, and counting both would double a brute-force burst;
 * `Maximum login attempts (3) exceeded` closes attempts that were each logged already, so it is a refusal.
 */
function readMessage(message: string): Message {
  const text = message.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(?:USER|ANON) (.+?): Login successful\.?$/.exec(text)))
    return { event: 'login-ok', ok: true, user: m[1]! };
  if ((m = /^USER (.+?) \(Login failed\):\s*(.*?)\.?$/.exec(text)))
    return { event: 'login-fail', ok: false, user: m[1]!, reason: m[2]! || 'login failed' };
  if ((m = /^USER (.+?): (no such user(?: found)?)\b/i.exec(text)))
    return { event: 'login-fail', ok: false, user: m[1]!, reason: 'no such user' };
  if ((m = /^SECURITY VIOLATION: (root login attempted)\.?$/i.exec(text)))
    return { event: 'login-fail', ok: false, user: 'root', reason: m[1]! };
  if (/^FTP session opened\.?$/.test(text)) return { event: 'connect', ok: true };
  if (/^FTP session closed\.?$/.test(text)) return { event: 'disconnect', ok: true };
  if (/timeout|timed out/i.test(text) && /disconnected|stall/i.test(text))
    return { event: 'disconnect', ok: false, reason: text };
  if (/^(?:Refused PORT|Connection from .* denied|Maximum login attempts)/.test(text))
    return { event: 'refused', ok: false, reason: text };
  return { event: 'notice', ok: !FAILED.test(text) && !/aborting transfer/.test(text), reason: text };
}

/**
 * parseProftpdLine reads one ProFTPD SystemLog line into session records: logins (successful, failed, unknown
 * user, root), session open/close, refusals (PORT, denied connections, too many attempts), timeouts, and a notice
 * for anything else (startup, mod_delay). A line ProFTPD glued to the previous one is split and read as two.
 */
export function parseProftpdLine(
  text: string,
  line: number,
  source: SourceContext,
  years: YearInference,
): Array<SessionRecord | Reject> {
  const parts = text.split(GLUED);
  if (parts.length > 1) return parts.flatMap((part) => parseProftpdLine(part, line, source, years));
  let iso: string | null;
  let rest: string;
  const f = FILE_DATE.exec(text);
  if (f) {
    iso = isoLocalToIso(f[1]!, f[2]!, source.zone);
    rest = f[5]!;
  } else {
    const s = SYSLOG_DATE.exec(text);
    if (!s) return [makeReject(line, 'NOT_PROFTPD: not a ProFTPD SystemLog line', text)];
    iso = syslogTimeToIso(s[1]!, s[2]!, s[3]!, years, source.zone);
    rest = s[6]!;
  }
  if (!iso) return [makeReject(line, `BAD_DATE: the date does not exist in ${source.zone}`, text)];
  const base = { kind: 'session' as const, line, format: 'proftpd' as const, time: iso, server: source.server };
  const client = CLIENT.exec(rest);
  if (client) {
    const message = readMessage(client[4]!);
    const record: SessionRecord = {
      ...base,
      host: unmapAddress(client[3]!),
      user: message.user ?? null,
      event: message.event,
      ok: message.ok,
    };
    if (message.reason !== undefined) record.reason = message.reason;
    return [record];
  }
  const wrapper = WRAPPER.exec(rest);
  if (wrapper)
    return [
      {
        ...base,
        host: unmapAddress(wrapper[2]!),
        user: null,
        event: wrapper[1] ? 'refused' : 'connect',
        ok: !wrapper[1],
        reason: rest.trim(),
      },
    ];
  return [{ ...base, host: '', user: null, event: 'notice', ok: !FAILED.test(rest), reason: rest.trim() }];
}

/** undatedReject names a ProFTPD or pure-ftpd message kept without its syslog date, or returns null. */
export function undatedReject(text: string, line: number): Reject | null {
  return UNDATED.test(text)
    ? makeReject(line, 'NO_DATE: a ProFTPD/pure-ftpd message without its syslog date and host', text)
    : null;
}
