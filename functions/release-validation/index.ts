import { INVOKE_TOKEN_SECRET, startFunction } from '#lib/runtime/index.ts';
import { createAlertPath } from '#lib/validation/index.ts';
import { configSchema, createHandler, TESTLINK_DEVKEY_SECRET, type ReleaseValidationConfig } from './handler.ts';

await startFunction<ReleaseValidationConfig>({
  name: 'release-validation',
  configSchema,
  build: (deps) =>
    createHandler({
      ...deps,
      devKey: () => deps.secrets.find(TESTLINK_DEVKEY_SECRET),
      alertPath: createAlertPath(deps.config.GATEWAY_URL, () => deps.secrets.get(INVOKE_TOKEN_SECRET).reveal()),
    }),
});
