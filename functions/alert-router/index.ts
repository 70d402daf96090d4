import { isPublicPath } from '#lib/alerting/router/index.ts';
import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, haModeAtStart, type AlertRouterConfig } from './handler.ts';

await startFunction<AlertRouterConfig>({
  name: 'alert-router',
  configSchema,
  async build(deps) {
    let pair: boolean;
    try {
      pair = await haModeAtStart(deps.config, deps.store, deps.log);
    } catch (err) {
      // a pair on a store without conditional writes, or no store to probe: refuse to start, with the reason
      deps.log.fatal({ err }, `alert-router refuses to start: ${(err as Error).message}`);
      deps.log.flush();
      process.exit(1);
    }
    return createHandler({ ...deps, pair, ackKey: () => deps.secrets.find('cmp-ops-ack-key')?.reveal() });
  },
  isPublic: isPublicPath,
});
