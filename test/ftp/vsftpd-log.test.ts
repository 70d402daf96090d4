// FTP auditing against a real server: Debian's vsftpd (installed by .ci/run) on 127.0.0.1 and a free port, real
// transfers with basic-ftp, then the xferlog and native log vsftpd itself wrote, parsed and audited.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  auditRecord,
  DEFAULT_RULES,
  parseFtpLog,
  type Finding,
  type FtpRecord,
  type SessionRecord,
  type TransferRecord,
} from '#lib/ftp/index.ts';
import { waitFor } from '../helpers/free-port.ts';
import { FTP_USER, startVsftpd, type RunningVsftpd } from '../helpers/vsftpd.ts';

const test = suite('ftp/vsftpd-log');
let server: RunningVsftpd;
const payload = Buffer.alloc(300_000, 'S');

async function connect(password = server.password): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port: server.port, user: FTP_USER, password, secure: false });
  return client;
}

async function parse(path: string): Promise<FtpRecord[]> {
  const out: FtpRecord[] = [];
  for await (const r of parseFtpLog(createReadStream(path), {
    server: 'ftp-test',
    zone: 'UTC',
    fileTime: DateTime.fromJSDate(statSync(path).mtime),
  }))
    out.push(r);
  return out;
}

test.before(async () => {
  server = await startVsftpd();
  // 1. a good upload, then its download
  const good = await connect();
  await good.uploadFrom(Readable.from([payload]), 'inbox/S3A delivery 001.bin');
  const chunks: Buffer[] = [];
  await good.downloadTo(
    new Writable({
      write(chunk, _e, done) {
        chunks.push(chunk);
        done();
      },
    }),
    'inbox/S3A delivery 001.bin',
  );
  assert.is(Buffer.concat(chunks).length, payload.length);
  good.close();
  // 2. a failed-login burst: six wrong passwords from the same address
  for (let i = 0; i < 6; i++) {
    const client = new Client(10_000);
    await client
      .access({ host: '127.0.0.1', port: server.port, user: FTP_USER, password: 'wrong', secure: false })
      .catch(() => undefined);
    client.close();
  }
  // 3. an upload cut off mid-way: the data connection is reset after the first chunk
  const cut = await connect();
  let sentFirst = false;
  const slow = new Readable({
    read() {
      if (sentFirst) {
        cut.ftp.dataSocket?.resetAndDestroy();
        return;
      }
      sentFirst = true;
      this.push(Buffer.alloc(64 * 1024, 'X'));
    },
  });
  await cut.uploadFrom(slow, 'inbox/cut-off.bin').catch(() => undefined);
  cut.close();
  await waitFor('vsftpd to log the cut-off upload', async () =>
    readFileSync(server.nativeLog, 'utf8').includes('cut-off.bin'),
  );
});

test.after(async () => {
  await server?.stop();
});

test('xferlog written by vsftpd :: the good upload and download, and the cut-off upload marked incomplete', async () => {
  const rs = await parse(server.xferlog);
  assert.equal(
    rs.filter((r) => r.kind === 'reject'),
    [],
  );
  const ts = rs as TransferRecord[];
  const good = ts.find((t) => t.direction === 'upload' && t.complete)!;
  assert.equal(
    [good.path, good.bytes, good.user, good.host, good.access, good.mode],
    ['/inbox/S3A_delivery_001.bin', 300_000, FTP_USER, '127.0.0.1', 'real', 'binary'],
  );
  assert.ok(ts.some((t) => t.direction === 'download' && t.bytes === 300_000));
  const cut = ts.find((t) => t.path.endsWith('cut-off.bin'))!;
  assert.is(cut.complete, false);
  assert.ok(cut.bytes < 1_000_000);
});

test('native log written by vsftpd :: connects, the six failed logins, the real file name with spaces', async () => {
  const rs = await parse(server.nativeLog);
  assert.equal(
    rs.filter((r) => r.kind === 'reject'),
    [],
  );
  const ss = rs.filter((r): r is SessionRecord => r.kind === 'session');
  assert.is(ss.filter((s) => s.event === 'login-fail' && s.user === FTP_USER).length, 6);
  assert.ok(ss.filter((s) => s.event === 'login-ok').length >= 2);
  assert.ok(ss.some((s) => s.event === 'connect'));
  const up = rs.find((r): r is TransferRecord => r.kind === 'transfer' && r.direction === 'upload' && r.complete)!;
  assert.is(up.path, '/inbox/S3A delivery 001.bin');
});

test('audit over the real logs :: one brute-force finding for 127.0.0.1 and the cut-off transfer', async () => {
  const findings: Finding[] = [];
  const memory = { failures: {} };
  for (const r of [...(await parse(server.nativeLog)), ...(await parse(server.xferlog))])
    if (r.kind !== 'reject') findings.push(...auditRecord(r, { ...DEFAULT_RULES, knownUsers: [FTP_USER] }, memory));
  const names = findings.map((f) => f.alertname);
  assert.is(names.filter((n) => n === 'FtpBruteForce').length, 1);
  assert.ok(names.includes('FtpTransferIncomplete'));
  assert.not.ok(names.includes('FtpUnknownUser'));
  assert.is(findings.find((f) => f.alertname === 'FtpBruteForce')!.host, '127.0.0.1');
});

test.run();
