// The layout of the state bucket, one definition per key shared by several modules. Keys used by one module only
// stay next to it: `sweep/*` (lib/integrity/sweep.ts, sweep-fanout.ts), `installation-watch/state.json`
// (lib/k8s/watch.ts), `alert-router/*` (lib/alerting/router). docs/architecture.md lists them all.

const VERDICTS = 'verdicts/';
const MANIFESTS = 'manifests/';
const FTP_STATE = 'ftp/state/';
const FTP_CURSOR = 'ftp/cursor/';
const NETBACKUP_STATE = 'netbackup/state/';

/** verdictPrefix is where the verdicts of one bucket (or, without one, of every bucket) are listed from. */
export function verdictPrefix(bucket?: string): string {
  return bucket === undefined ? VERDICTS : `${VERDICTS}${bucket}/`;
}

/** verdictKey is the state key of an object's current verdict. */
export function verdictKey(bucket: string, key: string): string {
  return `${VERDICTS}${bucket}/${key}`;
}

/** manifestPrefix is where every manifest record is listed from. */
export const manifestPrefix = MANIFESTS;

/** manifestKey is the state key of a manifest's record. */
export function manifestKey(bucket: string, key: string): string {
  return `${MANIFESTS}${bucket}/${key}`;
}

/** ftpServerStatePrefix is where the audit state of every FTP server is listed from. */
export const ftpServerStatePrefix = FTP_STATE;

/** ftpServerStateKey is where an FTP server's audit state lives (the name is validated by lib/ftp before it gets here). */
export function ftpServerStateKey(server: string): string {
  return `${FTP_STATE}${encodeURIComponent(server)}.json`;
}

/** ftpServerOfStateKey is the server name ftpServerStateKey made a key of, or null for any other key. */
export function ftpServerOfStateKey(key: string): string | null {
  if (!key.startsWith(FTP_STATE) || !key.endsWith('.json')) return null;
  return decodeURIComponent(key.slice(FTP_STATE.length, -'.json'.length));
}

/** ftpCursorKey is where the read position in an FTP log object is kept. */
export function ftpCursorKey(bucket: string, key: string): string {
  return `${FTP_CURSOR}${bucket}/${key}`;
}

/** netbackupStateKey is where the evaluation state of a NetBackup master lives. */
export function netbackupStateKey(master: string): string {
  return `${NETBACKUP_STATE}${encodeURIComponent(master)}.json`;
}

/** netbackupWatermarkKey is where the newest `lastUpdateTime` pulled from a master's REST API is kept. */
export function netbackupWatermarkKey(master: string): string {
  return `${netbackupStateKey(master)}.watermark`;
}
