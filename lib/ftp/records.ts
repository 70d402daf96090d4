/** FtpRecordFormat names the log a record was read from. */
export type FtpRecordFormat = 'xferlog' | 'vsftpd' | 'iis' | 'proftpd' | 'pure-ftpd' | 'clf' | 'stats' | 'w3c';

/** TransferRecord is one file transfer as the FTP server logged it. */
export interface TransferRecord {
  kind: 'transfer';
  line: number;
  format: FtpRecordFormat;
  /** time is the end of the transfer, ISO UTC (the log's local time read in the source's zone). */
  time: string;
  /** server names the FTP server the log came from (the source label). */
  server: string;
  /** host is the remote (client) address, IPv4-mapped IPv6 unwrapped. */
  host: string;
  user: string;
  access: 'real' | 'anonymous' | 'guest' | null;
  direction: 'upload' | 'download' | 'delete';
  path: string;
  bytes: number;
  seconds: number | null;
  complete: boolean;
  mode: 'ascii' | 'binary' | null;
}

/** SessionEvent is what happened in a session besides transfers. */
export type SessionEvent =
  | 'connect'
  | 'disconnect'
  | 'refused'
  | 'login-ok'
  | 'login-fail'
  | 'mkdir'
  | 'rmdir'
  | 'rename'
  | 'delete'
  | 'chmod'
  | 'command'
  | 'response'
  | 'notice';

/** SessionRecord is one session event: a connection, a login, a directory or file operation. */
export interface SessionRecord {
  kind: 'session';
  line: number;
  format: FtpRecordFormat;
  time: string;
  server: string;
  host: string;
  user: string | null;
  event: SessionEvent;
  ok: boolean;
  reason?: string;
  path?: string;
  /** to is the new name of a rename. */
  to?: string;
  anonymousId?: string;
}

/** unmapAddress turns `::ffff:10.0.0.1` into `10.0.0.1`. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** collapseSlashes turns pure-ftpd's `/home/vuser//inbox/x` into `/home/vuser/inbox/x`. */
export function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

/** accessOf classifies the login name of a transfer. */
export function accessOf(user: string | null): TransferRecord['access'] {
  return user === 'ftp' || user === 'anonymous' ? 'anonymous' : user ? 'real' : null;
}

/** decodePercent decodes a percent-encoded path (pure-ftpd's CLF and W3C logs); a malformed one is kept as written. */
export function decodePercent(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
