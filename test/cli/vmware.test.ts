// `cmp-ops vmware check` against the vCenter stand-in over HTTPS (no vCenter, and no simulator of the vSphere
// Automation REST API, can run here: scripts/local-stack/vcenter-standin.ts answers as VMware's API reference
// describes), with a CA made by openssl for the test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createTestCertificates,
  demoVcenter,
  DEMO_EXPECTATIONS,
  startVcenterStandin,
  type VcenterStandin,
} from '../../scripts/local-stack/vcenter-standin.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const test = suite('cli/vmware');
let dir: string;
let vcenter: VcenterStandin;
let base: string[];

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmp-ops-cli-vmware-'));
  const certs = createTestCertificates(join(dir, 'pki'));
  vcenter = await startVcenterStandin(demoVcenter(), { tls: { key: certs.key, cert: certs.cert }, dialects: ['rest'] });
  writeFileSync(join(dir, 'password'), `${vcenter.password}\n`);
  writeFileSync(join(dir, 'expect.yaml'), DEMO_EXPECTATIONS);
  base = [
    'vmware',
    'check',
    '--url',
    vcenter.url,
    '--user',
    vcenter.username,
    '--password-file',
    'password',
    '--ca',
    certs.caFile,
  ];
});
test.after(async () => {
  await vcenter.close();
  rmSync(dir, { recursive: true, force: true });
});

test('check :: inventory summary then the findings as JSON lines, exit 1', async () => {
  const r = await runCliCaptured([...base, '--expect', 'expect.yaml'], { cwd: dir });
  assert.is(r.code, 1, r.err);
  const [summary, ...findings] = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(summary, {
    kind: 'Inventory',
    vcenter: '127.0.0.1',
    dialect: 'rest',
    vms: { total: 5, POWERED_ON: 4, POWERED_OFF: 1 },
    hosts: { total: 2, CONNECTED: 2 },
    datastores: { total: 2, capacityBytes: 6144 * 1024 ** 3, freeBytes: 1930 * 1024 ** 3 },
  });
  assert.equal(
    findings.map((f) => `${f.kind} ${f.severity} ${f.subsystem} ${JSON.stringify(f.labels)}`),
    ['VMNotRunning critical EGM {"vm":"egm-archive-01"}', 'DatastoreLow critical EGM {"datastore":"ds-egm-01"}'],
  );
  assert.is(vcenter.openSessions, 0);
});

test('check :: --format text prints a table; nothing expected and roomy datastores is exit 0', async () => {
  const text = await runCliCaptured([...base, '--expect', 'expect.yaml', '--format', 'text'], { cwd: dir });
  assert.match(text.out, /^127\.0\.0\.1 \(rest\): 5 VMs \(4 on\), 2 hosts \(2 connected\), 2 datastores\n/);
  assert.match(text.out, /critical\s+VMNotRunning\s+EGM\s+egm-archive-01\s+VM egm-archive-01 is POWERED_OFF/);
  assert.match(text.out, /2 finding\(s\)\n$/);
  writeFileSync(join(dir, 'relaxed.yaml'), 'datastores: { minFreePercent: 1 }\n');
  const clean = await runCliCaptured([...base, '--expect', 'relaxed.yaml'], { cwd: dir });
  assert.is(clean.code, 0, clean.out + clean.err);
});

test('check :: bad usage, a bad expectations line, refused credentials and an untrusted certificate are exit 2', async () => {
  assert.is((await runCliCaptured(['vmware', 'check', '--url', vcenter.url], { cwd: dir })).code, 2);
  writeFileSync(join(dir, 'bad.yaml'), 'expected:\n  EGM: 3\n');
  const bad = await runCliCaptured([...base, '--expect', 'bad.yaml'], { cwd: dir });
  assert.is(bad.code, 2);
  assert.match(bad.err, /bad\.yaml:2: \/expected\/EGM must be array/);
  writeFileSync(join(dir, 'wrong'), 'not-the-password\n');
  const refused = await runCliCaptured([...base.slice(0, 7), 'wrong', ...base.slice(8)], { cwd: dir });
  assert.is(refused.code, 2);
  assert.match(refused.err, /VSPHERE_AUTH: vCenter answered 401 UNAUTHENTICATED to the login/);
  assert.not.match(refused.err, /not-the-password/);
  const untrusted = await runCliCaptured(base.slice(0, 8), { cwd: dir });
  assert.is(untrusted.code, 2);
  assert.match(untrusted.err, /VSPHERE_TLS/);
});

test.run();
