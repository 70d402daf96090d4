import { INVOKE_TOKEN_SECRET, startFunction } from '#lib/runtime/index.ts';
import { CALLBACK_PATH, configSchema, createHandler, type IntegritySweepConfig } from './handler.ts';

await startFunction<IntegritySweepConfig>({
  name: 'integrity-sweep',
  configSchema,
  build: (deps) => createHandler({ ...deps, invokeToken: () => deps.secrets.get(INVOKE_TOKEN_SECRET).reveal() }),
  // the gateway's queue-worker posts fan-out results without a token: the signed URL is the credential
  isPublic: (pathname, method) => pathname === CALLBACK_PATH && method === 'POST',
});
