// stack.yml against faas-cli's rules and our own coherence rules, so a typo fails CI rather than a deployment night.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCron } from '#lib/triggers/index.ts';

const root = join(import.meta.dirname, '..', '..');
const test = suite('deploy/stack');
type Fn = {
  lang: string;
  handler: string;
  image: string;
  build_args?: Record<string, string>;
  environment?: Record<string, unknown>;
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  readonly_root_filesystem?: boolean;
  limits?: { memory?: string };
};
const stack = parse(readFileSync(join(root, 'stack.yml'), 'utf8')) as {
  version: unknown;
  provider: { name: string };
  functions: Record<string, Fn>;
};
const functions = Object.entries(stack.functions);
const secretTemplates = parseAllDocuments(readFileSync(join(root, 'k8s', 'secrets.template.yaml'), 'utf8')).map(
  (d) => (d.toJS() as { metadata: { name: string } }).metadata.name,
);
const seconds = (value: unknown): number => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(value));
  if (!m || (!m[1] && !m[2])) throw new Error(`not a Go duration: ${value}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
};

test('stack :: version 1.0, provider openfaas, within OpenFaaS CE’s 15 functions', () => {
  assert.is(String(stack.version), '1');
  assert.is(stack.provider.name, 'openfaas');
  assert.ok(functions.length >= 1 && functions.length <= 15);
});

for (const [name, fn] of functions) {
  test(`function ${name} :: DNS-1035 name, built from the one Dockerfile with its own bundle`, () => {
    assert.match(name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    assert.is(fn.lang, 'dockerfile');
    assert.is(fn.build_args?.FUNCTION, name);
    assert.ok(existsSync(join(root, 'functions', name, 'index.ts')), `functions/${name}/index.ts`);
    assert.match(fn.image, new RegExp(`cmp-ops-${name}:`));
  });

  test(`function ${name} :: timeouts coherent — deadline < exec_timeout <= read/write timeouts`, () => {
    const env = fn.environment ?? {};
    const exec = seconds(env.exec_timeout);
    assert.ok(seconds(env.read_timeout) >= exec && seconds(env.write_timeout) >= exec);
    assert.ok(
      Number(env.REQUEST_DEADLINE_MS) < exec * 1000,
      'the request deadline must fire before the watchdog kills the call',
    );
  });

  test(`function ${name} :: secrets all have templates; read-only root; scale labels; limits`, () => {
    for (const secret of fn.secrets ?? [])
      assert.ok(secretTemplates.includes(secret), `k8s/secrets.template.yaml lacks ${secret}`);
    assert.ok((fn.secrets ?? []).includes('cmp-ops-invoke-token'));
    assert.is(fn.readonly_root_filesystem, true);
    assert.ok(Number(fn.labels?.['com.openfaas.scale.min']) >= 1 && Number(fn.labels?.['com.openfaas.scale.max']) <= 5);
    assert.match(String(fn.limits?.memory), /^\d+Mi$/);
  });

  if (fn.annotations?.topic === 'cron-function') {
    test(`function ${name} :: cron schedule is 5 fields (the CE cron-connector has no seconds, zones or multi-schedules)`, () => {
      parseCron(fn.annotations!.schedule!);
      assert.not.match(fn.annotations!.schedule!, /;|TZ=/);
    });
  }
}

test('single writers :: functions that keep one state record per source run one replica, one call at a time', () => {
  for (const name of ['netbackup-status', 'ftp-audit', 'installation-watch']) {
    const fn = stack.functions[name];
    if (!fn) continue;
    assert.is(fn.labels?.['com.openfaas.scale.max'], '1', name);
    assert.is(String(fn.environment?.max_inflight), '1', name);
  }
});

test('alert-router pair :: two replicas only with HA_MODE on (each its own state), one call at a time each', () => {
  const fn = stack.functions['alert-router']!;
  assert.is(fn.labels?.['com.openfaas.scale.max'], '2');
  assert.is(fn.environment?.HA_MODE, 'on', 'two replicas without HA_MODE would overwrite each other');
  assert.is(String(fn.environment?.max_inflight), '1');
  // every function that raises alerts sends them to both replicas, not to one through the gateway
  for (const [name, f] of Object.entries(stack.functions))
    if (f.environment?.ALERT_ROUTER_PEERS !== undefined)
      assert.match(String(f.environment.ALERT_ROUTER_PEERS), /^http:\/\/alert-router-peers\.openfaas-fn\.svc/, name);
});

test.run();
