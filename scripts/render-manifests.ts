// render-manifests prints plain Kubernetes manifests for every stack.yml function, for clusters without faas-cli:
// one Deployment + Service per function in openfaas-fn, labelled `faas_function` so the OpenFaaS CE gateway
// (faas-netes) finds them, with the same image, environment, secrets, limits, annotations (cron schedule,
// ServiceAccount) that `faas-cli deploy` would set, and the pod hardening faas-cli leaves to the cluster.
// Usage: REGISTRY=registry.local:5000 TAG=0.1.0 npx tsx scripts/render-manifests.ts > rendered.yaml
//        kubectl apply -f k8s/ -f rendered.yaml
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

interface StackFn {
  image: string;
  environment?: Record<string, unknown>;
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  readonly_root_filesystem?: boolean;
  limits?: { memory?: string; cpu?: string };
  requests?: { memory?: string; cpu?: string };
}

/** expandEnv substitutes `${VAR:-default}` and `${VAR}` as faas-cli does in stack.yml. */
export function expandEnv(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => env[name] ?? fallback ?? '',
  );
}

/** renderManifests turns stack.yml into Deployment + Service objects (plain data, ready for YAML). */
export function renderManifests(
  stackText: string,
  env: Record<string, string | undefined>,
  namespace = 'openfaas-fn',
): Array<Record<string, unknown>> {
  const stack = parse(expandEnv(stackText, env)) as { functions: Record<string, StackFn> };
  const out: Array<Record<string, unknown>> = [];
  for (const [name, fn] of Object.entries(stack.functions)) {
    const labels = { faas_function: name, 'app.kubernetes.io/part-of': 'cmp-ops', ...(fn.labels ?? {}) };
    const annotations = fn.annotations ?? {};
    const serviceAccount = annotations['com.openfaas.serviceaccount'];
    const resources: Record<string, Record<string, string>> = {};
    if (fn.limits) resources.limits = { ...fn.limits };
    if (fn.requests) resources.requests = { ...fn.requests };
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels, annotations },
      spec: {
        replicas: Number(fn.labels?.['com.openfaas.scale.min'] ?? '1'),
        selector: { matchLabels: { faas_function: name } },
        template: {
          metadata: { labels, annotations },
          spec: {
            ...(serviceAccount
              ? { serviceAccountName: serviceAccount, automountServiceAccountToken: true }
              : { automountServiceAccountToken: false }),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              runAsGroup: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name,
                image: fn.image,
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                env: Object.entries(fn.environment ?? {}).map(([k, v]) => ({ name: k, value: String(v) })),
                resources,
                readinessProbe: { httpGet: { path: '/_/health', port: 8080 }, periodSeconds: 5, timeoutSeconds: 2 },
                livenessProbe: {
                  httpGet: { path: '/_/health', port: 8080 },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 6,
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: fn.readonly_root_filesystem !== false,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'secrets', mountPath: '/var/openfaas/secrets', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' }, // of-watchdog's lock file, as OpenFaaS mounts it for read-only roots
                ],
              },
            ],
            volumes: [
              { name: 'secrets', projected: { sources: (fn.secrets ?? []).map((s) => ({ secret: { name: s } })) } },
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ],
          },
        },
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { faas_function: name, 'app.kubernetes.io/part-of': 'cmp-ops' } },
      spec: {
        selector: { faas_function: name },
        ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
      },
    });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..');
  const docs = renderManifests(readFileSync(join(root, 'stack.yml'), 'utf8'), process.env);
  process.stdout.write(docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
}
