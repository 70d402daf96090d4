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
