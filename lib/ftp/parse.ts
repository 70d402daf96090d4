import { DateTime } from 'luxon';
import { makeReject, readLineBatches, type Reject } from '#lib/lines/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { YearInference } from './log-time.ts';
import type { SessionRecord, TransferRecord } from './records.ts';
import { IisW3cReader, looksLikeIis } from './iis-w3c.ts';
import { looksLikeVsftpd, parseVsftpdLine } from './vsftpd-log.ts';
import { looksLikeXferlog, parseXferlogLine } from './xferlog.ts';

/** FtpLogFormat names the log formats read here; `auto` decides line by line, so mixed files work. */
export type FtpLogFormat = 'auto' | 'xferlog' | 'vsftpd' | 'iis';
export const FTP_LOG_FORMATS: readonly FtpLogFormat[] = ['auto', 'xferlog', 'vsftpd', 'iis'];

/** FtpRecord is what the parser yields. */
export type FtpRecord = TransferRecord | SessionRecord | Reject;

/** FtpParseOptions describe the source: its server name, the zone of its local times, and the file's time (for syslog years). */
export interface FtpParseOptions {
  format?: FtpLogFormat;
  server: string;
  zone: string;
  /** fileTime is the log file's modification time; syslog lines take their year from it. */
  fileTime: DateTime;
  /** firstLine numbers lines from a cursor when a grown log is read from where the last run stopped. */
  firstLine?: number;
}

/**
 * parseFtpLog streams an FTP server log and yields transfer and session records, and a Reject (with its line
 * number) for every line it cannot read: binary garbage, wrapped or truncated lines, dates that do not exist,
 * lines over 1 MiB. It never throws on data; an unknown zone is a bad option and throws at once.
 */
export async function* parseFtpLog(source: AsyncIterable<Uint8Array | string>, options: FtpParseOptions): AsyncGenerator<FtpRecord> {
  if (!DateTime.now().setZone(options.zone).isValid) throw opsError('CONFIG_INVALID', `time zone "${options.zone}" is unknown`, [{ field: 'zone', reason: 'not an IANA zone' }]);
  const format = options.format ?? 'auto';
  const context = { server: options.server, zone: options.zone };
  const years = new YearInference(options.fileTime);
  const iis = new IisW3cReader(context, options.fileTime);
  for await (const batch of readLineBatches(source, { ...(options.firstLine ? { firstLine: options.firstLine } : {}) })) {
    const out: FtpRecord[] = [];
    for (const item of batch) {
      if ('kind' in item) {
        out.push(item);
        continue;
      }
      const { text, line } = item;
      if (text.trim() === '') continue;
      if (format === 'iis' || (format === 'auto' && (text.startsWith('#') || looksLikeIis(text) || (iis.active && !looksLikeXferlog(text) && !looksLikeVsftpd(text))))) out.push(...iis.push(text, line));
      else if (format === 'xferlog' || (format === 'auto' && looksLikeXferlog(text))) out.push(parseXferlogLine(text, line, context));
      else if (format === 'vsftpd' || (format === 'auto' && looksLikeVsftpd(text))) out.push(parseVsftpdLine(text, line, context, years));
      else out.push(makeReject(line, 'UNKNOWN_LINE: not an xferlog, vsftpd or IIS line', text));
    }
    if (out.length) yield* out;
  }
}
