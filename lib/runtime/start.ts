import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertSink } from '#lib/alerting/alert.ts';
import { createReplicaFanoutSink, parsePeers } from './replica-fanout.ts';
import {
  createMinioClient,
  createMinioStore,
  createStateStore,
  type ObjectStore,
  type StateStore,
} from '#lib/storage/index.ts';
import { bearerMatches, eventTokenMatches } from './auth.ts';
import { systemClock, type Clock } from './clock.ts';
import { BASE_CONFIG, loadConfig, mergeSchemas, type ConfigSchema } from './config.ts';
import { createGatewayAlertSink, createGatewayClient, type GatewayClient } from './gateway.ts';
import { lazyObject } from './lazy.ts';
import { createLogger, type Logger } from './logger.ts';
import { createSecretReader, type SecretReader } from './secrets.ts';
import { serve, type Handler, type RunningServer } from './server.ts';

/** BaseConfig is the part of every function's configuration that the runtime itself reads. */
export interface BaseConfig {
  PORT: number;
  S3_ENDPOINT: string;
  S3_REGION: string;
  GATEWAY_URL: string;
  STATE_BUCKET: string;
  REQUEST_DEADLINE_MS: number;
  BODY_LIMIT_BYTES: number;
  DRAIN_TIMEOUT_MS: number;
  LOG_LEVEL: string;
  SECRETS_DIR: string;
  ALERT_ROUTER_PEERS?: string;
}

/** FunctionDeps are the real clients a function's handler is built from (tests build them from doubles). */
export interface FunctionDeps<C> {
  config: Readonly<C & BaseConfig>;
  secrets: SecretReader;
  log: Logger;
  clock: Clock;
  store: ObjectStore;
  state: StateStore;
  gateway: GatewayClient;
  alerts: AlertSink;
}

/** FunctionDefinition declares a function: its name, its own variables, and how to build its handler. */
export interface FunctionDefinition<C> {
  name: string;
  configSchema?: ConfigSchema;
  build(deps: FunctionDeps<C>): Handler | Promise<Handler>;
  /** isPublic lets paths that check their own signature skip the bearer check. */
  isPublic?(pathname: string, method: string): boolean;
}

export const INVOKE_TOKEN_SECRET = 'cmp-ops-invoke-token';

/**
 * startFunction is the whole cold start of a function process: read and validate env once, read secrets, build
 * the real clients, serve on $PORT, and drain in-flight requests on SIGTERM. Configuration errors exit 1 with the
 * variable named.
 */
export async function startFunction<C>(
  definition: FunctionDefinition<C>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const bootLog = createLogger({ name: definition.name, level: env.LOG_LEVEL ?? 'info' });
  let config: Readonly<C & BaseConfig>;
  try {
    config = loadConfig<C & BaseConfig>(mergeSchemas(BASE_CONFIG, definition.configSchema), env);
  } catch (err) {
    bootLog.fatal(
      { code: (err as { code?: string }).code, details: (err as { details?: unknown }).details },
      (err as Error).message,
    );
    bootLog.flush();
    process.exit(1);
  }
  const log = createLogger({ name: definition.name, level: config.LOG_LEVEL });
  const secrets = createSecretReader(config.SECRETS_DIR, env);
  const token = () => secrets.get(INVOKE_TOKEN_SECRET);
  token(); // fail at cold start, not at the first request, when the token is missing
  const connection = {
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKey: secrets.get('cmp-ops-s3-access-key'),
    secretKey: secrets.get('cmp-ops-s3-secret-key'),
  };
  // Built on the first request that touches storage: the S3 library is not loaded by an idle function.
  const store = lazyObject(() => createMinioStore(createMinioClient(connection)));
  const gateway = createGatewayClient(config.GATEWAY_URL, token);
  const deps: FunctionDeps<C> = {
    config,
    secrets,
    log,
    clock: systemClock,
    store,
    state: createStateStore(store, config.STATE_BUCKET),
    gateway,
    alerts: config.ALERT_ROUTER_PEERS
      ? createReplicaFanoutSink({
          peers: parsePeers(config.ALERT_ROUTER_PEERS),
          token: () => token().reveal(),
          fallback: createGatewayAlertSink(gateway),
          log,
        })
      : createGatewayAlertSink(gateway),
  };
  const handler = await definition.build(deps);
  const server = await serve({
    name: definition.name,
    handler,
    port: config.PORT,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    deadlineMs: config.REQUEST_DEADLINE_MS,
    log,
    clock: systemClock,
    // MinIO sends the bearer token; Ceph RGW sends no header, so its endpoint URLs carry a per-function event token
    authorize: (req) =>
      bearerMatches(req.headers.get('authorization'), token()) || eventTokenMatches(req, token(), definition.name),
    ...(definition.isPublic ? { isPublic: definition.isPublic } : {}),
  });
  log.info({ port: server.port, s3: config.S3_ENDPOINT, gateway: config.GATEWAY_URL }, `${definition.name} listening`);
  const stop = (signal: string): void => {
    log.info({ signal, inFlight: server.inFlight() }, 'draining');
    server.close(config.DRAIN_TIMEOUT_MS).then(async () => {
      // what was answered before it was written (alert-router's accepted ingests) is written before the process goes
      if (handler.settle)
        await Promise.race([handler.settle(), sleep(config.DRAIN_TIMEOUT_MS, undefined, { ref: false })]).catch(
          (err: unknown) => log.error({ err }, 'unsettled work at stop'),
        );
      log.info('stopped');
      log.flush();
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return server;
}
