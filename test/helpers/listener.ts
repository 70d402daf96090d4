import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** ReceivedRequest is one request a test listener got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** TestListener is a real HTTP receiver on a free port that records requests and can fail on demand. */
export interface TestListener {
  url: string;
  requests: ReceivedRequest[];
  /** failNext makes the next n requests answer `status` (e.g. 503), or hang when status is 0, with `headers`. */
  failNext(n: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** startListener starts the recording HTTP listener on 127.0.0.1:0. */
export async function startListener(): Promise<TestListener> {
  const requests: ReceivedRequest[] = [];
  let failures = 0;
  let failStatus = 503;
  let failHeaders: Record<string, string> = {};
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (failures > 0) {
      failures--;
      if (failStatus === 0) return; // hang: never answer
      res.writeHead(failStatus, failHeaders).end('failing on demand');
      return;
    }
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(n, status, headers = {}) {
      failures = n;
      failStatus = status;
      failHeaders = headers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
