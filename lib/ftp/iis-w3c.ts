import type { DateTime } from 'luxon';
import { makeReject, type Reject } from '#lib/lines/index.ts';
import { LocalTimes } from '#lib/time/index.ts';
import { decodePercent, unmapAddress, type SessionRecord, type TransferRecord } from './records.ts';
import type { SourceContext } from './xferlog.ts';

// Without a #Fields directive, IIS 5's FTP default: time c-ip cs-method cs-uri-stem sc-status sc-win32-status.
const DEFAULT_FIELDS = ['time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status', 'sc-win32-status'];
const IIS_LINE = /^(?:\d{4}-\d\d-\d\d )?\d{1,2}:\d\d:\d\d \S+ .*?\[\d*\][A-Za-z]+/;

/** looksLikeIis tells an IIS FTP (W3C extended) line or directive. */
export function looksLikeIis(text: string): boolean {
  return (
    text.startsWith('#Software: Microsoft Internet Information Services') ||
    text.startsWith('#Fields:') ||
    IIS_LINE.test(text)
  );
}

/**
 * IisW3cReader reads W3C extended FTP logs: Microsoft IIS's and pure-ftpd's `w3c` altlog (`#Software: Pure-FTPd`,
 * an empty `[]` session id, percent-encoded paths, one `sc-bytes` column for both directions). `#Fields:` drives
 * the columns, `#Date:` supplies the date of time-only lines, and `[session]VERB` ties PASS to its USER. Logins
 * become login-ok/fail sessions (230/530); `sent` is a download, `created`/`appended` an upload, `deleted` a
 * delete; other verbs are commands.
 */
export class IisW3cReader {
  private fields = DEFAULT_FIELDS;
  private date: string | null = null;
  private readonly users = new Map<string, string>();
  private readonly times: LocalTimes;
  private format: 'iis' | 'w3c' = 'iis';

  constructor(
    private readonly source: SourceContext,
    private readonly fileTime: DateTime,
  ) {
    this.times = new LocalTimes(source.zone);
  }

  /** active tells whether a #Fields or IIS #Software directive has been read (the lines after it are IIS lines). */
  active = false;

  /** push reads one line: directives update the reader and yield nothing. */
  push(text: string, line: number): Array<TransferRecord | SessionRecord | Reject> {
    if (text.startsWith('#')) {
      if (text.startsWith('#Fields:')) this.fields = text.slice(8).trim().split(/\s+/);
      if (text.startsWith('#Fields:') || text.startsWith('#Software: Microsoft Internet Information Services'))
        this.active = true;
      if (text.startsWith('#Software:')) this.format = /pure-ftpd/i.test(text) ? 'w3c' : 'iis';
      const date = /^#Date:\s*(\d{4}-\d\d-\d\d)/.exec(text);
      if (date) this.date = date[1]!;
      return [];
    }
    const values = text.trim().split(/\s+/);
    // Logs merged from several files may carry a date column their #Fields line does not name.
    const fields =
      /^\d{4}-\d\d-\d\d$/.test(values[0] ?? '') && this.fields[0] !== 'date' ? ['date', ...this.fields] : this.fields;
    const get = (name: string) => {
      const i = fields.indexOf(name);
      const v = i === -1 ? undefined : values[i];
      return v === undefined || v === '-' ? undefined : v;
    };
    const time = get('time');
    const date = get('date') ?? this.date ?? this.fileTime.toISODate()!;
    const method = /^\[(\d*)\]([A-Za-z]+)$/.exec(get('cs-method') ?? '');
    const status = Number(get('sc-status'));
    if (!time || !method || !Number.isInteger(status))
      return [makeReject(line, 'BAD_IIS_LINE: no time, [session]method or status in the #Fields columns', text)];
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
    const iso = this.times.toIso(y, mo, d, h, mi, s);
    if (!iso) return [makeReject(line, `BAD_DATE: ${date} ${time} does not exist in ${this.source.zone}`, text)];
    const session = method[1]!;
    const verb = method[2]!.toUpperCase();
    const stem = get('cs-uri-stem') ?? '';
    const argument = this.format === 'w3c' ? decodePercent(stem) : stem;
    const host = unmapAddress(get('c-ip') ?? '');
    const user = get('cs-username') ?? this.users.get(session) ?? null;
    const base = { line, format: this.format, time: iso, server: this.source.server, host };
    if (verb === 'USER') {
      this.users.set(session, argument);
      return [];
    }
    if (verb === 'PASS') {
      const name = this.users.get(session) ?? user;
      return [
        {
          kind: 'session',
          ...base,
          user: name,
          event: status === 230 ? 'login-ok' : 'login-fail',
          ok: status === 230,
          reason: `status ${status}`,
        },
      ];
    }
    if (verb === 'SENT' || verb === 'CREATED' || verb === 'APPENDED') {
      const upload = verb !== 'SENT';
      const bytes = Number((upload ? (get('cs-bytes') ?? get('sc-bytes')) : get('sc-bytes')) ?? 0);
      const taken = get('time-taken');
      return [
        {
          kind: 'transfer',
          ...base,
          user: user ?? '',
          access: user === 'anonymous' ? 'anonymous' : user ? 'real' : null,
          direction: upload ? 'upload' : 'download',
          path: argument,
          bytes: Number.isFinite(bytes) ? bytes : 0,
          seconds: taken ? Number(taken) / 1000 : null,
          complete: status === 226,
          mode: null,
        },
      ];
    }
    const events: Record<string, SessionRecord['event']> = { DELETED: 'delete', MKD: 'mkdir', RMD: 'rmdir' };
    return [
      {
        kind: 'session',
        ...base,
        user,
        event: events[verb] ?? 'command',
        ok: status < 400,
        ...(argument ? { path: argument } : {}),
        reason: `${verb} ${status}`,
      },
    ];
  }
}
