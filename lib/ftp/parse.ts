import { DateTime } from 'luxon';
import { makeReject, readLineBlocks, type LineBlock, type Reject } from '#lib/lines/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import { YearInference } from './log-time.ts';
import type { SessionRecord, TransferRecord } from './records.ts';
import { IisW3cReader, looksLikeIis } from './iis-w3c.ts';
import { looksLikeClf, parseClfLine } from './clf.ts';
import { looksLikeProftpd, parseProftpdLine, undatedReject } from './proftpd-log.ts';
import {
  looksLikePureftpd,
  looksLikePureftpdStats,
  parsePureftpdLine,
  parsePureftpdStatsLine,
} from './pureftpd-log.ts';
import { looksLikeVsftpd, parseVsftpdLine } from './vsftpd-log.ts';
import {
  charCodesOf,
  looksLikeXferlog,
  parseXferlogLine,
  scanXferlogCodes,
  type CharCodes,
  type SourceContext,
} from './xferlog.ts';

/**
 * FtpLogFormat names the log formats read here; `auto` decides line by line, so mixed files work.
 * `proftpd` is ProFTPD's SystemLog, `pure-ftpd` pure-ftpd's syslog lines, `clf` the Common Log Format of ProFTPD's
 * ExtendedLog default and of pure-ftpd's `clf` altlog, `stats` pure-ftpd's `stats` altlog, `w3c` (alias `iis`)
 * the W3C extended logs of IIS FTP and of pure-ftpd's `w3c` altlog.
 */
export type FtpLogFormat = 'auto' | 'xferlog' | 'vsftpd' | 'proftpd' | 'pure-ftpd' | 'clf' | 'stats' | 'w3c' | 'iis';
export const FTP_LOG_FORMATS: readonly FtpLogFormat[] = [
  'auto',
  'xferlog',
  'vsftpd',
  'proftpd',
  'pure-ftpd',
  'clf',
  'stats',
  'w3c',
  'iis',
];

type LineFormat = Exclude<FtpLogFormat, 'auto' | 'iis'>;

/** detectLine names the format of one line; W3C data lines are told by the directives read before them. */
function detectLine(text: string, w3cActive: boolean): LineFormat | null {
  if (text.charCodeAt(0) === 35 /* # */) return 'w3c';
  if (looksLikeXferlog(text)) return 'xferlog';
  if (looksLikeVsftpd(text)) return 'vsftpd';
  if (looksLikeProftpd(text)) return 'proftpd';
  if (looksLikePureftpd(text)) return 'pure-ftpd';
  if (looksLikeClf(text)) return 'clf';
  if (looksLikeIis(text)) return 'w3c';
  if (looksLikePureftpdStats(text)) return 'stats';
  return w3cActive ? 'w3c' : null;
}

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
export async function* parseFtpLog(
  source: AsyncIterable<Uint8Array | string>,
  options: FtpParseOptions,
): AsyncGenerator<FtpRecord> {
  for await (const batch of parseFtpLogBatches(source, options)) yield* batch;
}

/** parseFtpLogBatches is parseFtpLog one array per input chunk: consumers that loop pay one await per chunk. */
export async function* parseFtpLogBatches(
  source: AsyncIterable<Uint8Array | string>,
  options: FtpParseOptions,
): AsyncGenerator<FtpRecord[]> {
  if (!DateTime.now().setZone(options.zone).isValid)
    throw opsError('CONFIG_INVALID', `time zone "${options.zone}" is unknown`, [
      { field: 'zone', reason: 'not an IANA zone' },
    ]);
  const reader = new FtpLineReader(options);
  for await (const block of readLineBlocks(source, {
    ...(options.firstLine ? { firstLine: options.firstLine } : {}),
  })) {
    const out = reader.read(block);
    if (out.length) yield out;
  }
}

/**
 * FtpLineReader holds what spans lines (the syslog year, the W3C directives) and reads chunks of lines. The work is
 * kept out of the async generator, whose body V8 optimizes far less well than a plain method.
 */
class FtpLineReader {
  private readonly format: FtpLogFormat;
  private readonly context: SourceContext;
  private readonly years: YearInference;
  private readonly iis: IisW3cReader;
  private readonly fastXferlog: boolean;

  constructor(options: FtpParseOptions) {
    this.format = options.format ?? 'auto';
    this.context = { server: options.server, zone: options.zone };
    this.years = new YearInference(options.fileTime);
    this.iis = new IisW3cReader(this.context, options.fileTime);
    this.fastXferlog = this.format === 'auto' || this.format === 'xferlog';
  }

  read(block: LineBlock): FtpRecord[] {
    const out: FtpRecord[] = [];
    const { starts, ends, rejects } = block;
    let text = block.text;
    let shift = 0;
    let codes: CharCodes | null = null;
    if (this.fastXferlog) {
      if (block.bytes !== null) codes = block.bytes;
      else {
        // A text without ASCII bytes is scanned through its code units: only this block's part of it.
        shift = block.count > 0 ? starts[0]! : 0;
        text = text.slice(shift, block.count > 0 ? ends[block.count - 1]! : 0);
        codes = charCodesOf(text);
      }
    }
    for (let i = 0; i < block.count; i++) {
      const reject = rejects?.get(i);
      if (reject) {
        out.push(reject);
        continue;
      }
      const from = starts[i]! - shift;
      const to = ends[i]! - shift;
      const line = block.first + i;
      // The regular xferlog line (the bulk of most logs) is read straight away; anything else is detected.
      const fast = codes !== null ? scanXferlogCodes(codes, text, from, to, line, this.context) : null;
      if (fast) out.push(fast);
      else this.readLine(text.slice(from, to), line, out);
    }
    return out;
  }

  private readLine(text: string, line: number, out: FtpRecord[]): void {
    if (text.trim() === '') return;
    const { context, years, iis, format } = this;
    const kind = format === 'auto' ? detectLine(text, iis.active) : format === 'iis' ? 'w3c' : format;
    switch (kind) {
      case 'xferlog':
        out.push(parseXferlogLine(text, line, context));
        break;
      case 'vsftpd':
        out.push(parseVsftpdLine(text, line, context, years));
        break;
      case 'proftpd':
        out.push(...parseProftpdLine(text, line, context, years));
        break;
      case 'pure-ftpd':
        out.push(parsePureftpdLine(text, line, context, years));
        break;
      case 'clf':
        out.push(parseClfLine(text, line, context));
        break;
      case 'stats':
        out.push(parsePureftpdStatsLine(text, line, context));
        break;
      case 'w3c':
        out.push(...iis.push(text, line));
        break;
      default:
        out.push(
          undatedReject(text, line) ??
            makeReject(line, 'UNKNOWN_LINE: not an xferlog, vsftpd, ProFTPD, pure-ftpd, CLF, stats or W3C line', text),
        );
    }
  }
}
