import { DateTime } from 'luxon';
import { sourceOf, type Reject } from '#lib/lines/index.ts';
import {
  parseFtpLog,
  type FtpParseOptions,
  type FtpRecord,
  type SessionRecord,
  type TransferRecord,
} from '#lib/ftp/index.ts';

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
