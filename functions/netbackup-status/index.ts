import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type NetBackupStatusConfig } from './handler.ts';

await startFunction<NetBackupStatusConfig>({
  name: 'netbackup-status',
  configSchema,
  build: (deps) => createHandler(deps),
});
