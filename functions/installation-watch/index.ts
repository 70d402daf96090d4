import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type InstallationWatchConfig } from './handler.ts';

await startFunction<InstallationWatchConfig>({
  name: 'installation-watch',
  configSchema,
  build: (deps) => createHandler(deps),
});
