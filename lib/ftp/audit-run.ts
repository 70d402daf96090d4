import { DateTime } from 'luxon';
import type { AlertSink } from '#lib/alerting/index.ts';
import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import type { Reject } from '#lib/lines/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import {
  ftpCursorKey,
  ftpServerOfStateKey,
  ftpServerStateKey,
  ftpServerStatePrefix,
  type ObjectInfo,
  type ObjectStore,
  type StateStore,
} from '#lib/storage/index.ts';
import { auditRecord, findingAlert, type AuditMemory, type AuditRules, type Finding } from './audit.ts';
import { parseFtpLog, type FtpLogFormat, type FtpRecord } from './parse.ts';
import { sourceFor, type FtpSource } from './sources.ts';
import { pendingFrom, reconcileTransfers, type PathMapping, type PendingTransfer } from './reconcile.ts';

/** ServerState is what is remembered per FTP server between runs (one JSON record in the state bucket). */
export interface ServerState {
  memory: AuditMemory;
  /** seen holds the keys of findings already raised: replays and overlapping logs raise nothing twice. */
  seen: string[];
  pending: Record<string, PendingTransfer>;
}

/** AuditRunDeps are the ports and settings of a run. */
export interface AuditRunDeps {
  state: StateStore;
  alerts: AlertSink;
  rules: AuditRules;
  now: DateTime;
  signal?: AbortSignal;
}

/** AuditRunResult is what a run reports. */
export interface AuditRunResult {
  transfers: number;
  sessions: number;
  rejects: Reject[];
  rejectCount: number;
  findings: Finding[];
  pending: number;
}

const SEEN_KEPT = 5000;
const REJECTS_KEPT = 100;

async function loadState(state: StateStore, server: string) {
  const stored = await state.read<ServerState>(ftpServerStateKey(server));
  return { stored, value: stored?.value ?? { memory: { failures: {} }, seen: [], pending: {} } };
}

/**
 * auditLog audits a stream of parsed records for one server: findings not seen before become alerts, completed
 * uploads wait for reconciliation. Alerts are sent before the state is saved, so a failed send is retried whole.
 * Input with lines but not one readable record is UNKNOWN_FORMAT (naming its first line), and nothing is saved.
 */
export async function auditLog(
  records: AsyncIterable<FtpRecord>,
  server: string,
  deps: AuditRunDeps,
): Promise<AuditRunResult> {
  const { stored, value } = await loadState(deps.state, server);
  const seen = new Set(value.seen);
  const result: AuditRunResult = { transfers: 0, sessions: 0, rejects: [], rejectCount: 0, findings: [], pending: 0 };
  for await (const record of records) {
    if (record.kind === 'reject') {
      result.rejectCount++;
      if (result.rejects.length < REJECTS_KEPT) result.rejects.push(record);
      continue;
    }
    if (record.kind === 'transfer') {
      result.transfers++;
      const p = pendingFrom(record);
      if (p && !seen.has(`pending|${p.id}`)) {
        value.pending[p.id] = p;
        seen.add(`pending|${p.id}`);
      }
    } else result.sessions++;
    for (const finding of auditRecord(record, deps.rules, value.memory)) {
      if (seen.has(finding.key)) continue;
      seen.add(finding.key);
      result.findings.push(finding);
    }
  }
  const first = result.rejects[0];
  if (result.transfers + result.sessions === 0 && first) {
    throw opsError(
      'UNKNOWN_FORMAT',
      `no line is an FTP log line cmp-ops reads (xferlog, vsftpd, ProFTPD, pure-ftpd, CLF, stats, W3C); line ${first.line} is the first`,
      [{ line: first.line, reason: first.reason }],
    );
  }
  await deps.alerts.send(
    result.findings.map((f) => findingAlert(f, deps.rules)),
    deps.signal,
  );
  value.seen = [...seen].slice(-SEEN_KEPT);
  result.pending = Object.keys(value.pending).length;
  await deps.state.write(ftpServerStateKey(server), value, stored ? { ifMatch: stored.etag } : {});
  return result;
}

/** reconcileServer checks a server's pending uploads against the store and raises the overdue ones. */
export async function reconcileServer(
  server: string,
  store: ObjectStore,
  mappings: PathMapping[],
  deadlineMinutes: number,
  deps: AuditRunDeps,
) {
  const { stored, value } = await loadState(deps.state, server);
  const lookup = {
    async lookup(bucket: string, key: string) {
      const info = await store.stat(bucket, key, deps.signal ? { signal: deps.signal } : {});
      if (!info) return null;
      const tags = await store.getTags(bucket, key);
      return { size: info.size, verdict: tags['cmp-ops-verdict'] ?? null };
    },
  };
  const outcome = await reconcileTransfers(Object.values(value.pending), mappings, lookup, deps.now, deadlineMinutes);
  const fresh = outcome.findings.filter((f) => !value.seen.includes(f.key));
  await deps.alerts.send(
    fresh.map((f) => findingAlert(f, deps.rules, 24)),
    deps.signal,
  );
  value.pending = Object.fromEntries(outcome.stillPending.map((p) => [p.id, p]));
  value.seen = [...value.seen, ...fresh.map((f) => f.key)].slice(-SEEN_KEPT);
  await deps.state.write(ftpServerStateKey(server), value, stored ? { ifMatch: stored.etag } : {});
  return {
    server,
    verified: outcome.verified.length,
    findings: fresh,
    stillPending: outcome.stillPending.length,
    unmapped: outcome.unmapped.length,
  };
}

/**
 * completeLines passes a byte stream through up to its last newline and counts those bytes, so a log being
 * written is read to its last whole line and the next run resumes exactly there.
 */
export function completeLines(source: AsyncIterable<Uint8Array>): {
  stream: AsyncGenerator<Uint8Array>;
  consumed: () => number;
  lines: () => number;
} {
  let consumed = 0;
  let lines = 0;
  async function* stream(): AsyncGenerator<Uint8Array> {
    let held: Buffer = Buffer.alloc(0);
    for await (const chunk of source) {
      const data: Buffer = held.length ? Buffer.concat([held, chunk as Buffer]) : Buffer.from(chunk);
      const last = data.lastIndexOf(10);
      if (last === -1) {
        held = data;
        continue;
      }
      held = data.subarray(last + 1);
      consumed += last + 1;
      const whole = data.subarray(0, last + 1);
      for (let i = whole.indexOf(10); i !== -1; i = whole.indexOf(10, i + 1)) lines++;
      yield whole;
    }
  }
  return { stream: stream(), consumed: () => consumed, lines: () => lines };
}

/** LogCursor is how far a log object has been read: bytes and lines, so a grown log continues and a rotated one restarts. */
interface LogCursor {
  offset: number;
  line: number;
  etag: string;
}

/** LogObjectResult is what auditing a log object did: up to date, audited from an offset, or in no known format. */
export type LogObjectResult =
  | { upToDate: true }
  | ({ fromOffset: number; bytesRead: number } & AuditRunResult)
  | { fromOffset: number; bytesRead: number; unknownFormat: { line: number; reason: string } };

/**
 * auditLogObject audits a log object of one source from where the last run stopped (its cursor): a grown log raises
 * only its new lines, a log shorter than the cursor (rotated, replaced) is read from the start, and a partial last
 * line waits for the next run. A log in no known format moves the cursor too, so a redelivery does not read it again.
 */
export async function auditLogObject(
  info: ObjectInfo,
  source: { server: string; zone: string; format?: FtpLogFormat },
  store: ObjectStore,
  deps: AuditRunDeps,
): Promise<LogObjectResult> {
  const cursorKey = ftpCursorKey(info.bucket, info.key);
  const cursor = (await deps.state.read<LogCursor>(cursorKey))?.value;
  const from = cursor && info.size >= cursor.offset ? cursor : { offset: 0, line: 1, etag: '' };
  if (from.offset === info.size) return { upToDate: true };
  const raw = await store.getStream(info.bucket, info.key, {
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(from.offset ? { offset: from.offset } : {}),
  });
  const cut = completeLines(raw);
  const records = parseFtpLog(cut.stream, {
    server: source.server,
    zone: source.zone,
    format: source.format ?? 'auto',
    fileTime: DateTime.fromJSDate(info.lastModified),
    firstLine: from.line,
  });
  let outcome: AuditRunResult | { unknownFormat: { line: number; reason: string } };
  try {
    outcome = await auditLog(records, source.server, deps);
  } catch (err) {
    const e = err as { code?: string; details?: Array<{ line: number; reason: string }> };
    if (e.code !== 'UNKNOWN_FORMAT' || !e.details?.[0]) throw err;
    outcome = { unknownFormat: e.details[0] };
  }
  const read = cut.consumed();
  await deps.state.write(cursorKey, {
    offset: from.offset + read,
    line: from.line + cut.lines(),
    etag: info.etag,
  } satisfies LogCursor);
  return { fromOffset: from.offset, bytesRead: read, ...outcome };
}

/**
 * reconcileServers reconciles the pending uploads of every server with a stored audit state (the configured ones and
 * any that posted a log), raising the uploads overdue in the store.
 */
export async function reconcileServers(
  configured: readonly string[],
  store: ObjectStore,
  mappings: PathMapping[],
  deadlineMinutes: number,
  deps: AuditRunDeps,
) {
  const servers = new Set(configured);
  for await (const key of deps.state.list(ftpServerStatePrefix)) {
    const server = ftpServerOfStateKey(key);
    if (server !== null) servers.add(server);
  }
  const results = [];
  for (const server of servers) {
    if (!(await deps.state.read(ftpServerStateKey(server)))) continue;
    results.push(await reconcileServer(server, store, mappings, deadlineMinutes, deps));
  }
  return results;
}

/** LogEventResult is the answer for one S3 event of a log object: audited, or acknowledged with the reason. */
export type LogEventResult = { key: string; ignored: string } | ({ key: string; server: string } & LogObjectResult);

/**
 * auditLogEvents audits the log objects an S3 event body announces, each from its cursor; objects under no
 * configured source, our own writes and objects gone since are acknowledged with the reason.
 */
export async function auditLogEvents(
  body: unknown,
  sources: readonly FtpSource[],
  store: ObjectStore,
  deps: AuditRunDeps,
): Promise<LogEventResult[]> {
  const results: LogEventResult[] = [];
  for (const decision of parseObjectEvents(body).map((e) => decideEvent(e))) {
    const { event } = decision;
    const source = sourceFor(event.key, sources);
    if (decision.action === 'ignore' || !source) {
      const ignored = decision.action === 'ignore' ? decision.reason : 'no FTP_SOURCES entry for this key';
      results.push({ key: event.key, ignored });
      continue;
    }
    const info = await store.stat(event.bucket, event.key);
    if (!info) results.push({ key: event.key, ignored: 'log object no longer exists' });
    else results.push({ key: event.key, server: source.server, ...(await auditLogObject(info, source, store, deps)) });
  }
  return results;
}
