// Every Kubernetes manifest in k8s/ and every manifest scripts/render-manifests.ts produces, validated against the
// Kubernetes schemas (kubernetes-models), plus the policy the deployment promises: non-root, read-only root,
// dropped capabilities; installation-watch reads and nothing else; the routing ConfigMap passes amtool.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderManifests } from '../../scripts/render-manifests.ts';

const root = join(import.meta.dirname, '..', '..');
const test = suite('deploy/manifests');
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
};

const files = readdirSync(join(root, 'k8s')).filter((f) => f.endsWith('.yaml'));
const fromFiles: Array<{ file: string; doc: Manifest }> = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(root, 'k8s', file), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return { file, doc: d.toJS() as Manifest };
  }),
);
const rendered = renderManifests(readFileSync(join(root, 'stack.yml'), 'utf8'), {
  REGISTRY: 'registry.local:5000',
  TAG: '0.1.0',
}) as Manifest[];

async function validate(doc: Manifest): Promise<void> {
  const path = doc.apiVersion === 'v1' ? 'kubernetes-models/v1' : `kubernetes-models/${doc.apiVersion}`;
  const mod = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[doc.kind];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  const { apiVersion: _a, kind: _k, ...rest } = doc; // the constructor fills them (reference kubernetes.md §10)
  new Model(rest).validate();
}

test('k8s/*.yaml :: every document validates against the Kubernetes schema', async () => {
  assert.ok(fromFiles.length >= 15, `${fromFiles.length} documents`);
  for (const { file, doc } of fromFiles) {
    try {
      await validate(doc);
    } catch (err) {
      throw new Error(`${file} ${doc.kind}/${doc.metadata?.name}: ${(err as Error).message}`);
    }
  }
});

test('schema validation catches a typo (a string where the schema wants an integer)', async () => {
  const broken = structuredClone(rendered[0]!) as Manifest & { spec: { replicas: unknown } };
  broken.spec.replicas = 'one';
  let failed = false;
  try {
    await validate(broken);
  } catch {
    failed = true;
  }
  assert.ok(failed);
});

test('render :: one Deployment + Service per stack.yml function, valid, found by the gateway (faas_function)', async () => {
  const deployments = rendered.filter((d) => d.kind === 'Deployment');
  assert.is(deployments.length, rendered.filter((d) => d.kind === 'Service').length);
  assert.ok(deployments.some((d) => d.metadata.name === 'installation-watch'));
  for (const doc of rendered) await validate(doc);
  const watch = deployments.find((d) => d.metadata.name === 'installation-watch') as unknown as {
    spec: { template: { spec: { serviceAccountName: string; containers: Array<{ image: string }> } } };
  };
  assert.is(watch.spec.template.spec.serviceAccountName, 'installation-watch');
  assert.is(watch.spec.template.spec.containers[0]!.image, 'registry.local:5000/cmp-ops-installation-watch:0.1.0');
});

test('pods :: non-root, read-only root filesystem, no privilege escalation, ALL capabilities dropped', () => {
  const podSpecs = [...fromFiles.map((f) => f.doc), ...rendered]
    .filter((d) => d.kind === 'Deployment' || d.kind === 'Job')
    .map(
      (d) =>
        [
          d.metadata.name,
          (
            d as unknown as {
              spec: {
                template: {
                  spec: {
                    securityContext: Record<string, unknown>;
                    containers: Array<{ securityContext: Record<string, unknown> }>;
                  };
                };
              };
            }
          ).spec.template.spec,
        ] as const,
    );
  assert.ok(podSpecs.length >= 8);
  for (const [name, spec] of podSpecs) {
    assert.is(spec.securityContext.runAsNonRoot, true, name);
    for (const c of spec.containers) {
      assert.is(c.securityContext.readOnlyRootFilesystem, true, name);
      assert.is(c.securityContext.allowPrivilegeEscalation, false, name);
      assert.equal((c.securityContext.capabilities as { drop: string[] }).drop, ['ALL'], name);
    }
  }
});

test('rbac :: installation-watch may only get/list/watch nodes, pods, events and the workload kinds', () => {
  const role = fromFiles.find((f) => f.doc.kind === 'ClusterRole')!.doc as unknown as {
    rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  };
  const granted = role.rules
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g || 'core'}/${res}`))),
    )
    .sort();
  const expected = ['nodes', 'pods', 'events']
    .map((r) => `core/${r}`)
    .concat(['deployments', 'statefulsets', 'daemonsets'].map((r) => `apps/${r}`))
    .flatMap((r) => ['get', 'list', 'watch'].map((v) => `${v} ${r}`))
    .sort();
  assert.equal(granted, expected);
  const binding = fromFiles.find((f) => f.doc.kind === 'ClusterRoleBinding')!.doc as unknown as {
    subjects: Array<{ name: string; namespace: string }>;
  };
  assert.equal(binding.subjects, [{ kind: 'ServiceAccount', name: 'installation-watch', namespace: 'openfaas-fn' }]);
});

test('network :: default deny covers every stack.yml function; installation-watch egress is the API server only', () => {
  const deny = fromFiles.find((f) => f.doc.metadata.name === 'cmp-ops-default-deny')!.doc as unknown as {
    spec: { podSelector: { matchExpressions: Array<{ values: string[] }> }; policyTypes: string[] };
  };
  const names = rendered
    .filter((d) => d.kind === 'Deployment')
    .map((d) => d.metadata.name)
    .sort();
  assert.equal([...deny.spec.podSelector.matchExpressions[0]!.values].sort(), names);
  assert.equal(deny.spec.policyTypes, ['Ingress', 'Egress']);
  const watch = fromFiles.find((f) => f.doc.metadata.name === 'installation-watch-to-apiserver')!.doc as unknown as {
    spec: { egress: Array<{ ports: Array<{ port: number }> }> };
  };
  assert.equal(
    watch.spec.egress.flatMap((e) => e.ports.map((p) => p.port)),
    [6443, 443],
  );
});

test('routing ConfigMap :: its alertmanager.yml passes Debian amtool check-config', () => {
  const cm = fromFiles.find((f) => f.doc.kind === 'ConfigMap' && f.doc.metadata.name === 'cmp-ops-routing')!
    .doc as unknown as { data: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  writeFileSync(join(dir, 'alertmanager.yml'), cm.data['alertmanager.yml']!);
  const out = execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')], { encoding: 'utf8' });
  assert.match(out, /SUCCESS/);
});

test.run();
