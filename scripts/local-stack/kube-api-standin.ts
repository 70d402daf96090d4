import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the few Kubernetes API paths installation-watch reads. No Kubernetes API server can run on these
 * machines, so this answers with responses shaped exactly like the real API's (reference kubernetes.md §1, §8):
 * list envelopes with kind/apiVersion and a string resourceVersion, items without kind, `continue` omitted on the last
 * page, `limit` honoured, Status bodies for 401/403/410 as kube-apiserver writes them, and
 * `Content-Type: application/json` on every answer (client-node refuses anything else).
 */

export interface StandinCluster {
  nodes: unknown[];
  pods: unknown[];
  deployments: unknown[];
  statefulsets: unknown[];
  daemonsets: unknown[];
}

const ROUTES: Record<string, { key: keyof StandinCluster; kind: string; apiVersion: string; group: string }> = {
  '/api/v1/nodes': { key: 'nodes', kind: 'NodeList', apiVersion: 'v1', group: '' },
  '/api/v1/pods': { key: 'pods', kind: 'PodList', apiVersion: 'v1', group: '' },
  '/apis/apps/v1/deployments': { key: 'deployments', kind: 'DeploymentList', apiVersion: 'apps/v1', group: 'apps' },
  '/apis/apps/v1/statefulsets': { key: 'statefulsets', kind: 'StatefulSetList', apiVersion: 'apps/v1', group: 'apps' },
  '/apis/apps/v1/daemonsets': { key: 'daemonsets', kind: 'DaemonSetList', apiVersion: 'apps/v1', group: 'apps' },
};

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface KubeStandin {
  url: string;
  token: string;
  /** requests seen, as `path?query`. */
  requests: string[];
  setCluster(cluster: StandinCluster): void;
  /** forbid makes lists of a resource answer 403 as RBAC would for the ServiceAccount. */
  forbid(resource: keyof StandinCluster): void;
  /** expireNextContinue makes the next `n` requests that carry a continue token answer 410 Expired. */
  expireNextContinue(n: number): void;
  /** failNext makes the next `n` requests answer `status` (e.g. 503) with a Status body. */
  failNext(n: number, status: number): void;
  writeKubeconfig(path: string): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' })
    .end(JSON.stringify(body));
}

function status(
  code: number,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: extra.metadata ?? {},
    status: 'Failure',
    message,
    reason,
    ...(extra.details ? { details: extra.details } : {}),
    code,
  };
}

/** startKubeStandin listens on 127.0.0.1:`port` (0 = a free port) with a bearer token and serves `cluster`. */
export async function startKubeStandin(
  cluster: StandinCluster,
  options: { port?: number; token?: string; serviceAccount?: string } = {},
): Promise<KubeStandin> {
  let current = cluster;
  let resourceVersion = 1000;
  const forbidden = new Set<string>();
  let expire = 0;
  let failures = 0;
  let failStatus = 503;
  const token = options.token ?? 'standin-token';
  const user = options.serviceAccount ?? 'system:serviceaccount:openfaas-fn:installation-watch';
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    requests.push(`${url.pathname}${url.search}`);
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (failures > 0) {
      failures--;
      return send(
        res,
        failStatus,
        status(
          failStatus,
          failStatus === 503 ? 'ServiceUnavailable' : 'InternalError',
          failStatus === 503 ? 'the server is currently unable to handle the request' : 'Internal error occurred',
        ),
      );
    }
    const route = ROUTES[url.pathname];
    if (!route || req.method !== 'GET')
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (forbidden.has(route.key)) {
      const gr = route.group ? `${route.key}.${route.group}` : route.key;
      return send(
        res,
        403,
        status(
          403,
          'Forbidden',
          `${gr} is forbidden: User "${user}" cannot list resource "${route.key}" in API group "${route.group}" at the cluster scope`,
          { details: route.group ? { group: route.group, kind: route.key } : { kind: route.key } },
        ),
      );
    }
    const cont = url.searchParams.get('continue');
    let offset = 0;
    let rv = String(resourceVersion);
    if (cont) {
      if (expire > 0) {
        expire--;
        return send(res, 410, status(410, 'Expired', EXPIRED_MESSAGE, { metadata: { continue: 'c3RhbGU' } }));
      }
      const decoded = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { o: number; rv: string };
      offset = decoded.o;
      rv = decoded.rv;
    }
    const items = current[route.key];
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const end = limit > 0 ? Math.min(items.length, offset + limit) : items.length;
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (end < items.length) {
      metadata.continue = Buffer.from(JSON.stringify({ o: end, rv }), 'utf8').toString('base64url');
      metadata.remainingItemCount = items.length - end;
    }
    send(res, 200, { kind: route.kind, apiVersion: route.apiVersion, metadata, items: items.slice(offset, end) });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    requests,
    setCluster(next) {
      current = next;
      resourceVersion++;
    },
    forbid: (resource) => forbidden.add(resource),
    expireNextContinue: (n) => {
      expire = n;
    },
    failNext: (n, code) => {
      failures = n;
      failStatus = code;
    },
    writeKubeconfig(path) {
      // plain http needs skipTLSVerify: client-node refuses http otherwise (reference §0.2)
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'standin',
        clusters: [{ name: 'standin', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'installation-watch', user: { token } }],
        contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'installation-watch' } }],
      };
      writeFileSync(path, JSON.stringify(config, null, 2));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
