// router-memory-child serves alert-router's real handler behind the real runtime server with its state in an
// in-process store: no persistence, as Alertmanager keeps alerts. It isolates the routing core's cost from the
// object store's in bench/alert-router.ts. As a program: tsx bench/router-memory-child.ts <routing.yml> <token>
// prints the URL.
import { bearerMatches, createLogger, Secret, serve, systemClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createMemoryStore } from '../test/helpers/memory-store.ts';
import { createHandler } from '../functions/alert-router/handler.ts';

const [routing, token] = process.argv.slice(2);
const store = createMemoryStore();
await store.ensureBucket('cmp-ops-state');
const config = {
  ROUTING_CONFIG: `file:${routing}`,
  WEBHOOK_RECEIVERS: [],
  EXTERNAL_URL: 'http://router',
  RESOLVE_TIMEOUT_MS: 300000,
  RETRY_MAX_ATTEMPTS: 8,
  RETRY_BASE_MS: 30000,
  DROP_MUTED_RECEIVERS: [],
  DELIVERY_TIMEOUT_MS: 10000,
  STATE_BUCKET: 'cmp-ops-state',
};
const handler = createHandler({ config: config as never, state: createStateStore(store, 'cmp-ops-state'), store });
const secret = new Secret(token!);
const server = await serve({
  name: 'alert-router',
  handler,
  port: 0,
  host: '127.0.0.1',
  bodyLimitBytes: 4 << 20,
  deadlineMs: 60_000,
  log: createLogger({ name: 'alert-router', level: 'warn' }),
  clock: systemClock,
  authorize: (req) => bearerMatches(req.headers.get('authorization'), secret),
});
process.stdout.write(`${server.url}\n`);
process.stdin.on('end', () => process.exit(0)).resume();
