export { parseNetBackup, detectFormat, NETBACKUP_FORMATS, type NetBackupFormat, type NetBackupRecord, type ParseOptions } from './parse.ts';
export { parseColumnsLine } from './all-columns.ts';
export { splitEscapedCsv } from './escaped-csv.ts';
export { classifyJob, statusMessage, epochToIso, type NetBackupJob, type JobTry, type JobClass } from './job.ts';
export { headerColumns, coldefColumns, parseReportLine, type ReportColumn } from './plain-report.ts';
export { restJobs, parseElapsed, type RestPage } from './rest-jobs.ts';
export type { JobSummary } from './summary-l.ts';
export { JOB_TYPES, JOB_STATES, SCHEDULE_TYPES, type JobState } from './enums.ts';
