import { redactEventToken } from './auth.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DateTime } from 'luxon';
import { json, knownText, readBytes, readText, wholeBodies } from './body.ts';
import { SimpleHeaders, type HandlerRequest } from './web.ts';
import type { Clock } from './clock.ts';
import { errorBody, opsError, toOpsError, type OpsError } from './errors.ts';
import { lazyChild, type Logger } from './logger.ts';

/** RequestContext is what a handler gets besides the request: its call id, logger, deadline signal and clock. */
export interface RequestContext {
  callId: string;
  log: Logger;
  /** signal aborts at the request deadline or when the caller goes away. */
  signal: AbortSignal;
  now(): DateTime;
  /** nowMs is now() in epoch milliseconds, cheaper where no DateTime is needed. */
  nowMs(): number;
  /** topic is `cron-function` when the cron-connector calls. */
  topic?: string;
}

/** Handler is a function's edge: a request in, a web Response out. Throwing is fine: the server maps it. */
export type Handler = ((req: HandlerRequest, ctx: RequestContext) => Promise<Response>) & {
  /** settle resolves once work the handler answered before finishing (a write behind) is done: awaited on stop. */
  settle?: () => Promise<void>;
};

/** ServeOptions configure the of-watchdog upstream server. */
export interface ServeOptions {
  name: string;
  handler: Handler;
  port: number;
  host?: string;
  bodyLimitBytes: number;
  deadlineMs: number;
  log: Logger;
  clock: Clock;
  /** authorize checks the caller; false answers 401 before the handler runs. */
  authorize(req: HandlerRequest): boolean;
  /** isPublic lets a path skip the bearer check (it must check its own signature, e.g. a signed ack link). */
  isPublic?(pathname: string, method: string): boolean;
}

/** RunningServer is a started server: its port, and a drain that stops it after in-flight requests. */
export interface RunningServer {
  port: number;
  url: string;
  inFlight(): number;
  close(timeoutMs?: number): Promise<void>;
}

// Beyond this much unread body, answering is not worth reading it: the connection is closed instead.
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

/** serve starts the HTTP server that of-watchdog proxies to (its `upstream_url`). */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];

  const server = createServer((nreq, nres) => {
    const pathname = new URL(nreq.url ?? '/', 'http://local').pathname;
    if (pathname === '/_/health' || pathname === '/_/ready') {
      writeSimple(nres, draining ? 503 : 200, { status: draining ? 'draining' : 'ok', function: options.name });
      return;
    }
    inFlight++;
    handle(options, nreq, nres).finally(() => {
      inFlight--;
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    inFlight: () => inFlight,
    async close(timeoutMs = 10_000) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => idle.push(resolve)), delay(timeoutMs)]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(options: ServeOptions, nreq: IncomingMessage, nres: ServerResponse): Promise<void> {
  const started = performance.now();
  const callId = headerValue(nreq, 'x-call-id') ?? randomUUID();
  const log = lazyChild(options.log, { callId });
  nres.setHeader('x-call-id', callId);
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(opsError('DEADLINE_EXCEEDED', `no answer within ${options.deadlineMs} ms`)),
    options.deadlineMs,
  );
  nres.on('close', () => {
    if (!nres.writableFinished) controller.abort(opsError('DEADLINE_EXCEEDED', 'caller went away'));
  });
  let status = 500;
  let errorCode: string | undefined;
  const body = nreq.method !== 'GET' && nreq.method !== 'HEAD' ? limitBody(nreq, options.bodyLimitBytes) : null;
  try {
    const response = await respond(options, nreq, controller.signal, log, callId, body);
    status = response.status;
    if (body && !nreq.complete && !(await body.drain(DRAIN_CAP_BYTES))) response.headers.set('connection', 'close');
    await writeResponse(nres, response);
  } catch (err) {
    const failure = toOpsError(err);
    status = failure.status;
    errorCode = failure.code;
    if (failure.status >= 500 && failure.code !== 'DEADLINE_EXCEEDED')
      log.error({ err: (err as { cause?: unknown }).cause ?? err, code: failure.code }, failure.message);
    // Read what the caller is still sending before answering, or its upload fails with a reset instead of our error.
    const drained = body ? await body.drain(DRAIN_CAP_BYTES) : true;
    if (!nres.headersSent) await writeResponse(nres, errorResponse(failure, !drained));
    else nres.destroy();
  } finally {
    clearTimeout(timer);
    log.info(
      {
        method: nreq.method,
        path: redactEventToken(nreq.url),
        status,
        code: errorCode,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  }
}

async function respond(
  options: ServeOptions,
  nreq: IncomingMessage,
  signal: AbortSignal,
  log: Logger,
  callId: string,
  body: LimitedBody | null,
): Promise<Response> {
  const url = new URL(nreq.url ?? '/', `http://${nreq.headers.host ?? 'localhost'}`);
  const method = nreq.method ?? 'GET';
  const request: HandlerRequest = new IncomingRequest(url.href, method, nreq, body, signal);
  // The cron-connector cannot send credentials (its basic auth covers only /system/*): a bodiless POST marked
  // X-Topic: cron-function is a timer tick. It carries no input, so it can only start the scheduled run.
  const cronTick = method === 'POST' && headerValue(nreq, 'x-topic') === 'cron-function' && isBodiless(nreq);
  if (!cronTick && !options.isPublic?.(url.pathname, method) && !options.authorize(request)) {
    throw opsError('UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer <cmp-ops-invoke-token>)');
  }
  const declared = Number(nreq.headers['content-length'] ?? 0);
  if (declared > options.bodyLimitBytes) {
    throw opsError(
      'PAYLOAD_TOO_LARGE',
      `request body of ${declared} bytes exceeds the limit of ${options.bodyLimitBytes} bytes`,
    );
  }
  const ctx: RequestContext = {
    callId,
    log,
    signal,
    now: () => options.clock.now(),
    nowMs: () => options.clock.millis(),
  };
  const topic = headerValue(nreq, 'x-topic');
  if (topic && (cronTick || topic !== 'cron-function')) ctx.topic = topic;
  const work = options.handler(request, ctx);
  // The deadline answers 503 even if the handler ignores its signal; its late result is dropped.
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  work.catch(() => undefined);
  aborted.catch(() => undefined);
  const response = await Promise.race([work, aborted]);
  // A handler that resolves inside its own abort listener must not turn a missed deadline into a 200.
  if (signal.aborted) throw signal.reason;
  return response;
}

/** LimitedBody is a request body bounded to `limit` bytes that can still be drained when the handler stops early. */
interface LimitedBody {
  /** the body as a web stream, made on first use. */
  readonly stream: ReadableStream<Uint8Array>;
  /** whole reads the whole body at once, without a web stream, unless the stream was already taken. */
  whole(): Promise<Buffer> | undefined;
  /** drain reads and drops what is left (up to `cap` bytes), so the answer is not lost in a reset connection. */
  drain(cap: number): Promise<boolean>;
}

function limitBody(nreq: IncomingMessage, limit: number): LimitedBody {
  let total = 0;
  let stream: ReadableStream<Uint8Array> | undefined;
  let taken = false;
  // One iterator for the handler's reads and the final drain: cancelling the web stream must not destroy the socket
  // before the error response is written.
  const iterator = nreq[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = async (): Promise<IteratorResult<Buffer>> => {
    const step = await iterator.next();
    if (!step.done && (total += step.value.length) > limit)
      throw opsError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`);
    return step;
  };
  return {
    get stream() {
      taken = true;
      return (stream ??= new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await next();
            if (done) controller.close();
            else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          } catch (err) {
            controller.error(err);
          }
        },
      }));
    },
    whole() {
      if (taken) return undefined;
      taken = true;
      return (async () => {
        const chunks: Buffer[] = [];
        for (let step = await next(); !step.done; step = await next()) chunks.push(step.value);
        return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      })();
    },
    async drain(cap) {
      if (nreq.complete) return true;
      let dropped = 0;
      for (;;) {
        const { done, value } = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
        if (done) return true;
        dropped += value.length;
        if (dropped > cap) return false;
      }
    },
  };
}

/**
 * IncomingRequest is the web Request a handler gets, made from node's request without undici's Request: its
 * headers and body stream are built only when asked for, and readText takes the body whole (wholeBodies). It has
 * what handlers use: method, url, headers, body, signal, text(), json(), arrayBuffer().
 */
class IncomingRequest implements HandlerRequest {
  readonly bodyUsed = false;
  #headers: SimpleHeaders | undefined;
  readonly #nreq: IncomingMessage;
  readonly #body: LimitedBody | null;
  constructor(
    readonly url: string,
    readonly method: string,
    nreq: IncomingMessage,
    body: LimitedBody | null,
    readonly signal: AbortSignal,
  ) {
    this.#nreq = nreq;
    this.#body = body;
    if (body) wholeBodies.set(this, () => body.whole());
  }
  get headers(): SimpleHeaders {
    return (this.#headers ??= new SimpleHeaders(this.#nreq.headers));
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.#body ? this.#body.stream : null;
  }
  text(): Promise<string> {
    return readText(this);
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await readBytes(this);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/** errorResponse renders an OpsError as the catalog's JSON body; 503 adds Retry-After. */
export function errorResponse(err: OpsError, closeConnection = false): Response {
  const headers: Record<string, string> = err.status === 503 ? { 'retry-after': '5' } : {};
  if (closeConnection) headers.connection = 'close';
  return json(errorBody(err), err.status, headers);
}

async function writeResponse(nres: ServerResponse, response: Response): Promise<void> {
  nres.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') nres.setHeader(name, value);
  });
  // several cookies are several Set-Cookie lines (forEach gives them one by one: setHeader kept only the last)
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) nres.setHeader('set-cookie', cookies);
  const text = knownText(response);
  if (text !== undefined) {
    nres.setHeader('content-length', Buffer.byteLength(text));
    nres.end(text);
    return;
  }
  if (!response.body) {
    nres.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), nres);
}

function writeSimple(nres: ServerResponse, status: number, body: unknown): void {
  nres.writeHead(status, { 'content-type': 'application/json' });
  nres.end(`${JSON.stringify(body)}\n`);
}

function isBodiless(nreq: IncomingMessage): boolean {
  const length = nreq.headers['content-length'];
  return nreq.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

function headerValue(nreq: IncomingMessage, name: string): string | undefined {
  const value = nreq.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
