import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type FtpAuditConfig } from './handler.ts';

await startFunction<FtpAuditConfig>({ name: 'ftp-audit', configSchema, build: (deps) => createHandler(deps) });
