import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

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

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/** startLocalGateway routes /function/<name>/… to the function processes by name, as the OpenFaaS gateway does. */
export async function startLocalGateway(options: { host: string; port: number; upstream: (name: string) => number | undefined; log: (line: string) => void }): Promise<LocalGateway> {
  let running = 0;
  const waiters: Array<() => void> = [];
  const settle = (): void => {
    running--;
    if (running === 0) waiters.splice(0).forEach((w) => w());
  };

  const forward = async (name: string, rest: string, method: string, headers: Headers, body: ReadableStream<Uint8Array> | Buffer | null): Promise<Response> => {
    const port = options.upstream(name);
    if (port === undefined) return new Response(`error finding function ${name}: not found\n`, { status: 404 });
    // redirects go back to the caller as the OpenFaaS gateway's reverse proxy passes them (with their Set-Cookie)
    return fetch(`http://127.0.0.1:${port}${rest || '/'}`, { method, headers, body, redirect: 'manual', ...(body ? { duplex: 'half' } : {}) } as RequestInit);
  };

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    const match = /^\/(function|async-function)\/([a-z0-9-]+)(?:\.[a-z0-9-]+)?(\/.*)?$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const [, kind, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    const callId = req.headers['x-call-id']?.toString() ?? randomUUID();
    headers.set('x-call-id', callId);
    headers.set('x-start-time', String(Date.now() * 1e6));
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    try {
      if (kind === 'async-function') {
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
        void forward(name, rest + url.search, 'POST', headers, chunks.length ? Buffer.concat(chunks) : null)
          .then(async (response) => {
            const text = await response.text();
            options.log(`async ${name} [${response.status}] ${callId}`);
            if (callback) {
              await fetch(callback, { method: 'POST', headers: { 'x-call-id': callId, 'x-function-status': String(response.status), 'x-function-name': name }, body: text }).catch(() => undefined);
            }
          })
          .catch((err: Error) => options.log(`async ${name} failed: ${err.message}`))
          .finally(settle);
        return;
      }
      const body = hasBody ? (Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>) : null;
      const response = await forward(name, rest + url.search, req.method ?? 'GET', headers, body);
      res.statusCode = response.status;
      response.headers.forEach((value, key) => {
        // fetch has already decoded a compressed body: its content-encoding no longer applies
        if (!HOP_BY_HOP.has(key) && key !== 'set-cookie' && key !== 'content-encoding') res.setHeader(key, value);
      });
      if (response.headers.getSetCookie().length > 0) res.setHeader('set-cookie', response.headers.getSetCookie());
      res.setHeader('x-call-id', callId);
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    } catch (err) {
      // The real gateway answers 502 when the function cannot be reached.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream ${name} failed: ${(err as Error).message}\n`);
    }
  });
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
      }),
  };
}
