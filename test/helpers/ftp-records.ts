import { DateTime } from 'luxon';
import { sourceOf, type Reject } from '#lib/lines/index.ts';
import {
  auditRecord,
  DEFAULT_RULES,
  parseFtpLog,
  type Finding,
  type FtpParseOptions,
  type FtpRecord,
  type SessionRecord,
  type TransferRecord,
} from '#lib/ftp/index.ts';
import { readFixture } from './fixtures.ts';

/** ftpParser returns a function that parses text (or lines) with the given defaults, collecting every record. */
export function ftpParser(
  fileTime: string,
): (text: string | string[], extra?: Partial<FtpParseOptions>) => Promise<FtpRecord[]> {
  const options: FtpParseOptions = {
    server: 'ftp1',
    zone: 'UTC',
    fileTime: DateTime.fromISO(fileTime, { zone: 'utc' }),
  };
  return async (text, extra = {}) => {
    const out: FtpRecord[] = [];
    for await (const r of parseFtpLog(sourceOf(text), { ...options, ...extra })) out.push(r);
    return out;
  };
}

export const transfers = (rs: FtpRecord[]) => rs.filter((r): r is TransferRecord => r.kind === 'transfer');
export const sessions = (rs: FtpRecord[]) => rs.filter((r): r is SessionRecord => r.kind === 'session');
export const rejects = (rs: FtpRecord[]) => rs.filter((r): r is Reject => r.kind === 'reject');

/** sessionEvents keeps the session records of one event (`login-ok`, `login-failed`…), in order. */
export const sessionEvents = (rs: FtpRecord[], event: SessionRecord['event']) =>
  sessions(rs).filter((s) => s.event === event);

/** capturedLog reads a log captured from a real FTP server (test/fixtures/ftp/captured/, see its provenance). */
export const capturedLog = (name: string) => readFixture('ftp', `captured/${name}`);

/** auditCaptured audits records as the capture's server knew its users (`vuser`, `cmpopscapture`). */
export function auditCaptured(rs: FtpRecord[]): Finding[] {
  const memory = { failures: {} };
  const rules = { ...DEFAULT_RULES, knownUsers: ['vuser', 'cmpopscapture'] };
  return rs.flatMap((r) => (r.kind === 'reject' ? [] : auditRecord(r, rules, memory)));
}
