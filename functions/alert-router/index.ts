import { isPublicPath } from '#lib/alerting/router/index.ts';
import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type AlertRouterConfig } from './handler.ts';

await startFunction<AlertRouterConfig>({
  name: 'alert-router',
  configSchema,
  build: (deps) => createHandler({ ...deps, ackKey: () => deps.secrets.find('cmp-ops-ack-key')?.reveal() }),
  isPublic: isPublicPath,
});
