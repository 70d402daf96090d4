import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type ChecksumVerifyConfig } from './handler.ts';

await startFunction<ChecksumVerifyConfig>({
  name: 'checksum-verify',
  configSchema,
  build: (deps) => createHandler(deps),
});
