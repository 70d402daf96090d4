import { Ajv, type ErrorObject } from 'ajv';
import { opsError } from './errors.ts';
import { ENV_FALLBACKS } from './secrets.ts';

/** ConfigSchema is a JSON schema of environment variables: `properties` keyed by variable name. */
export interface ConfigSchema {
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

/** BASE_CONFIG lists the variables every function reads (see README "Configuration"). */
export const BASE_CONFIG: ConfigSchema = {
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    S3_ENDPOINT: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:9000' },
    S3_REGION: { type: 'string', default: 'us-east-1' },
    GATEWAY_URL: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8080' },
    STATE_BUCKET: { type: 'string', minLength: 3, default: 'cmp-ops-state' },
    REQUEST_DEADLINE_MS: { type: 'integer', minimum: 100, default: 25000 },
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1, default: 1048576 },
    DRAIN_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 10000 },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    SECRETS_DIR: { type: 'string', default: '/var/openfaas/secrets' },
    // alerts go to every alert-router replica (a headless Service) instead of one through the gateway
    ALERT_ROUTER_PEERS: { type: 'string', pattern: '^https?://' },
  },
};

// Kubernetes injects <SERVICE>_SERVICE_HOST / _PORT… variables for every service in the namespace; they are not ours.
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

// Secrets may come from the environment in the local stack; they are read by the SecretReader, not here.
const SECRET_VARIABLES = new Set(Object.values(ENV_FALLBACKS));

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });

/**
 * loadConfig reads the declared variables from `env` once, validates and coerces them, and returns a frozen object.
 * A variable that shares a declared variable's prefix (`S3_…`, `NETBACKUP_…`) but is not declared is rejected by
 * name, so a typo fails at cold start rather than silently using a default.
 */
export function loadConfig<T>(schema: ConfigSchema, env: Record<string, string | undefined>): Readonly<T> {
  const declared = Object.keys(schema.properties);
  const prefixes = new Set(
    declared.filter((name) => name.includes('_')).map((name) => name.slice(0, name.indexOf('_') + 1)),
  );
  const unknown = Object.keys(env).filter(
    (name) =>
      !declared.includes(name) &&
      !SECRET_VARIABLES.has(name) &&
      !SERVICE_LINK.test(name) &&
      [...prefixes].some((prefix) => name.startsWith(prefix)),
  );
  if (unknown.length > 0) {
    throw opsError(
      'CONFIG_INVALID',
      `unknown configuration variable${unknown.length > 1 ? 's' : ''}: ${unknown.sort().join(', ')}`,
      unknown.map((field) => ({ field, reason: 'not a variable this function reads' })),
    );
  }
  const picked: Record<string, unknown> = {};
  for (const name of declared) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      const type = schema.properties[name]?.type;
      picked[name] = type === 'object' || type === 'array' ? parseJsonVariable(name, value) : value;
    }
  }
  const validate = ajv.compile({ type: 'object', additionalProperties: false, ...schema });
  if (!validate(picked)) {
    const details = (validate.errors ?? []).map(configErrorDetail);
    throw opsError(
      'CONFIG_INVALID',
      `configuration is invalid: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return Object.freeze(picked) as Readonly<T>;
}

function parseJsonVariable(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw opsError('CONFIG_INVALID', `${name} is not valid JSON`, [{ field: name, reason: 'not valid JSON' }]);
  }
}

function configErrorDetail(error: ErrorObject): { field: string; reason: string } {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const field = missing ?? error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return { field, reason: missing ? 'is required' : (error.message ?? 'is invalid') };
}

/** mergeSchemas adds a function's own variables to the base ones. */
export function mergeSchemas(base: ConfigSchema, extra: ConfigSchema | undefined): ConfigSchema {
  if (!extra) return base;
  return {
    properties: { ...base.properties, ...extra.properties },
    required: [...(base.required ?? []), ...(extra.required ?? [])],
  };
}
