export { parseFtpLog, FTP_LOG_FORMATS, type FtpLogFormat, type FtpRecord, type FtpParseOptions } from './parse.ts';
export { parseXferlogLine, looksLikeXferlog, type SourceContext } from './xferlog.ts';
export { parseVsftpdLine, looksLikeVsftpd } from './vsftpd-log.ts';
export { ctimeToIso, YearInference } from './log-time.ts';
export { unmapAddress, type TransferRecord, type SessionRecord, type SessionEvent } from './records.ts';
export { auditRecord, findingAlert, addressAllowed, DEFAULT_RULES, type AuditRules, type AuditMemory, type Finding, type UploadWindow } from './audit.ts';
export { reconcileTransfers, pendingFrom, mapPath, type PathMapping, type PendingTransfer, type ObjectLookup, type ReconcileOutcome } from './reconcile.ts';
export { auditLog, reconcileServer, completeLines, serverStateKey, type ServerState, type AuditRunDeps, type AuditRunResult } from './audit-run.ts';
export { IisW3cReader, looksLikeIis } from './iis-w3c.ts';
