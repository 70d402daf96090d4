import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SignTarget } from './sigv4.ts';

// Idle kept-alive sockets are closed after 4 s, before the servers' own idle timeouts (Node's and s3rver's 5 s;
// MinIO's are longer), so that few requests are sent on a socket the server is closing.
const IDLE_SOCKET_MS = 4000;
/** agents are the kept-alive pools every signed request of this folder goes through (PUTs, copies, GETs). */
export const agents = {
  http: new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};
/** a request on a reused socket that the server closed before reading it fails with one of these: sent again once. */
export const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** SignedRequest is one request already signed: its method, path, headers, and how its body is written. */
export interface SignedRequest {
  method: 'GET' | 'PUT';
  path: string;
  headers: Record<string, string>;
  /** write sends the body (if any) and ends the request. */
  write: (req: ClientRequest) => void;
  signal?: AbortSignal;
  /**
   * resendStale sends the request once more on a new socket when a kept-alive one the server closed while idle
   * resets it before any answer (the request never reached the server: safe for a GET and for a PUT of a body).
   */
  resendStale: boolean;
}

/** sendSigned sends a signed request on the kept-alive pools and resolves with the response as it starts. */
export function sendSigned(target: SignTarget, request: SignedRequest): Promise<IncomingMessage> {
  const https = target.url.protocol === 'https:';
  const send = () =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        {
          method: request.method,
          hostname: target.url.hostname,
          port: target.url.port || (https ? 443 : 80),
          path: request.path,
          headers: request.headers,
          agent: https ? agents.https : agents.http,
          ...(request.signal ? { signal: request.signal } : {}),
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(Object.assign(err, { staleSocket: req.reusedSocket && STALE_SOCKET.has(err.code ?? '') })),
      );
      request.write(req);
    });
  if (!request.resendStale) return send();
  return send().catch((err: { staleSocket?: boolean }) => (err.staleSocket ? send() : Promise.reject(err)));
}

/** s3ErrorOf is the error an S3 XML error body says (`<Code>`, `<Message>`), with the HTTP status it came with. */
export function s3ErrorOf(text: string, statusCode: number): Error & { code: string; statusCode: number } {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '';
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${statusCode}`;
  return Object.assign(new Error(message), { code, statusCode });
}
