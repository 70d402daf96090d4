// Route selection cross-checked against Debian's amtool 0.25 (package prometheus-alertmanager): generated routing
// trees (matchers, match/match_re, PromQL-style lists, regexes, continue, inherited receivers) and generated label
// sets; `cmp-ops routes test` must print exactly what `amtool config routes test` prints, for every pair. Invalid
// configurations must be rejected by both. The generator is seeded: a failure names its seed and is reproducible.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig, matchRoutes } from '#lib/alerting/config/index.ts';
import { isOpsError } from '#lib/runtime/errors.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const exec = promisify(execFile);
const test = suite('alerting/routes vs amtool');
const dir = mkdtempSync(join(tmpdir(), 'amtool-'));

/** mulberry32: a small seeded PRNG so generated cases are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL: Record<string, string[]> = {
  severity: ['critical', 'warning', 'info'],
  subsystem: ['STS', 'DUTCH', 'CGCU', 'EGM', 'OMGS', 'CCS'],
  service: ['db', 'ftp', 'backup'],
  env: ['prod', 'staging'],
};
const NAMES = Object.keys(POOL);

function generate(seed: number): { yaml: string; labelSets: Array<Record<string, string>> } {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const matcher = (): { name: string; op: string; value: string } => {
    const name = pick(NAMES);
    const op = pick(['=', '=', '!=', '=~', '!~']);
    const values = POOL[name]!;
    let value: string;
    if (op === '=~' || op === '!~')
      value = pick([
        `${pick(values)}|${pick(values)}`,
        `${pick(values).slice(0, 1)}.*`,
        `(${pick(values)})`,
        `.*${pick(values).slice(-1)}`,
      ]);
    else value = rnd() < 0.1 ? '' : pick(values);
    return { name, op, value };
  };
  const route = (depth: number): Record<string, unknown> => {
    const node: Record<string, unknown> = {};
    const form = pick(['matchers', 'matchers', 'match', 'promql']);
    const ms = [matcher(), ...(rnd() < 0.3 ? [matcher()] : [])];
    if (form === 'match') {
      const eq = ms.filter((m) => m.op === '=');
      const re = ms.filter((m) => m.op === '=~');
      if (eq.length + re.length === 0) eq.push({ name: 'severity', op: '=', value: pick(POOL.severity!) });
      if (eq.length) node.match = Object.fromEntries(eq.map((m) => [m.name, m.value]));
      if (re.length) node.match_re = Object.fromEntries(re.map((m) => [m.name, m.value]));
    } else if (form === 'promql') node.matchers = [`{${ms.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}}`];
    else node.matchers = ms.map((m) => `${m.name}${m.op}"${m.value}"`);
    if (rnd() < 0.7) node.receiver = `r${Math.floor(rnd() * 5)}`;
    if (rnd() < 0.35) node.continue = true;
    if (depth < 3 && rnd() < 0.5)
      node.routes = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => route(depth + 1));
    return node;
  };
  const config = {
    route: {
      receiver: 'r0',
      group_by: ['alertname'],
      routes: Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => route(1)),
    },
    receivers: [0, 1, 2, 3, 4].map((i) => ({ name: `r${i}` })),
  };
  const yaml = stringify(config);
  const labelSets = Array.from({ length: 25 }, () => {
    const labels: Record<string, string> = { alertname: 'Generated' };
    for (const name of NAMES) if (rnd() < 0.75) labels[name] = pick(POOL[name]!);
    return labels;
  });
  return { yaml, labelSets };
}

async function amtoolRoutes(file: string, labels: Record<string, string>): Promise<string> {
  const { stdout } = await exec('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);
  return stdout.trim();
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

test('generated trees × label sets :: cmp-ops selects exactly the receivers amtool selects', async () => {
  const cases: Array<{ seed: number; file: string; labels: Record<string, string>; ours: string }> = [];
  for (let seed = 1; seed <= 40; seed++) {
    const { yaml, labelSets } = generate(seed);
    const file = join(dir, `gen-${seed}.yml`);
    writeFileSync(file, yaml);
    const config = loadAlertmanagerConfig(yaml, file);
    for (const labels of labelSets)
      cases.push({
        seed,
        file,
        labels,
        ours: matchRoutes(config.route, labels)
          .map((r) => r.receiver)
          .join(','),
      });
  }
  const disagreements: string[] = [];
  let agreed = 0;
  await pool(cases, 4, async (c) => {
    const theirs = await amtoolRoutes(c.file, c.labels);
    if (theirs === c.ours) agreed++;
    else disagreements.push(`seed ${c.seed} ${JSON.stringify(c.labels)}: amtool ${theirs} cmp-ops ${c.ours}`);
  });
  console.log(`      amtool agreement: ${agreed}/${cases.length} (40 generated configs × 25 label sets)`);
  assert.equal(disagreements.slice(0, 5), []);
  assert.is(agreed, 1000);
});

test('the official v0.25.0 example :: the CLI prints what amtool prints, and --verify.receivers fails the same way', async () => {
  const file = join(dir, 'simple.yml');
  writeFileSync(file, readFixture('alerts', 'prometheus-alertmanager__doc-examples-simple.v0.25.0.yml'));
  const sets: Array<Record<string, string>> = [
    { service: 'database', owner: 'team-X' },
    { service: 'files', severity: 'critical' },
    { service: 'database' },
    {},
    { service: 'foo1', severity: 'warning' },
  ];
  for (const labels of sets) {
    const ours = await runCliCaptured([
      'routes',
      'test',
      '--config',
      file,
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    assert.is(ours.out.trim(), await amtoolRoutes(file, labels), JSON.stringify(labels));
  }
  const verify = await runCliCaptured(['routes', 'test', '--config', file, '--verify.receivers', 'x', 'service=files']);
  assert.is(verify.code, 1);
  assert.match(verify.out, /WARNING: Expected receivers did not match resolved receivers\./);
});

test('export :: amtool rejects a file with the cmp_ops section, takes what routes export prints, and routes it the same', async () => {
  const yaml = `# ground segment routing
route:
  receiver: ops            # everything else
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
cmp_ops:
  users:
    alice: { receiver: pager }
  schedules:
    - name: ground
      time_zone: Europe/Paris
      layers:
        - { name: weekly, users: [alice], rotation: weekly, handover: '09:00', start: '2026-01-05' }
receivers:
  - name: ops
  - name: pager
`;
  const original = join(dir, 'with-cmp-ops.yml');
  writeFileSync(original, yaml);
  assert.is(
    await exec('amtool', ['check-config', original]).then(
      () => 0,
      (err: { code: number }) => err.code,
    ),
    1,
    'amtool rejects cmp_ops',
  );
  const exported = await runCliCaptured(['routes', 'export', '--config', original]);
  assert.is(exported.code, 0, exported.err);
  assert.not.match(exported.out, /cmp_ops|schedules/);
  assert.match(exported.out, /# everything else/, 'comments kept');
  const file = join(dir, 'exported.yml');
  writeFileSync(file, exported.out);
  await exec('amtool', ['check-config', file]);
  for (const labels of [
    { alertname: 'A', severity: 'critical' },
    { alertname: 'B', severity: 'info' },
  ]) {
    const ours = await runCliCaptured([
      'routes',
      'test',
      '--config',
      original,
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    assert.is(ours.out.trim(), await amtoolRoutes(file, labels), JSON.stringify(labels));
  }
});

const INVALID: Array<[string, string, RegExp]> = [
  [
    'unknown key',
    'route:\n  receiver: a\n  recevier: b\nreceivers:\n  - name: a\n',
    /line 3: field recevier not found/,
  ],
  [
    'bad regex',
    'route:\n  receiver: a\n  routes:\n    - matchers: [\'x=~"("\']\nreceivers:\n  - name: a\n',
    /line 4: error parsing regexp/,
  ],
  [
    'undefined receiver',
    'route:\n  receiver: a\n  routes:\n    - receiver: nope\nreceivers:\n  - name: a\n',
    /line 4: undefined receiver "nope" used in route/,
  ],
  [
    'ftp receiver URL',
    'route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: ftp://x/y\n',
    /line 6: unsupported scheme "ftp" for URL/,
  ],
  [
    'bad duration',
    'route:\n  receiver: a\n  group_wait: 10 minutes\nreceivers:\n  - name: a\n',
    /line 3: not a valid duration string/,
  ],
  [
    'root matchers',
    "route:\n  receiver: a\n  matchers: ['a=b']\nreceivers:\n  - name: a\n",
    /root route must not have any matchers/,
  ],
  [
    'undefined interval',
    'route:\n  receiver: a\n  routes:\n    - receiver: a\n      mute_time_intervals: [nights]\nreceivers:\n  - name: a\n',
    /line 5: undefined time interval "nights" used in route/,
  ],
  [
    'time range',
    "route:\n  receiver: a\ntime_intervals:\n  - name: n\n    time_intervals:\n      - times: [{start_time: '18:00', end_time: '08:00'}]\nreceivers:\n  - name: a\n",
    /start time cannot be equal or greater than end time/,
  ],
  ['invalid YAML', 'route:\n  receiver: [a\n', /line \d+/],
  ['duplicate receiver', 'route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n', /not unique/],
  [
    'email without smarthost',
    'route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@y\n',
    /no global SMTP smarthost set/,
  ],
];

for (const [what, yaml, message] of INVALID) {
  test(`rejects like Alertmanager :: ${what}`, async () => {
    const file = join(dir, `invalid-${what.replace(/\W+/g, '-')}.yml`);
    writeFileSync(file, yaml);
    const amtool = await exec('amtool', ['check-config', file]).then(
      () => 0,
      (err: { code: number }) => err.code,
    );
    assert.is(amtool, 1, `amtool accepts ${what}`);
    try {
      loadAlertmanagerConfig(yaml, file);
      assert.unreachable(`cmp-ops accepted ${what}`);
    } catch (err) {
      if (!isOpsError(err)) throw err;
      assert.is(err.code, 'ROUTING_INVALID');
      assert.match(err.message, message);
    }
  });
}

test.run();
