import { createHash } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { AlertSink } from '#lib/alerting/index.ts';
import { decideEvent, parseObjectEvents } from '#lib/events/index.ts';
import type { Reject } from '#lib/lines/index.ts';
import { netbackupStateKey, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import { evaluateJobs, type EvaluationConfig, type NetBackupState, type SummaryRow } from './evaluate.ts';
import type { NetBackupJob } from './job.ts';
import { parseNetBackup, type ParseOptions } from './parse.ts';
import type { JobSummary } from './summary-l.ts';

/** IngestDeps are the ports and rules an ingestion runs with. */
export interface IngestDeps {
  state: StateStore;
  alerts: AlertSink;
  config: EvaluationConfig;
  now: DateTime;
  /** master names the NetBackup primary server: one state record per master. */
  master: string;
  signal?: AbortSignal;
}

/** IngestResult is what an ingestion tells its caller (and the HTTP response carries). */
export interface IngestResult {
  jobs: number;
  rejects: Reject[];
  rejectCount: number;
  summaries: JobSummary[];
  alertsSent: number;
  replay: boolean;
  summary: SummaryRow[];
}

const REJECTS_KEPT = 100;

// What evaluation needs of a job: status lines and file lists are dropped so a large report stays small in memory.
function slim(job: NetBackupJob): NetBackupJob {
  return { ...job, fileList: [], tries: job.tries.map((t) => ({ ...t, statusLines: [] })) };
}

/**
 * ingestJobs evaluates jobs against the stored state, sends the alerts, and only then saves the state: if sending
 * fails (alert-router down) nothing is saved and the redelivered report raises the same alerts.
 */
export async function ingestJobs(
  jobs: NetBackupJob[],
  deps: IngestDeps,
  reportId: string | undefined,
): Promise<{ alertsSent: number; replay: boolean; summary: SummaryRow[] }> {
  const key = netbackupStateKey(deps.master);
  const stored = await deps.state.read<NetBackupState>(key);
  const result = evaluateJobs(jobs, stored?.value ?? null, deps.config, deps.now, reportId);
  if (result.replay) return { alertsSent: 0, replay: true, summary: result.summary };
  await deps.alerts.send(result.alerts, deps.signal);
  await deps.state.write(key, result.state, stored ? { ifMatch: stored.etag } : {});
  return { alertsSent: result.alerts.length, replay: false, summary: result.summary };
}

/**
 * ingestReport streams a report (any format), keeps up to 100 rejects with their lines, and ingests its jobs. The
 * report id may be a function, read once the stream has ended (a body's hash is known only then).
 */
export async function ingestReport(
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions,
  deps: IngestDeps,
  reportId: string | (() => string) | undefined,
): Promise<IngestResult> {
  const jobs: NetBackupJob[] = [];
  const rejects: Reject[] = [];
  const summaries: JobSummary[] = [];
  let rejectCount = 0;
  for await (const record of parseNetBackup(source, options)) {
    if (record.kind === 'job') jobs.push(slim(record));
    else if (record.kind === 'summary') summaries.push(record);
    else {
      rejectCount++;
      if (rejects.length < REJECTS_KEPT) rejects.push(record);
    }
  }
  const ingested = await ingestJobs(jobs, deps, typeof reportId === 'function' ? reportId() : reportId);
  return { jobs: jobs.length, rejects, rejectCount, summaries, ...ingested };
}

/**
 * ingestReportBody is ingestReport for a body without a name of its own: the report is identified by the SHA-256 of
 * its bytes (computed while it streams), so the same body posted twice is a replay.
 */
export async function ingestReportBody(
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions,
  deps: IngestDeps,
): Promise<IngestResult & { sha256: string }> {
  const hash = createHash('sha256');
  async function* hashed() {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  }
  let digest = '';
  const reportId = () => (digest ||= hash.digest('hex'));
  const result = await ingestReport(hashed(), options, deps, reportId);
  return { sha256: reportId(), ...result };
}

/** ReportEventResult is the answer for one S3 event of a report object: ingested, or acknowledged with the reason. */
export type ReportEventResult = { key: string; ignored: string } | ({ key: string } & IngestResult);

/**
 * ingestReportEvents ingests the report objects an S3 event body announces (under `prefix`), each identified by its
 * bucket, key and ETag so a redelivery is a replay; objects elsewhere, our own writes and vanished objects are
 * acknowledged with the reason.
 */
export async function ingestReportEvents(
  body: unknown,
  prefix: string,
  store: ObjectStore,
  deps: IngestDeps,
): Promise<ReportEventResult[]> {
  const results: ReportEventResult[] = [];
  for (const decision of parseObjectEvents(body).map((e) => decideEvent(e))) {
    const { event } = decision;
    if (decision.action === 'ignore' || !event.key.startsWith(prefix)) {
      const ignored = decision.action === 'ignore' ? decision.reason : 'outside the NetBackup reports prefix';
      results.push({ key: event.key, ignored });
      continue;
    }
    const info = await store.stat(event.bucket, event.key);
    if (!info) {
      results.push({ key: event.key, ignored: 'report object no longer exists' });
      continue;
    }
    const stream = await store.getStream(event.bucket, event.key, deps.signal ? { signal: deps.signal } : {});
    const reportId = `${event.bucket}/${event.key}@${info.etag}`;
    results.push({ key: event.key, ...(await ingestReport(stream, {}, deps, reportId)) });
  }
  return results;
}
