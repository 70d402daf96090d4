import type { FtpLogFormat } from './parse.ts';

/** FtpSource says which log objects come from which server and in which zone their local times are. */
export interface FtpSource {
  prefix: string;
  server: string;
  zone: string;
  format?: FtpLogFormat;
}

/**
 * SERVER_NAME_PATTERN is what an FTP server name may be: a host-name-like word, because it becomes part of a state
 * key and of alert labels (a `/`, `..` or a control character would let a caller write outside `ftp/state/`).
 */
export const SERVER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const SERVER_NAME = new RegExp(SERVER_NAME_PATTERN);

/** isServerName tells whether a name may name an FTP server (see SERVER_NAME_PATTERN). */
export function isServerName(name: string): boolean {
  return SERVER_NAME.test(name) && !name.includes('..');
}

/** sourceFor finds the source a log object belongs to: the longest matching key prefix wins. */
export function sourceFor(key: string, sources: readonly FtpSource[]): FtpSource | undefined {
  return sources.filter((s) => key.startsWith(s.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
}
