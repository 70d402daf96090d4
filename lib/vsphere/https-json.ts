import { Agent, request } from 'node:https';
import { opsError } from '#lib/runtime/errors.ts';

/** HttpsAnswer is one answer of vCenter: its status and its body, parsed when it was JSON. */
export interface HttpsAnswer {
  status: number;
  body: unknown;
}

/** HttpsJson sends JSON requests to one vCenter over one keep-alive agent that verifies its certificate. */
export interface HttpsJson {
  send(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpsAnswer>;
  close(): void;
}

// A VM list of 4 000 summaries is about 600 kB; anything far beyond is not an answer we can use.
const MAX_BODY_BYTES = 32 * 1024 * 1024;

// Node's codes for a certificate that does not verify (tls.checkServerIdentity and OpenSSL's X509_V_ERR_*).
const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|ERR_SSL_)/;

/**
 * createHttpsJson targets `baseUrl` (https only: verification is never skipped) trusting `ca` (PEM) when given, else
 * Node's bundled roots. Transport failures become VSPHERE_UNAVAILABLE (retryable), certificate failures VSPHERE_TLS.
 */
export function createHttpsJson(baseUrl: string, options: { ca?: string; timeoutMs: number }): HttpsJson {
  const base = new URL(baseUrl);
  if (base.protocol !== 'https:')
    throw opsError(
      'CONFIG_INVALID',
      `vCenter URL ${base.origin} is not https: vCenter is only read over verified TLS`,
      [{ field: 'VSPHERE_URL', reason: 'must start with https://' }],
    );
  const prefix = base.pathname.replace(/\/+$/, '');
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 4,
    ...(options.ca ? { ca: options.ca } : {}),
    rejectUnauthorized: true,
  });
  const send = (
    method: string,
    path: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<HttpsAnswer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          protocol: 'https:',
          hostname: base.hostname,
          port: base.port || 443,
          path: `${prefix}${path}`,
          method,
          agent,
          headers: { accept: 'application/json', ...headers },
          timeout: options.timeoutMs,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              reject(
                opsError('VSPHERE_UNAVAILABLE', `${method} ${path}: answer larger than ${MAX_BODY_BYTES} bytes`, [], {
                  retryable: false,
                }),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) => reject(transportError(err, method, path)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/i.test(res.headers['content-type'] ?? '') || /^\s*[[{"]/.test(text)) {
              try {
                body = text === '' ? undefined : JSON.parse(text);
              } catch {
                body = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (err) => reject(transportError(err, method, path)));
      req.end();
    });
  return { send, close: () => agent.destroy() };
}

function transportError(err: Error, method: string, path: string) {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err.name === 'AbortError')
    return opsError('DEADLINE_EXCEEDED', `${method} ${path} was aborted: the run ran out of time`, [], {
      cause: err,
      retryable: true,
    });
  if (TLS_CODES.test(code))
    return opsError(
      'VSPHERE_TLS',
      `vCenter's certificate is not trusted (${code}: ${err.message}); set VSPHERE_CA_FILE to vCenter's CA`,
      [{ field: 'VSPHERE_CA_FILE', reason: code }],
      { cause: err },
    );
  return opsError(
    'VSPHERE_UNAVAILABLE',
    `vCenter is unreachable (${method} ${path}): ${code ? `${code} ` : ''}${err.message}`,
    [],
    { cause: err, retryable: true },
  );
}
