import * as k8s from '@kubernetes/client-node';
import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import type { ClusterSnapshot, KubeReader } from './objects.ts';

/**
 * The Kubernetes API adapter over @kubernetes/client-node 1.4 (2.x needs Node ≥ 22.19; reference kubernetes.md §0).
 * Every list is paged (`limit` + `continue`); a 410 Expired continue token restarts that list from the beginning,
 * as the API server's message suggests for a consistent result.
 */

/** loadKubeConfig reads $KUBECONFIG when given, else the in-cluster ServiceAccount (token re-read on rotation). */
export function loadKubeConfig(kubeconfigPath: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromCluster();
  return kc;
}

interface Page<T> {
  items: T[];
  metadata?: { _continue?: string; resourceVersion?: string };
}

type Lister<T> = (params: { limit: number; _continue?: string }, options: k8s.ConfigurationOptions) => Promise<Page<T>>;

/** withSignal is the per-call deadline: client-node takes Observable middleware only (reference §7). */
function withSignal(signal: AbortSignal): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (ctx: k8s.RequestContext) => {
          ctx.setSignal(signal);
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (response: k8s.ResponseContext) => new k8s.Observable(Promise.resolve(response)),
      },
    ],
  } as unknown as k8s.ConfigurationOptions;
}

/** Resource names one list call, for error messages that say which permission is missing. */
interface Resource {
  resource: string;
  group: string;
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    return (JSON.parse(body) as { message?: string }).message;
  } catch {
    return undefined;
  }
}

/** kubeError maps a client-node failure to the catalog: 401, 403 (naming the permission), 5xx/transport → 503. */
export function kubeError(err: unknown, what: Resource): OpsError {
  const code = (err as { code?: unknown }).code;
  if (err instanceof k8s.ApiException || (typeof code === 'number' && 'body' in (err as object))) {
    const status = code as number;
    const message = statusMessage((err as { body?: unknown }).body);
    if (status === 401)
      return opsError(
        'KUBE_UNAUTHORIZED',
        `the Kubernetes API answered 401 Unauthorized listing ${what.resource}: the ServiceAccount token or KUBECONFIG credentials are not accepted`,
      );
    if (status === 403) {
      const m = message ? /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"/.exec(message) : null;
      const permission = m
        ? `${m[1]} ${m[2]} (API group "${m[3]}")`
        : `list ${what.resource} (API group "${what.group}")`;
      return opsError(
        'KUBE_FORBIDDEN',
        `the Kubernetes API forbade ${permission}: add it to the installation-watch ClusterRole (k8s/rbac.yaml)`,
        [{ field: permission, reason: message ?? 'Forbidden' }],
      );
    }
    if (status === 429 || status >= 500)
      return opsError(
        'KUBE_UNAVAILABLE',
        `the Kubernetes API answered ${status} listing ${what.resource}${message ? `: ${message}` : ''}`,
        [],
        { retryable: true },
      );
    return opsError(
      'UPSTREAM_REJECTED',
      `the Kubernetes API answered ${status} listing ${what.resource}${message ? `: ${message}` : ''}`,
    );
  }
  const name = (err as Error).name;
  if (name === 'AbortError' || name === 'TimeoutError')
    return opsError('DEADLINE_EXCEEDED', `listing ${what.resource} ran out of time`, [], {
      cause: err,
      retryable: true,
    });
  return opsError(
    'KUBE_UNAVAILABLE',
    `the Kubernetes API is unreachable listing ${what.resource}: ${(err as Error).message}`,
    [],
    { cause: err, retryable: true },
  );
}

const MAX_RESTARTS = 3;

/** listAll reads every page of one list, restarting on 410 Expired (at most three times). */
export async function listAll<T>(list: Lister<T>, what: Resource, pageSize: number, signal: AbortSignal): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await list(
          token ? { limit: pageSize, _continue: token } : { limit: pageSize },
          withSignal(signal),
        );
        items.push(...page.items);
        token = page.metadata?._continue || undefined;
      } while (token);
      return items;
    } catch (err) {
      if ((err as { code?: unknown }).code === 410 && attempt < MAX_RESTARTS) continue;
      throw kubeError(err, what);
    }
  }
}

/** createKubeReader lists nodes, pods and workloads across the cluster (or the given namespaces' objects later). */
export function createKubeReader(
  kc: k8s.KubeConfig,
  options: { pageSize?: number; timeoutMs?: number } = {},
): KubeReader {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const pageSize = options.pageSize ?? 500;
  return {
    async snapshot(signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      const s = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const [nodes, pods, deployments, statefulsets, daemonsets] = await Promise.all([
        listAll((p, o) => core.listNode(p, o), { resource: 'nodes', group: '' }, pageSize, s),
        listAll((p, o) => core.listPodForAllNamespaces(p, o), { resource: 'pods', group: '' }, pageSize, s),
        listAll(
          (p, o) => apps.listDeploymentForAllNamespaces(p, o),
          { resource: 'deployments', group: 'apps' },
          pageSize,
          s,
        ),
        listAll(
          (p, o) => apps.listStatefulSetForAllNamespaces(p, o),
          { resource: 'statefulsets', group: 'apps' },
          pageSize,
          s,
        ),
        listAll(
          (p, o) => apps.listDaemonSetForAllNamespaces(p, o),
          { resource: 'daemonsets', group: 'apps' },
          pageSize,
          s,
        ),
      ]);
      return { nodes, pods, deployments, statefulsets, daemonsets } as ClusterSnapshot;
    },
  };
}
