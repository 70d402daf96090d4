export {
  ERROR_CATALOG,
  OpsError,
  opsError,
  isOpsError,
  toOpsError,
  errorBody,
  type ErrorCode,
  type ErrorDetail,
} from './errors.ts';
export { json, readJson, readJsonText, readText, readEmptyOptions, bodyStream, mediaType } from './body.ts';
export { compileValidator } from './validate.ts';
export type { HandlerRequest } from './web.ts';
export {
  serve,
  errorResponse,
  type Handler,
  type RequestContext,
  type RunningServer,
  type ServeOptions,
} from './server.ts';
export { bearerMatches, eventTokenFor, eventTokenMatches, redactEventToken, EVENT_TOKEN_PARAM } from './auth.ts';
export { systemClock, fixedClock, type Clock } from './clock.ts';
export { BASE_CONFIG, loadConfig, mergeSchemas, type ConfigSchema } from './config.ts';
export { Secret, createSecretReader, ENV_FALLBACKS, type SecretReader } from './secrets.ts';
export { createLogger, REDACT_PATHS, type Logger } from './logger.ts';
export { createGatewayClient, createGatewayAlertSink, type GatewayClient } from './gateway.ts';
export {
  startFunction,
  INVOKE_TOKEN_SECRET,
  type BaseConfig,
  type FunctionDeps,
  type FunctionDefinition,
} from './start.ts';
export { signLink, verifyLink } from './signed-link.ts';
