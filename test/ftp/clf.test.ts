// The Common Log Format of ProFTPD's ExtendedLog and pure-ftpd's clf altlog: logs captured from the real servers
// (ProFTPD 1.3.8 and pure-ftpd 1.0.50, Debian 12 packages, run by scripts/fixtures/capture-ftp-logs.sh with the same
// FTP story as test/ftp/vsftpd-log.test.ts: uploads, a download, a rename, a delete, a STOR into a missing directory,
// six wrong passwords, an unknown user, root, an upload ended early (FIN) and one reset (RST)) and the public samples
// (fail2ban, OSSEC, CrowdSec).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFixture } from '../helpers/fixtures.ts';
import {
  auditCaptured,
  capturedLog,
  ftpParser,
  rejects,
  sessionEvents,
  sessions,
  transfers,
} from '../helpers/ftp-records.ts';

const test = suite('ftp/clf');
const all = ftpParser('2026-11-25T12:00:00Z');

test('proftpd ExtendedLog default (CLF, captured) :: transfers with their status, logins from PASS, no rejects', async () => {
  const rs = await all(capturedLog('proftpd-1.3.8__extended.log'));
  assert.equal(rejects(rs), []);
  assert.equal(
    transfers(rs).map((t) => [t.direction, t.path, t.bytes, t.complete]),
    [
      ['upload', 'S3A delivery 001.bin', 300000, true],
      ['upload', 'note.txt', 7, true],
      ['upload', 'empty.bin', 0, true],
      ['download', 'S3A delivery 001.bin', 300000, true],
      ['delete', 'note.txt', 7, true],
      ['upload', '/nosuchdir/x.txt', 0, false],
      ['upload', 'inbox/cut-fin.bin', 65536, true],
      ['upload', 'inbox/cut-rst.bin', 0, false],
    ],
  );
  assert.is(sessionEvents(rs, 'login-fail').length, 8);
  assert.is(sessionEvents(rs, 'login-ok').length, 3);
  assert.equal(
    sessions(rs)
      .filter((s) => s.event === 'rename')
      .map((s) => [s.path, s.reason]),
    [
      ['S3A delivery 001.bin', 'RNFR 350'],
      ['S3A renamed.bin', 'RNTO 250'],
    ],
  );
  assert.is(transfers(rs)[0]!.time, '2026-11-25T02:08:30Z');
  const findings = auditCaptured(rs);
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpTransferIncomplete').map((f) => f.path),
    ['/nosuchdir/x.txt', 'inbox/cut-rst.bin'],
  );
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpZeroByteUpload').map((f) => f.path),
    ['empty.bin'],
  );
  assert.is(findings.filter((f) => f.alertname === 'FtpBruteForce').length, 1);
});

test('CLF :: OSSEC pure-ftpd lines, Debian example without offset, offsets applied, bad dates and garbage rejected', async () => {
  const ossec = transfers(await all(readFixture('ftp', 'ossec-ossec-hids__decoder-xml-proftpd-pureftpd-examples.log')));
  assert.equal(
    ossec.map((t) => [t.host, t.direction, t.path, t.bytes, t.time]),
    [
      ['example.com', 'upload', '/ftpdrive/user1/FinalBackup.zip', 25268220, '2013-03-11T12:10:23Z'],
      ['example.com', 'download', '/ftpdrive/user1/FinalBackup.zip', 25268220, '2013-03-11T12:24:57Z'],
    ],
  );
  const debian = transfers(
    await all(readFixture('ftp', 'debian-pure-ftpd-conf__doc-altlog-clf-example.log'), { zone: 'Europe/Paris' }),
  );
  assert.equal(
    debian.map((t) => [t.user, t.time]),
    [['jedi', '2017-04-13T17:36:39Z']],
  );
  const rs = await all([
    '10.0.0.1 - u [25/Nov/2026:02:08:35 +0130] "PUT /a%20b" 200 1\n',
    '10.0.0.1 - u [31/Nov/2026:02:08:35 +0000] "PUT /x" 200 1\n',
    '10.0.0.1 - u [25/Nov/2026:02:08:35 +0000] "PUT /%E0%A4%A" 200 1\n',
  ]);
  assert.equal(
    transfers(rs).map((t) => [t.time, t.path]),
    [
      ['2026-11-25T00:38:35Z', '/a b'],
      ['2026-11-25T02:08:35Z', '/%E0%A4%A'],
    ],
  );
  assert.equal(
    rejects(rs).map((r) => [r.line, r.reason.split(':')[0]]),
    [[2, 'BAD_DATE']],
  );
  const strict = await all('not a clf line\n', { format: 'clf' });
  assert.equal(
    rejects(strict).map((r) => r.reason.split(':')[0]),
    ['NOT_CLF'],
  );
});

test.run();
