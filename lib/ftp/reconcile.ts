import { DateTime } from 'luxon';
import { globToRegExp } from '#lib/text/index.ts';
import type { Finding } from './audit.ts';
import type { TransferRecord } from './records.ts';

/** PathMapping says where uploads to an FTP server land in the store: server glob + path prefix → bucket + key prefix. */
export interface PathMapping {
  server: string;
  pathPrefix: string;
  bucket: string;
  keyPrefix: string;
}

/** PendingTransfer is a completed upload still to be found in the store with its size and an `ok` verdict. */
export interface PendingTransfer {
  id: string;
  server: string;
  host: string;
  user: string;
  path: string;
  bytes: number;
  time: string;
  line: number;
}

/** ObjectLookup tells reconciliation what it needs of an object: its size and checksum-verify's verdict tag. */
export interface ObjectLookup {
  lookup(bucket: string, key: string): Promise<{ size: number; verdict: string | null } | null>;
}

/** ReconcileOutcome says what became of each pending upload in one run. */
export interface ReconcileOutcome {
  verified: PendingTransfer[];
  findings: Finding[];
  stillPending: PendingTransfer[];
  unmapped: PendingTransfer[];
}

// vsftpd logs `/inbox/./name`; xferlog writers turn spaces into `_`: one identity for both logs of one upload.
function normalizePath(path: string): string {
  return path.replace(/\/\.\//g, '/').replace(/\/{2,}/g, '/');
}

/** pendingFrom turns a completed upload into a pending reconciliation, or null for anything else. */
export function pendingFrom(t: TransferRecord): PendingTransfer | null {
  if (t.direction !== 'upload' || !t.complete || t.bytes === 0) return null;
  const path = normalizePath(t.path);
  return {
    id: `${t.server}|${t.time}|${t.bytes}|${path.replace(/ /g, '_')}`,
    server: t.server,
    host: t.host,
    user: t.user,
    path,
    bytes: t.bytes,
    time: t.time,
    line: t.line,
  };
}

/** mapPath finds the object an upload should have become (longest matching path prefix wins). */
export function mapPath(server: string, path: string, mappings: PathMapping[]): { bucket: string; key: string } | null {
  const hit = mappings
    .filter((m) => globToRegExp(m.server).test(server) && path.startsWith(m.pathPrefix))
    .sort((a, b) => b.pathPrefix.length - a.pathPrefix.length)[0];
  return hit
    ? { bucket: hit.bucket, key: `${hit.keyPrefix}${path.slice(hit.pathPrefix.length).replace(/^\/+/, '')}` }
    : null;
}

/**
 * reconcileTransfers checks each pending upload against the store. The log alone cannot be trusted (a cut-off
 * upload is usually logged complete with the partial size), so within the deadline a pending upload waits; past
 * it, a missing object is TransferNotLanded, another size TransferSizeMismatch, a verdict other than `ok`
 * TransferUnverified.
 */
export async function reconcileTransfers(
  pending: PendingTransfer[],
  mappings: PathMapping[],
  store: ObjectLookup,
  now: DateTime,
  deadlineMinutes: number,
): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { verified: [], findings: [], stillPending: [], unmapped: [] };
  for (const p of pending) {
    const target = mapPath(p.server, p.path, mappings);
    if (!target) {
      outcome.unmapped.push(p);
      continue;
    }
    const object = await store.lookup(target.bucket, target.key);
    if (object && object.size === p.bytes && object.verdict === 'ok') {
      outcome.verified.push(p);
      continue;
    }
    const overdue = now.diff(DateTime.fromISO(p.time, { zone: 'utc' }), 'minutes').minutes > deadlineMinutes;
    if (!overdue) {
      outcome.stillPending.push(p);
      continue;
    }
    const where = `s3://${target.bucket}/${target.key}`;
    const [alertname, detail] = !object
      ? ['TransferNotLanded', `${p.path} (${p.bytes} bytes, uploaded by ${p.user} at ${p.time}) never reached ${where}`]
      : object.size !== p.bytes
        ? [
            'TransferSizeMismatch',
            `${where} holds ${object.size} bytes, the FTP log says ${p.bytes} were uploaded to ${p.path}`,
          ]
        : [
            'TransferUnverified',
            `${where} has no ok checksum verdict (${object.verdict ?? 'none'}) ${deadlineMinutes} min after the upload`,
          ];
    outcome.findings.push({
      kind: 'finding',
      alertname,
      severity: alertname === 'TransferUnverified' ? 'warning' : 'critical',
      key: `${alertname}|${p.id}`,
      time: now.toUTC().toISO({ suppressMilliseconds: true })!,
      server: p.server,
      host: p.host,
      user: p.user,
      path: p.path,
      line: p.line,
      detail,
    });
  }
  return outcome;
}
