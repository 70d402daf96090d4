import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** ASYNC_BODY_LIMIT mirrors OpenFaaS CE's queue: 256 KB per message. */
const ASYNC_BODY_LIMIT = 256 * 1024;

/** LocalGateway is the stand-in for the OpenFaaS gateway: /function, /async-function and /healthz. */
export interface LocalGateway {
  url: string;
  port: number;
  /** idle resolves when no async invocation is running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** GatewayOptions say where the gateway listens and how it finds a function's process. */
export interface GatewayOptions {
  host: string;
  port: number;
  /** upstream is a function's port; a promise while the function is still starting, undefined when there is none. */
  upstream: (name: string) => number | undefined | Promise<number | undefined>;
  /** health lists what is not ready yet (functions not listening or unhealthy, delivery not wired); empty = ready. */
  health?: () => Promise<string[]>;
  log: (line: string) => void;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) end at the gateway. `expect` too: the gateway itself answers 100 Continue,
// and the function gets a body that is already on its way.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'proxy-connection',
  'te',
  'trailer',
]);

/** startLocalGateway routes /function/<name>/… to the function processes by name, as the OpenFaaS gateway does. */
export async function startLocalGateway(options: GatewayOptions): Promise<LocalGateway> {
  let running = 0;
  const waiters: Array<() => void> = [];
  const settle = (): void => {
    running--;
    if (running === 0) waiters.splice(0).forEach((w) => w());
  };
  // One keep-alive pool to the functions: a new TCP connection per call cost a third of a small call's time. Idle
  // sockets go after 4 s, before the functions' 5 s keep-alive ends, so a call never lands on a socket being closed.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 4000 });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/healthz') {
      void answerHealth(res, options.health);
      return;
    }
    const match = /^\/(function|async-function)\/([a-z0-9-]+)(?:\.[a-z0-9-]+)?(\/.*)?$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const [, kind, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
    const callId = req.headers['x-call-id']?.toString() ?? randomUUID();
    const headers = forwardHeaders(req.headers, callId);
    const path = (rest || '/') + url.search;
    if (kind === 'async-function') {
      void enqueue(name, path, headers, req, res, callId);
      return;
    }
    void proxy(name, path, headers, req, res, callId);
  });
  server.keepAliveTimeout = 65_000;

  const connect = async (name: string): Promise<number | undefined> => {
    const port = options.upstream(name);
    return typeof port === 'number' || port === undefined ? port : await port;
  };

  /** proxy streams the request to the function and its answer back, neither buffered. */
  const proxy = async (
    name: string,
    path: string,
    headers: OutgoingHttpHeaders,
    req: IncomingMessage,
    res: ServerResponse,
    callId: string,
  ): Promise<void> => {
    const port = await connect(name);
    if (port === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`error finding function ${name}: not found\n`);
      return;
    }
    const upstream = request({ host: '127.0.0.1', port, path, method: req.method, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, backHeaders(answer.headers, callId));
      answer.pipe(res);
      answer.once('error', () => res.destroy());
    });
    upstream.once('error', (err) => {
      // The real gateway answers 502 when the function cannot be reached.
      if (!res.headersSent)
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream ${name} failed: ${err.message}\n`);
      else res.destroy();
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  /** enqueue takes an async call (202) and runs it in the background, as the queue-worker does. */
  const enqueue = async (
    name: string,
    path: string,
    headers: OutgoingHttpHeaders,
    req: IncomingMessage,
    res: ServerResponse,
    callId: string,
  ): Promise<void> => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > ASYNC_BODY_LIMIT) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('request too large for the async queue (256 KB)\n');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    res.writeHead(202, { 'x-call-id': callId }).end();
    running++;
    const callback = req.headers['x-callback-url']?.toString();
    const body = Buffer.concat(chunks);
    delete headers['transfer-encoding'];
    headers['content-length'] = body.length;
    try {
      const port = await connect(name);
      const answer =
        port === undefined
          ? { status: 404, text: `error finding function ${name}: not found\n` }
          : await call(agent, port, path, headers, body);
      options.log(`async ${name} [${answer.status}] ${callId}`);
      if (callback) {
        await fetch(callback, {
          method: 'POST',
          headers: { 'x-call-id': callId, 'x-function-status': String(answer.status), 'x-function-name': name },
          body: answer.text,
        }).catch(() => undefined);
      }
    } catch (err) {
      options.log(`async ${name} failed: ${(err as Error).message}`);
    } finally {
      settle();
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    port,
    idle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

async function answerHealth(res: ServerResponse, health: GatewayOptions['health']): Promise<void> {
  const problems = health ? await health().catch((err: Error) => [err.message]) : [];
  if (problems.length === 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  else
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end(`not ready: ${problems.join('; ')}\n`);
}

function forwardHeaders(incoming: IncomingHttpHeaders, callId: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(incoming))
    if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
  // A request with neither length nor chunking has no body (RFC 9112 §6.3): say so, or node would send it chunked.
  if (incoming['content-length'] === undefined && incoming['transfer-encoding'] === undefined)
    headers['content-length'] = '0';
  headers['x-call-id'] = callId;
  headers['x-start-time'] = String(Date.now() * 1e6);
  return headers;
}

function backHeaders(incoming: IncomingHttpHeaders, callId: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(incoming))
    if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
  headers['x-call-id'] = callId;
  return headers;
}

/** call POSTs a whole body to a function and reads its whole answer (async calls: the queue holds the body anyway). */
function call(
  agent: Agent,
  port: number,
  path: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent }, async (answer) => {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of answer) chunks.push(chunk as Buffer);
        resolve({ status: answer.statusCode ?? 502, text: Buffer.concat(chunks).toString('utf8') });
      } catch (err) {
        reject(err);
      }
    });
    upstream.once('error', reject);
    upstream.end(body);
  });
}
