export { createConsoleApp, type ConsoleDeps, type ConsoleSettings } from './app.ts';
export { Collector, type CollectorSettings } from './collector.ts';
export { createRouterClient, type RouterClient } from './router-client.ts';
export {
  createSourceReaders,
  routingFromSpec,
  type SourceReaders,
  type SourceRead,
  type ReaderDeps,
} from './read-sources.ts';
export { hashPassword, verifyPassword, parseUsers, isUserName, type ConsoleUser } from './password.ts';
export { buildOverview, FTP_ALERTNAMES, type Overview, type OverviewSettings } from './overview.ts';
export { parseFilters, filterQuery, SUBSYSTEMS, SEVERITIES, type Filters } from './filters.ts';
export { parseSilenceForm } from './silence-input.ts';
export { openSession, sealSession, newSession, csrfToken, SESSION_COOKIE, type Session } from './session.ts';
export type * from './sources.ts';
export {
  collectorSettings,
  consoleConfigSchema,
  consoleSettings,
  logReadError,
  usersFromSecret,
  SESSION_KEY_SECRET,
  USERS_SECRET,
  type OpsConsoleConfig,
} from './config.ts';
