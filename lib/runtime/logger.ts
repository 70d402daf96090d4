import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** REDACT_PATHS are the log fields that may carry credentials; pino compiles them once. */
export const REDACT_PATHS = [
  'token',
  'secret',
  'password',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'config.S3_SECRET_KEY',
  'config.S3_ACCESS_KEY',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.apiKey',
  '*.secretKey',
  '*.accessKey',
];

/** createLogger builds the one pino logger of a process, JSON to stdout (or `destination`), credentials redacted. */
export function createLogger(options: { name: string; level?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '<secret>' },
      base: { fn: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const LEVEL_NAMES = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const skip = () => undefined;

/**
 * lazyChild is parent.child(bindings), made only when something is logged at an enabled level: a pino child costs
 * about 12 µs, paid on every request for a request line most levels never write.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= parent.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (typeof prop === 'string' && LEVEL_NAMES.has(prop) && !child && !parent.isLevelEnabled(prop)) return skip;
      const target = real();
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
