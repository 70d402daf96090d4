import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type AlertRouterConfig } from './handler.ts';

await startFunction<AlertRouterConfig>({
  name: 'alert-router',
  configSchema,
  build: (deps) => createHandler({ ...deps, ackKey: () => deps.secrets.find('cmp-ops-ack-key')?.reveal() }),
  // the signed acknowledgement link carries its own credential (an HMAC over group and expiry)
  isPublic: (pathname, method) => pathname === '/ack' && (method === 'GET' || method === 'POST'),
});
