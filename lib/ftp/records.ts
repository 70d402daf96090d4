/** TransferRecord is one file transfer as the FTP server logged it. */
export interface TransferRecord {
  kind: 'transfer';
  line: number;
  format: 'xferlog' | 'vsftpd' | 'iis';
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
export type SessionEvent = 'connect' | 'login-ok' | 'login-fail' | 'mkdir' | 'rmdir' | 'rename' | 'delete' | 'chmod' | 'command' | 'response';

/** SessionRecord is one session event: a connection, a login, a directory or file operation. */
export interface SessionRecord {
  kind: 'session';
  line: number;
  format: 'vsftpd' | 'iis';
  time: string;
  server: string;
  host: string;
  user: string | null;
  event: SessionEvent;
  ok: boolean;
  reason?: string;
  path?: string;
  anonymousId?: string;
}

/** unmapAddress turns `::ffff:10.0.0.1` into `10.0.0.1`. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
