// The whole path on Ceph RGW, events delivered by RGW itself: the local stack with S3_BACKEND=rgw on the shared RGW
// of this test process (booted once, killed by PID at exit), its topics and bucket notifications created by the
// production setup from config/triggers.json (persistent topics, the endpoint URL carrying each function's event
// token: RGW sends no authorization header). Files are uploaded through the S3 API; RGW POSTs its own record (raw
// keys) to the gateway; notifications reach a real HTTP listener. NetBackup, FTP and alert-router keep their state
// in RGW here too. Needs `npm run build` first. Skipped, with the reason printed, only when Ceph is not installed.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventTokenFor, EVENT_TOKEN_PARAM, Secret } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/stack.ts';
import { waitFor } from '../helpers/free-port.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';
import { rgwAvailable, sharedRgw } from '../helpers/rgw.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/local-stack-rgw');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let stack: LocalStack;
let listener: TestListener;
let dataDir: string;
// A persistent topic's first event can take ~30 s (RGW re-reads its queue list every 30 s); later ones ~0.1 s.
const FIRST_EVENT_MS = Number(process.env.RGW_FIRST_EVENT_MS ?? 90_000);
const notificationLines = () => readNotifications(stack.notificationsFile);
const verdictOf = async (key: string) =>
  (await stack.store.getTags('inbox', key).catch(() => ({}) as Record<string, string>))['cmp-ops-verdict'];

if (rgwAvailable('test/e2e/local-stack-rgw.test.ts')) {
  test.before(async () => {
    if (!existsSync(join(root, 'dist', 'functions', 'checksum-verify.mjs')))
      throw new Error('run `npm run build` before the tests (dist/ is missing)');
    const rgw = await sharedRgw();
    listener = await startListener();
    dataDir = mkdtempSync(join(tmpdir(), 'cmp-ops-e2e-rgw-'));
    stack = await startLocalStack({
      root,
      dataDir,
      s3Backend: 'rgw',
      rgw,
      // non-persistent topics push during the PUT (~10 ms); persistent ones (the production default) first wait for
      // RGW's 30 s queue-list re-read, which on this shared 2-core machine took over a minute
      rgwPersistent: false,
      // five function processes: on a loaded machine their start takes longer than the default 15 s
      startTimeoutMs: 60_000,
      s3Port: rgw.port,
      gatewayPort: 0,
      accessKey: rgw.accessKey,
      secretKey: rgw.secretKey,
      seedDemo: false,
      timers: false,
      only: ['checksum-verify', 'alert-router', 'netbackup-status', 'ftp-audit', 'integrity-sweep'],
      functionEnv: {
        'alert-router': { WEBHOOK_RECEIVERS: JSON.stringify([{ name: 'on-call', url: `${listener.url}/alerts` }]) },
        'checksum-verify': { SUBSYSTEM_MAP: JSON.stringify({ 'STS/': 'STS', 'DUTCH/': 'DUTCH' }) },
        'integrity-sweep': {
          SWEEP_TARGETS: JSON.stringify([{ bucket: 'inbox', prefix: 'STS/' }]),
          SUBSYSTEM_MAP: JSON.stringify({ 'STS/': 'STS' }),
        },
      },
      log: () => undefined,
    });
  });

  test.after(async () => {
    await stack?.stop();
    await listener?.close();
    if (dataDir && !process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  });

  test('arrival :: a good and a corrupted delivery (key with `+`) → verdict tags, state in RGW, exactly one notification', async () => {
    const good = Buffer.from('good telemetry\n'.repeat(5000));
    const sent = Buffer.from('ephemeris as sent\n'.repeat(3000));
    const corrupted = Buffer.concat([sent.subarray(0, 100), Buffer.from('X'), sent.subarray(101)]);
    const badKey = 'DUTCH/2026-12-03/eph a+b ü.dat';
    await stack.store.put('inbox', 'STS/2026-12-03/good.bin', good);
    await stack.store.put('inbox', 'STS/2026-12-03/good.bin.sha256', `${sha(good)}  good.bin\n`);
    await stack.store.put('inbox', `${badKey}.sha256`, `${sha(sent)}  eph a+b ü.dat\n`);
    const putAt = Date.now();
    await stack.store.put('inbox', badKey, corrupted);
    await waitFor('the notification', async () => listener.requests.length > 0, FIRST_EVENT_MS);
    const latencyMs = Date.now() - putAt;
    await waitFor(
      'the good verdict',
      async () => (await verdictOf('STS/2026-12-03/good.bin')) === 'ok',
      FIRST_EVENT_MS,
    );
    process.stdout.write(
      `\n  RGW e2e: object PUT → notification at the receiver in ${latencyMs} ms (non-persistent topic)\n`,
    );

    assert.is(await verdictOf(badKey), 'mismatch');
    const state = createStateStore(stack.store, 'cmp-ops-state');
    const bad = await state.read<{ verdict: string; expected: string; actual: string }>(`verdicts/inbox/${badKey}`);
    assert.equal([bad?.value.verdict, bad?.value.expected, bad?.value.actual], ['mismatch', sha(sent), sha(corrupted)]);
    await stack.settled();
    assert.is(listener.requests.length, 1, 'exactly one notification at the receiver');
    const payload = JSON.parse(listener.requests[0]!.body);
    assert.equal(
      payload.alerts.map((a: { labels: Record<string, string> }) => [
        a.labels.alertname,
        a.labels.subsystem,
        a.labels.key,
      ]),
      [['ChecksumMismatch', 'DUTCH', badKey]],
    );
    assert.is(notificationLines().length, 1);
  });

  test('warm topic :: the next corrupted delivery is pushed by RGW too', async () => {
    const key = 'DUTCH/2026-12-03/second.dat';
    await stack.store.put('inbox', `${key}.sha256`, `${sha('right')}  second.dat\n`);
    const putAt = Date.now();
    await stack.store.put('inbox', key, 'wrong');
    await waitFor('the second notification', async () => listener.requests.length > 1, FIRST_EVENT_MS);
    process.stdout.write(`  RGW e2e: object PUT → notification in ${Date.now() - putAt} ms (second event)\n`);
    assert.is(await verdictOf(key), 'mismatch');
  });

  test("redelivery and authentication :: RGW's record again adds nothing; the URL token opens only its own function", async () => {
    const key = 'DUTCH/2026-12-03/eph a+b ü.dat';
    const info = (await stack.store.stat('inbox', key))!;
    const record = JSON.parse(
      readFileSync(join(root, 'test', 'fixtures', 'rgw', 'ceph-16.2.15-objectcreated-put.json'), 'utf8'),
    );
    Object.assign(record.Records[0].s3.bucket, { name: 'inbox' });
    Object.assign(record.Records[0].s3.object, { key, size: info.size, eTag: info.etag });
    const post = (fn: string, tokenFor: string | null) =>
      fetch(
        `${stack.gatewayUrl}/function/${fn}${tokenFor ? `?${EVENT_TOKEN_PARAM}=${eventTokenFor(new Secret(stack.token), tokenFor)}` : ''}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record) },
      );
    const before = listener.requests.length;
    const again = await post('checksum-verify', 'checksum-verify');
    assert.is(again.status, 200);
    assert.is(((await again.json()) as { results: Array<{ verdict: string }> }).results[0].verdict, 'mismatch');
    await stack.settled();
    assert.is(listener.requests.length, before, 'a redelivery adds no notification');
    assert.is((await post('checksum-verify', null)).status, 401);
    assert.is((await post('checksum-verify', 'netbackup-status')).status, 401, "another function's token is refused");
  });

  test('netbackup on RGW :: a report uploaded to reports/netbackup/ → one BackupFailed; its cursor state lives in RGW', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    const before = notificationLines().length;
    await stack.store.put(
      'reports',
      'netbackup/nbmaster01/report-rgw.txt',
      allColumnsLine({
        jobid: 8001,
        client: 'cgcu-db01',
        policy: 'CGCU_Oracle',
        status: 58,
        started: t0,
        ended: t0 + 60,
      }),
    );
    await waitFor('the BackupFailed notification', async () => notificationLines().length > before, FIRST_EVENT_MS);
    await stack.settled();
    const added = notificationLines().slice(before);
    assert.equal(
      added.flatMap((n) => n.alerts.map((a: { labels: Record<string, string> }) => a.labels.alertname)),
      ['BackupFailed'],
    );
    const stateKeys: string[] = [];
    for await (const item of stack.store.list('cmp-ops-state', '')) stateKeys.push(item.key);
    assert.ok(
      stateKeys.some((k) => k.includes('netbackup')),
      `netbackup state in RGW: ${stateKeys.join(', ')}`,
    );
  });

  test('ftp on RGW :: a vsftpd log uploaded to reports/ftp/ → one FtpBruteForce notification', async () => {
    const now = new Date();
    const stamp = (s: number) => {
      const d = new Date(now.getTime() - 3600_000 + s * 1000);
      return d
        .toLocaleString('en-US', {
          timeZone: 'Europe/Paris',
          weekday: 'short',
          month: 'short',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          year: 'numeric',
          hourCycle: 'h23',
        })
        .replace(
          /^(\w+), (\w+) (\d+), (\d+), (.*)$/,
          (_, w, m, d2, y, t) => `${w} ${m} ${String(Number(d2)).padStart(2, ' ')} ${t} ${y}`,
        );
    };
    const before = notificationLines().length;
    await stack.store.put(
      'reports',
      'ftp/ftp1/vsftpd.log',
      [1, 2, 3, 4, 5].map((s) => `${stamp(s)} [pid 9] [root] FAIL LOGIN: Client "10.6.6.6"`).join('\n') + '\n',
    );
    await waitFor('the FtpBruteForce notification', async () => notificationLines().length > before, FIRST_EVENT_MS);
    await stack.settled();
    assert.equal(
      notificationLines()
        .slice(before)
        .flatMap((n) => n.alerts.map((a: { labels: Record<string, string> }) => a.labels.alertname)),
      ['FtpBruteForce'],
    );
  });

  test('integrity sweep on RGW :: an object removed behind the verifier is found missing; the report is stored in RGW', async () => {
    await stack.store.remove('inbox', 'STS/2026-12-03/good.bin');
    const res = await fetch(`${stack.gatewayUrl}/function/integrity-sweep`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
      body: '{}',
    });
    const report = (await res.json()) as { status: string; runId: string; counts: Record<string, number> };
    assert.is(res.status, 200);
    assert.is(report.status, 'complete');
    assert.equal(report.counts, { missing: 1, modified: 0, unverified: 0, 'stale-pending': 0 });
    const stored = await createStateStore(stack.store, 'cmp-ops-state').read<{ counts: unknown }>(
      `sweep/reports/${report.runId}.json`,
    );
    assert.equal(stored?.value.counts, report.counts);
    await stack.settled();
    const drift = notificationLines().flatMap((n) =>
      n.alerts.map((a: { labels: Record<string, string> }) => `${a.labels.alertname}:${a.labels.drift ?? ''}`),
    );
    assert.ok(drift.includes('IntegrityDrift:missing'), drift.join(', '));
  });
}

test.run();
