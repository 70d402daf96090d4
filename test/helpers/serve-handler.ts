import {
  bearerMatches,
  fixedClock,
  Secret,
  serve,
  type Clock,
  type Handler,
  type RunningServer,
} from '#lib/runtime/index.ts';
import { captureLogger } from './log-capture.ts';

export const TEST_TOKEN = 'test-invoke-token-7c1e';

/** serveHandler runs a function's handler behind the real runtime server on a free port, with the test token. */
export async function serveHandler(
  handler: Handler,
  options: {
    clock?: Clock;
    bodyLimitBytes?: number;
    deadlineMs?: number;
    isPublic?: (pathname: string, method: string) => boolean;
  } = {},
): Promise<
  RunningServer & {
    call(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
    lines: string[];
  }
> {
  const { log, lines } = captureLogger('fn');
  const server = await serve({
    name: 'fn',
    handler,
    port: 0,
    host: '127.0.0.1',
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    deadlineMs: options.deadlineMs ?? 10_000,
    log,
    clock: options.clock ?? fixedClock('2026-11-24T10:00:00Z'),
    authorize: (req) => bearerMatches(req.headers.get('authorization'), new Secret(TEST_TOKEN)),
    ...(options.isPublic ? { isPublic: options.isPublic } : {}),
  });
  return Object.assign(server, {
    lines,
    async call(body: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  });
}
