// Fingerprints are checked against the real thing: Debian's prometheus-alertmanager (0.25) started on a free port,
// fed the same alerts through POST /api/v2/alerts, and read back through GET /api/v2/alerts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fingerprintLabels } from '#lib/alerting/index.ts';
import { freePort, waitFor } from '../helpers/free-port.ts';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const test = suite('alerting/fingerprint');

const labelSets: Array<Record<string, string>> = [
  {
    alertname: 'ChecksumMismatch',
    severity: 'critical',
    subsystem: 'DUTCH',
    bucket: 'inbox',
    key: 'DUTCH/deliveries/ephemeris 2026-11-24.dat',
  },
  { alertname: 'BackupFailed', client: 'cgcu-db01', policy: 'CGCU_Oracle', severity: 'critical', subsystem: 'CGCU' },
  { alertname: 'A' },
  { alertname: 'Unicode', subsystem: 'FOS/ARPE', note: 'résumé — été ✓' },
  { alertname: 'Ordering', b: '1', a: '2', B: '3', _z: '4' },
  { alertname: 'EmptyValueDropped', empty: 'x', instance: 'host:9100' },
];

test('known answer :: the empty label set hashes to the FNV-1a offset basis', () => {
  assert.is(fingerprintLabels({}), 'cbf29ce484222325');
});

// the definition, written plainly with BigInt: the fast two-halves arithmetic must agree with it on any labels
function fnvReference(labels: Record<string, string>): string {
  let hash = 14695981039346656037n;
  const step = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * 1099511628211n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    for (const byte of Buffer.from(name)) step(byte);
    step(0xff);
    for (const byte of Buffer.from(labels[name]!)) step(byte);
    step(0xff);
  }
  return hash.toString(16).padStart(16, '0');
}

test('definition :: equals FNV-1a 64 computed with BigInt on any labels, non-ASCII names included (fixed seed)', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 24 }), {
        maxKeys: 8,
      }),
      (labels) => fingerprintLabels(labels) === fnvReference(labels),
    ),
    { seed: 20261201, numRuns: 2000 },
  );
});

test('annotations do not count :: same labels, same fingerprint', () => {
  assert.is(fingerprintLabels({ alertname: 'X', a: '1' }), fingerprintLabels({ a: '1', alertname: 'X' }));
});

test('agreement with Alertmanager :: every fingerprint equals the one prometheus-alertmanager computes', async () => {
  if (!existsSync(ALERTMANAGER))
    throw new Error(`${ALERTMANAGER} is missing: .ci/run installs the prometheus-alertmanager package`);
  const dir = mkdtempSync(join(tmpdir(), 'am-'));
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await freePort();
  const am: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor('alertmanager ready', async () => (await fetch(`${base}/-/ready`)).ok);
    const post = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(labelSets.map((labels) => ({ labels }))),
    });
    assert.is(post.status, 200);
    const stored = (await (await fetch(`${base}/api/v2/alerts`)).json()) as Array<{
      labels: Record<string, string>;
      fingerprint: string;
    }>;
    assert.is(stored.length, labelSets.length);
    for (const alert of stored)
      assert.is(fingerprintLabels(alert.labels), alert.fingerprint, JSON.stringify(alert.labels));
  } finally {
    // Alertmanager writes its snapshots on SIGTERM: remove its directory only once it has exited.
    await new Promise<void>((resolve) => {
      if (am.exitCode !== null || am.signalCode !== null) return resolve();
      am.once('exit', () => resolve());
      am.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
});

test.run();
