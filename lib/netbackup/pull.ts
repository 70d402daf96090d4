import { buildAlert } from '#lib/alerting/index.ts';
import { netbackupWatermarkKey } from '#lib/storage/index.ts';
import { ingestJobs, type IngestDeps } from './ingest.ts';
import type { NetBackupJob } from './job.ts';
import { pullJobPages, type RestPullOptions } from './rest-client.ts';
import { restJobs } from './rest-jobs.ts';

/** PullResult is what a REST pull tells its caller: pages and jobs read, then what the ingestion did. */
export type PullResult = { pages: number; jobs: number } & Awaited<ReturnType<typeof ingestJobs>>;

/**
 * pullJobs reads the jobs updated since the master's watermark from the NetBackup REST API, ingests them, and only
 * then moves the watermark to the newest `lastUpdateTime` seen, so a failed run reads the same jobs again. A refused
 * API key is a configuration problem an operator must fix: it raises NetBackupApiAuth, then fails the call.
 */
export async function pullJobs(api: Omit<RestPullOptions, 'since' | 'signal'>, deps: IngestDeps): Promise<PullResult> {
  const watermarkKey = netbackupWatermarkKey(deps.master);
  const watermark = (await deps.state.read<{ since: string }>(watermarkKey))?.value.since;
  const jobs: NetBackupJob[] = [];
  let newest = watermark;
  let pages = 0;
  try {
    for await (const { page } of pullJobPages({
      ...api,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(watermark ? { since: watermark } : {}),
    })) {
      pages++;
      for (const item of restJobs(page)) if (item.kind === 'job') jobs.push(item);
      for (const item of page.data ?? []) {
        const updated = item.attributes?.lastUpdateTime;
        if (typeof updated === 'string' && (!newest || updated > newest)) newest = updated;
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'NETBACKUP_AUTH')
      await deps.alerts.send([apiAuthAlert(deps, (err as Error).message)], deps.signal);
    throw err;
  }
  const result = await ingestJobs(jobs, deps, undefined);
  if (newest && newest !== watermark) await deps.state.write(watermarkKey, { since: newest });
  return { pages, jobs: jobs.length, ...result };
}

function apiAuthAlert(deps: IngestDeps, description: string) {
  return buildAlert({
    alertname: 'NetBackupApiAuth',
    severity: 'critical',
    subsystem: 'cmp-ops',
    labels: { master: deps.master },
    summary: 'NetBackup REST API refuses the cmp-ops API key',
    description,
    startsAt: deps.now.toUTC().toISO()!,
  });
}
