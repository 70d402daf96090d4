import { Writable } from 'node:stream';
import { createLogger, type Logger } from '#lib/runtime/index.ts';

/** captureLogger is a real pino logger (with the production redaction) writing into an array of lines. */
export function captureLogger(name = 'test'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ name, level: 'debug', destination }), lines };
}
