import { makeReject, type Reject } from '#lib/lines/index.ts';
import { ctimeToIso, isoLocalToIso, syslogTimeToIso, type YearInference } from './log-time.ts';
import { unmapAddress, type SessionEvent, type SessionRecord, type TransferRecord } from './records.ts';
import type { SourceContext } from './xferlog.ts';

const DATE =
  '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\\d{1,2}) (\\d\\d:\\d\\d:\\d\\d) (\\d{4})';
const BODY =
  '(?:\\[pid (\\d+)\\] )?(?:\\[([^\\]]*)\\] )?(?:(OK|FAIL) )?(DOWNLOAD|UPLOAD|MKDIR|LOGIN|DELETE|RENAME|RMDIR|CHMOD|DEBUG|CONNECT|FTP command|FTP response): Client "([^"]*)"(.*)$';
const NATIVE = new RegExp(`^${DATE} ${BODY}`);
// syslog / journal wrappers: `Jul 13 12:31:20 www vsftpd: <native line>` or `… vsftpd[1658]: [user] FAIL LOGIN: …`
const SYSLOG =
  /^(?:<\d+>)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d:\d\d:\d\d) \S+ vsftpd(?:\[\d+\])?: (.*)$/;
const JOURNAL_BODY = new RegExp(`^${BODY}`);
// journald's ISO short form: `2025-03-04T01:06:36.645577 host vsftpd[1658]: …` (local time, no zone)
const ISO_SYSLOG = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)? \S+ vsftpd(?:\[\d+\])?: (.*)$/;
// PAM's view of a failed vsftpd login (auth.log / syslog), in its old and new spellings
const PAM_FAILURE =
  /^(?:\(pam_unix\) |pam_unix\(vsftpd:auth\): )?authentication failure;.*?\bruser=(\S*).*?\brhost=(\S+)(?:\s+user=(\S+))?/;

const EVENTS: Record<string, SessionEvent> = {
  CONNECT: 'connect',
  MKDIR: 'mkdir',
  RMDIR: 'rmdir',
  RENAME: 'rename',
  DELETE: 'delete',
  CHMOD: 'chmod',
  DEBUG: 'command',
  'FTP command': 'command',
  'FTP response': 'response',
};

/** looksLikeVsftpd tells a vsftpd native line, bare or behind a syslog prefix. */
export function looksLikeVsftpd(text: string): boolean {
  return NATIVE.test(text) || SYSLOG.test(text) || ISO_SYSLOG.test(text);
}

/**
 * parseVsftpdLine reads one vsftpd.log line (logging.c's format): CONNECT, OK/FAIL LOGIN, OK/FAIL UPLOAD,
 * DOWNLOAD, MKDIR, RENAME, DELETE, RMDIR, CHMOD and the protocol lines, with or without a syslog prefix.
 * Uploads and downloads become transfer records, everything else session records. Syslog-only dates take their
 * year from `years`.
 */
export function parseVsftpdLine(
  text: string,
  line: number,
  source: SourceContext,
  years: YearInference,
): TransferRecord | SessionRecord | Reject {
  const m = NATIVE.exec(text);
  let iso: string | null;
  let body: RegExpExecArray | null;
  if (m) {
    iso = ctimeToIso(m[1]!, m[2]!, m[3]!, m[4]!, source.zone);
    // Drop the date groups so the body groups line up with the other two shapes.
    body = [m[0], ...m.slice(5)] as unknown as RegExpExecArray;
  } else {
    const s = SYSLOG.exec(text);
    const j = s ? null : ISO_SYSLOG.exec(text);
    if (!s && !j) return makeReject(line, 'NOT_VSFTPD: not a vsftpd log line', text);
    const message = s ? s[4]! : j![5]!;
    const inner = NATIVE.exec(message);
    if (inner) {
      iso = ctimeToIso(inner[1]!, inner[2]!, inner[3]!, inner[4]!, source.zone);
      body = [inner[0], ...inner.slice(5)] as unknown as RegExpExecArray;
    } else {
      iso = s
        ? syslogTimeToIso(s[1]!, s[2]!, s[3]!, years, source.zone)
        : isoLocalToIso(`${j![1]}-${j![2]}-${j![3]}`, j![4]!, source.zone);
      const pam = PAM_FAILURE.exec(message);
      if (pam && iso) {
        const user = pam[3] ?? (pam[1] || null);
        return {
          kind: 'session',
          line,
          format: 'vsftpd',
          time: iso,
          server: source.server,
          host: unmapAddress(pam[2]!),
          user,
          event: 'login-fail',
          ok: false,
          reason: 'PAM authentication failure',
        };
      }
      body = JOURNAL_BODY.exec(message);
      if (!body) return makeReject(line, 'NOT_VSFTPD: syslog line without a vsftpd message', text);
    }
  }
  if (!iso) return makeReject(line, 'BAD_DATE: the date does not exist in the source zone', text);
  const [, , userField, outcome, verb, client, rest] = body as unknown as [
    string,
    string | undefined,
    string | undefined,
    string | undefined,
    string,
    string,
    string,
  ];
  const user = userField ?? null;
  const args = parseRest(rest);
  const host = unmapAddress(client);
  if (verb === 'UPLOAD' || verb === 'DOWNLOAD') {
    const bytes = args.bytes ?? 0;
    return {
      kind: 'transfer',
      line,
      format: 'vsftpd',
      time: iso,
      server: source.server,
      host,
      user: user ?? '',
      access: user === 'ftp' || user === 'anonymous' ? 'anonymous' : user ? 'real' : null,
      direction: verb === 'UPLOAD' ? 'upload' : 'download',
      path: args.quoted[0] ?? '',
      bytes,
      // vsftpd logs the rate, not the duration.
      seconds: args.rate && args.rate > 0 ? Math.round((bytes / 1024 / args.rate) * 100) / 100 : null,
      complete: outcome === 'OK',
      mode: null,
    };
  }
  const record: SessionRecord = {
    kind: 'session',
    line,
    format: 'vsftpd',
    time: iso,
    server: source.server,
    host,
    user,
    event: verb === 'LOGIN' ? (outcome === 'OK' ? 'login-ok' : 'login-fail') : EVENTS[verb]!,
    ok: outcome !== 'FAIL',
  };
  if (args.anon !== undefined) record.anonymousId = args.anon;
  if (verb === 'CONNECT' || verb === 'LOGIN') {
    if (args.quoted[0] !== undefined) record.reason = args.quoted[0];
  } else if (args.quoted[0] !== undefined) record.path = args.quoted[0];
  return record;
}

// The part after `Client "ip"`: `, anon password "x"`, `, "argument"`, `, N bytes`, `, R.RRKbyte/sec`.
function parseRest(rest: string): { quoted: string[]; bytes?: number; rate?: number; anon?: string } {
  const out: { quoted: string[]; bytes?: number; rate?: number; anon?: string } = { quoted: [] };
  let s = rest;
  while (s.startsWith(', ')) {
    s = s.slice(2);
    let m: RegExpExecArray | null;
    if ((m = /^anon password "(.*?)"(?=, |$)/.exec(s))) out.anon = m[1]!;
    else if ((m = /^"(.*?)"(?=, \d+ bytes|, [\d.]+Kbyte\/sec|, "|$)/.exec(s))) out.quoted.push(m[1]!);
    else if ((m = /^(\d+) bytes/.exec(s))) out.bytes = Number(m[1]);
    else if ((m = /^([\d.]+)Kbyte\/sec/.exec(s))) out.rate = Number(m[1]);
    else break;
    s = s.slice(m[0].length);
  }
  return out;
}
