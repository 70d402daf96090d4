export {
  parseNetBackup,
  parseNetBackupBatches,
  detectFormat,
  NETBACKUP_FORMATS,
  type NetBackupFormat,
  type NetBackupRecord,
  type ParseOptions,
} from './parse.ts';
export { parseColumnsLine } from './all-columns.ts';
export { splitEscapedCsv } from './escaped-csv.ts';
export { classifyJob, statusMessage, epochToIso, type NetBackupJob, type JobTry, type JobClass } from './job.ts';
export { headerColumns, coldefColumns, parseReportLine, type ReportColumn } from './plain-report.ts';
export { restJobs, parseElapsed, type RestPage } from './rest-jobs.ts';
export type { JobSummary } from './summary-l.ts';
export { JOB_TYPES, JOB_STATES, SCHEDULE_TYPES, type JobState } from './enums.ts';
export {
  evaluateJobs,
  summarize,
  emptyState,
  DEFAULT_EVALUATION,
  type EvaluationConfig,
  type NetBackupState,
  type SummaryRow,
  type PairStats,
} from './evaluate.ts';
export { isMissed, type Expectation, type BackupWindow } from './expectations.ts';
export { pullJobPages, nextUrl, type RestPullOptions, type PulledPage } from './rest-client.ts';
export {
  ingestReport,
  ingestReportBody,
  ingestReportEvents,
  ingestJobs,
  type IngestDeps,
  type IngestResult,
  type ReportEventResult,
} from './ingest.ts';
export {
  netbackupStatusConfigSchema,
  postedReportFormat,
  type NetBackupStatusConfig,
} from './status-config.ts';
export { pullJobs, type PullResult } from './pull.ts';
export { writeJobLine } from './job-json.ts';
