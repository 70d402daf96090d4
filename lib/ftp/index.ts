export {
  parseFtpLog,
  parseFtpLogBatches,
  FTP_LOG_FORMATS,
  type FtpLogFormat,
  type FtpRecord,
  type FtpParseOptions,
} from './parse.ts';
export { parseXferlogLine, looksLikeXferlog, type SourceContext } from './xferlog.ts';
export { parseVsftpdLine, looksLikeVsftpd } from './vsftpd-log.ts';
export { ctimeToIso, YearInference } from './log-time.ts';
export {
  unmapAddress,
  collapseSlashes,
  accessOf,
  type FtpRecordFormat,
  type TransferRecord,
  type SessionRecord,
  type SessionEvent,
} from './records.ts';
export {
  auditRecord,
  findingAlert,
  addressAllowed,
  DEFAULT_RULES,
  type AuditRules,
  type AuditMemory,
  type Finding,
  type UploadWindow,
} from './audit.ts';
export {
  reconcileTransfers,
  pendingFrom,
  mapPath,
  type PathMapping,
  type PendingTransfer,
  type ObjectLookup,
  type ReconcileOutcome,
} from './reconcile.ts';
export {
  auditLog,
  auditLogObject,
  auditLogEvents,
  reconcileServer,
  reconcileServers,
  completeLines,
  type ServerState,
  type AuditRunDeps,
  type AuditRunResult,
  type LogObjectResult,
  type LogEventResult,
} from './audit-run.ts';
export {
  ftpAuditConfigSchema,
  postedLogSource,
  type FtpAuditConfig,
  type PostedLogSource,
} from './audit-config.ts';
export { isServerName, sourceFor, SERVER_NAME_PATTERN, type FtpSource } from './sources.ts';
export { IisW3cReader, looksLikeIis } from './iis-w3c.ts';
export { parseProftpdLine, looksLikeProftpd } from './proftpd-log.ts';
export {
  parsePureftpdLine,
  parsePureftpdStatsLine,
  looksLikePureftpd,
  looksLikePureftpdStats,
} from './pureftpd-log.ts';
export { parseClfLine, looksLikeClf } from './clf.ts';
export { writeTransferLine } from './transfer-json.ts';
