import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, SESSION_KEY_SECRET, type OpsConsoleConfig } from './handler.ts';

await startFunction<OpsConsoleConfig>({
  name: 'ops-console',
  configSchema,
  build: (deps) => {
    deps.secrets.get(SESSION_KEY_SECRET); // fail at cold start, not at the first login, when the key is missing
    return createHandler(deps);
  },
  // browsers carry no bearer token: the console checks its own session cookie (or the token, on api/v1/overview)
  isPublic: () => true,
});
