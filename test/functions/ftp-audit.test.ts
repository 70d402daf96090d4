// ftp-audit's edge behind the real runtime server, logs and state in a real S3-protocol server (s3rver).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/index.ts';
import { minioWebhookBody } from '#lib/events/index.ts';
import { fixedClock } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createHandler } from '../../functions/ftp-audit/handler.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { serveHandler, TEST_TOKEN } from '../helpers/serve-handler.ts';

const test = suite('functions/ftp-audit');
let s3: TestS3;
const sent: Alert[][] = [];
const sink: AlertSink = { send: async (alerts) => void (alerts.length && sent.push(alerts)) };
const clock = fixedClock('2026-11-24T10:30:00Z');
const config = {
  FTP_SOURCES: [{ prefix: 'ftp/ftp1/', server: 'ftp1', zone: 'UTC' }],
  FTP_RULES: { failedLogins: { count: 3, windowMinutes: 10 } },
  FTP_PATH_MAPPINGS: [{ server: 'ftp1', pathPrefix: '/inbox/', bucket: 'inbox', keyPrefix: 'FTP/' }],
  FTP_RECONCILE_DEADLINE_MINUTES: 60,
  FTP_DEFAULT_ZONE: 'UTC',
} as never;
const handler = () =>
  createHandler({ config, store: s3.store, state: createStateStore(s3.store, 'cmp-ops-state'), alerts: sink });
const xfer = (time: string, bytes: number, path: string, status = 'c') =>
  `Tue Nov 24 ${time} 2026 1 10.0.0.5 ${bytes} ${path} b _ i r sts ftp 0 * ${status}\n`;
const fail = (time: string) => `Tue Nov 24 ${time} 2026 [pid 7] [sts] FAIL LOGIN: Client "10.6.6.6"\n`;
const names = () => sent.flat().map((a) => a.labels.alertname);
async function deliver(server: Awaited<ReturnType<typeof serveHandler>>, key: string) {
  const info = (await s3.store.stat('reports', key))!;
  return server.call(
    minioWebhookBody({ eventName: 's3:ObjectCreated:Put', info, eventTime: new Date(), accessKey: 'k' }),
  );
}

test.before(async () => {
  s3 = await startTestS3();
});
test.after(async () => {
  await s3.close();
});

test('log object :: findings raised once; the grown log is read from its cursor; a partial last line waits', async () => {
  const server = await serveHandler(handler(), { clock });
  const v1 = fail('10:00:01') + fail('10:00:02') + fail('10:00:03') + xfer('10:01:00', 0, '/inbox/empty.bin');
  await s3.store.put('reports', 'ftp/ftp1/vsftpd.log', v1);
  const first = await deliver(server, 'ftp/ftp1/vsftpd.log');
  assert.is(first.status, 200);
  assert.equal(names().sort(), ['FtpBruteForce', 'FtpZeroByteUpload']);
  const again = await deliver(server, 'ftp/ftp1/vsftpd.log');
  assert.ok(again.body.results[0].upToDate);
  const v2 = `${v1}${xfer('10:02:00', 500, '/inbox/cut.bin', 'i')}Tue Nov 24 10:03:00 2026 1 10.0.0.5 9`;
  await s3.store.put('reports', 'ftp/ftp1/vsftpd.log', v2);
  const grown = await deliver(server, 'ftp/ftp1/vsftpd.log');
  assert.is(grown.body.results[0].fromOffset, Buffer.byteLength(v1));
  assert.is(grown.body.results[0].transfers, 1, 'only the new complete line; the partial one waits');
  assert.equal(names().sort(), ['FtpBruteForce', 'FtpTransferIncomplete', 'FtpZeroByteUpload']);
  await server.close();
});

test('rotation :: a log shorter than the cursor is read from the start; nothing already raised comes back', async () => {
  const server = await serveHandler(handler(), { clock });
  const before = sent.length;
  await s3.store.put(
    'reports',
    'ftp/ftp1/vsftpd.log',
    xfer('10:05:00', 1000, '/inbox/STS/ok.bin') +
      xfer('10:05:30', 2000, '/inbox/STS/missing.bin') +
      xfer('10:06:00', 3000, '/inbox/STS/short.bin') +
      xfer('10:07:00', 4000, '/inbox/STS/unverified.bin'),
  );
  const r = await deliver(server, 'ftp/ftp1/vsftpd.log');
  assert.is(r.body.results[0].fromOffset, 0);
  assert.is(r.body.results[0].pending, 4);
  assert.is(sent.length, before);
  await server.close();
});

test('reconciliation :: within the deadline nothing; past it, not landed / size mismatch / unverified; ok verified', async () => {
  const server = await serveHandler(handler(), { clock });
  await s3.store.put('inbox', 'FTP/STS/ok.bin', Buffer.alloc(1000));
  await s3.store.setTags('inbox', 'FTP/STS/ok.bin', { 'cmp-ops-verdict': 'ok' });
  await s3.store.put('inbox', 'FTP/STS/short.bin', Buffer.alloc(2999));
  await s3.store.put('inbox', 'FTP/STS/unverified.bin', Buffer.alloc(4000));
  await s3.store.setTags('inbox', 'FTP/STS/unverified.bin', { 'cmp-ops-verdict': 'pending' });
  const tick = () =>
    fetch(server.url, { method: 'POST', headers: { 'x-topic': 'cron-function' } }).then(
      (r) =>
        r.json() as Promise<{
          results: Array<{ verified: number; stillPending: number; findings: Array<{ alertname: string }> }>;
        }>,
    );
  const early = await tick();
  assert.equal(
    [early.results[0]!.verified, early.results[0]!.stillPending, early.results[0]!.findings.length],
    [1, 3, 0],
  );
  clock.set('2026-11-24T12:00:00Z');
  const late = await tick();
  assert.equal(late.results[0]!.findings.map((f) => f.alertname).sort(), [
    'TransferNotLanded',
    'TransferSizeMismatch',
    'TransferUnverified',
  ]);
  const repeat = await tick();
  assert.equal(repeat.results[0]!.findings, [], 'overdue uploads are raised once');
  await server.close();
});

test('bad input :: a posted log without ?server is 400 naming the field; binary garbage is rejected by line, the rest audited', async () => {
  const server = await serveHandler(handler(), { clock });
  const post = (query: string, body: string) =>
    fetch(`${server.url}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const missing = await post('', 'x');
  assert.is(missing.status, 400);
  assert.is(missing.body.error.details[0].field, 'server');
  const mixed = await post('?server=ftp2', `\u0000\u0001garbage\n${xfer('10:10:00', 0, '/inbox/z.bin')}`);
  assert.is(mixed.status, 200);
  assert.equal(
    mixed.body.rejects.map((r: { line: number }) => r.line),
    [1],
  );
  assert.equal(
    mixed.body.findings.map((f: { alertname: string }) => f.alertname),
    ['FtpZeroByteUpload'],
  );
  await server.close();
});

test('bad input :: a body with no recognisable line (1 MB of random bytes) is 400 UNKNOWN_FORMAT naming line 1, nothing stored', async () => {
  const server = await serveHandler(handler(), { clock });
  let seed = 0x2f6b_1d3a;
  const bytes = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  const r = await fetch(`${server.url}?server=ftp9`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  const body = (await r.json()) as { error: { code: string; details: Array<{ line: number }> } };
  assert.is(r.status, 400);
  assert.is(body.error.code, 'UNKNOWN_FORMAT');
  assert.is(body.error.details[0]!.line, 1);
  assert.is(await createStateStore(s3.store, 'cmp-ops-state').read('ftp/state/ftp9.json'), null);
  await server.close();
});

const badServers: Array<[string, string]> = [
  ['traversal with a NUL', '../../%00x'],
  ['a slash', 'ftp1/../x'],
  ['a space', 'ftp%201'],
  ['a dot-dot name', '..'],
];
for (const [variant, query] of badServers) {
  test(`bad input :: a server name that cannot be a state key is 400 naming the field :: ${variant}`, async () => {
    const server = await serveHandler(handler(), { clock });
    const r = await fetch(`${server.url}?server=${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
      body: xfer('10:10:00', 10, '/inbox/y.bin'),
    });
    const body = (await r.json()) as { error: { code: string; details: Array<{ field: string }> } };
    assert.is(r.status, 400);
    assert.is(body.error.code, 'BAD_REQUEST');
    assert.is(body.error.details[0]!.field, 'server');
    const keys: string[] = [];
    for await (const key of createStateStore(s3.store, 'cmp-ops-state').list('ftp/')) keys.push(key);
    assert.ok(
      keys.every((k) => /^ftp\/(state|cursor)\/[\w./-]+$/.test(k) && !k.includes('..')),
      keys.join(', '),
    );
    await server.close();
  });
}

test('bad input :: a log object in no known format is reported with its line and read once; an unknown ?zone is 400 naming the field', async () => {
  const server = await serveHandler(handler(), { clock });
  await s3.store.put('reports', 'ftp/ftp1/garbage.log', 'not a log line\nnor this one\n');
  const first = await deliver(server, 'ftp/ftp1/garbage.log');
  assert.is(first.status, 200);
  assert.equal(first.body.results[0].unknownFormat.line, 1);
  const again = await deliver(server, 'ftp/ftp1/garbage.log');
  assert.ok(again.body.results[0].upToDate, 'the cursor moved past the unreadable log');
  const r = await fetch(`${server.url}?server=ftp1&zone=Mars/Olympus`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
    body: xfer('10:10:00', 10, '/inbox/y.bin'),
  });
  assert.is(r.status, 400);
  assert.is(((await r.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]!.field, 'zone');
  await server.close();
});

test.run();
