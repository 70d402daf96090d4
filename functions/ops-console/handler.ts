import { readFileSync } from 'node:fs';
import {
  Collector,
  collectorSettings,
  consoleConfigSchema,
  consoleSettings,
  createConsoleApp,
  createRouterClient,
  createSourceReaders,
  logReadError,
  routingFromSpec,
  SESSION_KEY_SECRET,
  USERS_SECRET,
  usersFromSecret,
  type OpsConsoleConfig,
} from '#lib/console/index.ts';
import { INVOKE_TOKEN_SECRET, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';

export { SESSION_KEY_SECRET, USERS_SECRET, type OpsConsoleConfig };
export const configSchema = consoleConfigSchema;

type Deps = Pick<FunctionDeps<OpsConsoleConfig>, 'config' | 'store' | 'state' | 'secrets' | 'log' | 'clock'>;

/**
 * createHandler builds ops-console: the collector reading alert-router (through the gateway) and the state bucket,
 * and the console app serving the page, the JSON overview, login and actions. Users and the session key are read
 * from their secrets on use, so a rotated secret applies without a restart.
 */
export function createHandler(
  deps: Deps,
  options: { readFile?: (path: string) => string } = {},
): Handler & { collector: Collector } {
  const c = deps.config;
  const invokeToken = () => deps.secrets.get(INVOKE_TOKEN_SECRET);
  const router = createRouterClient(c.GATEWAY_URL, () => invokeToken().reveal(), c.ROUTER_FUNCTION);
  const readers = createSourceReaders({
    store: deps.store,
    state: deps.state,
    router,
    netbackupMasters: c.NETBACKUP_MASTERS,
    quarantineBucket: c.QUARANTINE_BUCKET,
    maxVerdicts: c.CONSOLE_MAX_VERDICTS,
    routingText: routingFromSpec(
      c.ROUTING_CONFIG,
      deps.store,
      c.STATE_BUCKET,
      options.readFile ?? ((p) => readFileSync(p, 'utf8')),
    ),
  });
  const collector = new Collector(
    readers,
    collectorSettings(c),
    () => deps.clock.millis(),
    (source, err) => logReadError(deps.log, source, err),
  );
  const app = createConsoleApp({
    settings: consoleSettings(c),
    users: usersFromSecret(() => deps.secrets.find(USERS_SECRET)?.reveal() ?? '', deps.log),
    sessionKey: () => deps.secrets.get(SESSION_KEY_SECRET).reveal(),
    invokeToken,
    collector,
    router,
    now: () => deps.clock.millis(),
  });
  return Object.assign(app, { collector });
}
