// ProFTPD's SystemLog and TransferLog, and ProFTPD lines mixed with others in one file: logs captured from the real
// servers (ProFTPD 1.3.8 and pure-ftpd 1.0.50, Debian 12 packages, run by scripts/fixtures/capture-ftp-logs.sh with the
// same FTP story as test/ftp/vsftpd-log.test.ts: uploads, a download, a rename, a delete, a STOR into a missing
// directory, six wrong passwords, an unknown user, root, an upload ended early (FIN) and one reset (RST)) and the
// public samples (fail2ban, OSSEC, CrowdSec).

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

const test = suite('ftp/proftpd-log');
const all = ftpParser('2026-11-25T12:00:00Z');

test('proftpd SystemLog (captured) :: logins, failures by cause, sessions; the burst and the unknown user found', async () => {
  const rs = await all(capturedLog('proftpd-1.3.8__proftpd.log'));
  assert.equal(rejects(rs), []);
  assert.ok(rs.every((r) => r.kind === 'session' && r.format === 'proftpd'));
  assert.equal(
    sessionEvents(rs, 'login-ok').map((s) => s.user),
    ['vuser', 'vuser', 'vuser'],
  );
  assert.equal(
    sessionEvents(rs, 'login-fail').map((s) => [s.user, s.reason]),
    [
      ...Array.from({ length: 6 }, () => ['vuser', 'Incorrect password']),
      ['mallory', 'no such user'],
      ['root', 'Root login attempted'],
    ],
  );
  assert.is(sessionEvents(rs, 'connect').length, sessionEvents(rs, 'disconnect').length);
  const first = sessions(rs)[0]!;
  assert.equal(
    [first.event, first.host, first.reason],
    ['notice', '', '127.0.0.1: ProFTPD 1.3.8 (stable) (built Fri May 1 2026 20:02:15 UTC) standalone mode STARTUP'],
  );
  assert.is(sessions(rs).find((s) => s.reason?.includes('aborting transfer'))?.ok, false);
  // the Debian file form carries milliseconds and local time: read in the source's zone
  assert.is(sessionEvents(rs, 'login-ok')[0]!.time, '2026-11-25T02:08:29Z');
  const paris = await all(capturedLog('proftpd-1.3.8__proftpd.log'), { zone: 'Europe/Paris' });
  assert.is(sessionEvents(paris, 'login-ok')[0]!.time, '2026-11-25T01:08:29Z');
  const findings = auditCaptured(rs);
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpBruteForce').map((f) => [f.host, f.line]),
    [['127.0.0.1', 20]],
  );
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpUnknownUser').map((f) => f.user),
    ['mallory', 'root'],
  );
});

test("proftpd SystemLog :: fail2ban test log — every failJSON line gives fail2ban's host and time", async () => {
  const text = readFixture('ftp', 'fail2ban-fail2ban__tests-logs-proftpd.log');
  const lines = text.split('\n');
  const rs = await all(text);
  const byLine = new Map(sessions(rs).map((s) => [s.line, s]));
  let checked = 0;
  lines.forEach((l, i) => {
    const m = /^# failJSON: (.*)$/.exec(l);
    if (!m) return;
    const expected = JSON.parse(m[1]!) as { time: string; host: string; user?: string };
    const record = byLine.get(i + 2);
    assert.ok(record, `line ${i + 2} parsed`);
    assert.is(record!.host, expected.host, `host of line ${i + 2}`);
    assert.ok(record!.event === 'login-fail' || record!.event === 'refused', `line ${i + 2} is a failure`);
    // fail2ban pins the year of its syslog samples; the month, day and time must agree
    assert.is(record!.time.slice(5, 19), expected.time.slice(5, 19), `time of line ${i + 2}`);
    // `SECURITY VIOLATION: Root login attempted` names the root account whatever its case (fail2ban keeps `Root`)
    if (expected.user) assert.is(record!.user?.toLowerCase(), expected.user.toLowerCase());
    checked++;
  });
  assert.is(checked, 10);
  assert.equal(
    rejects(rs).filter((r) => !r.raw.startsWith('# failJSON')),
    [],
  );
  // the injection line keeps the outer client (the one proftpd saw), not the injected one
  assert.is(byLine.get(12)!.host, '59.167.242.100');
});

test('proftpd SystemLog :: OSSEC and CrowdSec samples — timeouts, refusals, tcp wrapper lines, IPv6, undated lines', async () => {
  const ossec = await all(readFixture('ftp', 'ossec-ossec-hids__rules-log-entries-proftpd.log'));
  assert.equal(rejects(ossec), []);
  assert.equal(
    sessionEvents(ossec, 'refused').map((s) => s.host),
    ['85.103.107.214', '85.102.240.252', '81.215.6.178', '81.215.6.178'],
  );
  assert.equal(
    sessionEvents(ossec, 'disconnect')
      .filter((s) => !s.ok)
      .map((s) => s.reason),
    [
      'FTP no transfer timeout, disconnected',
      'FTP no transfer timeout, disconnected',
      'FTP login timed out, disconnected',
      'FTP login timed out, disconnected',
      'FTP session idle timeout, disconnected.',
      'FTP session idle timeout, disconnected.',
      'Data transfer stall timeout: 3600 seconds',
      'Data transfer stall timeout: 3600 seconds',
    ],
  );
  assert.ok(
    sessionEvents(ossec, 'connect').some((s) => s.host === '212.146.159.45'),
    'tcp wrapper `connect from` names its client',
  );
  assert.ok(
    sessions(ossec)
      .filter((s) => s.reason?.startsWith('ProFTPD terminating'))
      .every((s) => !s.ok),
  );
  // `no such user 'x'` precedes the `USER x: no such user found` line of the same attempt: counted once
  const docs = await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-proftpd.log'));
  assert.is(sessionEvents(docs, 'login-fail').filter((s) => s.user === 'guest').length, 5);
  const crowdsec = await all(readFixture('ftp', 'crowdsecurity-hub__tests-proftpd-logs.log'));
  assert.equal(
    sessionEvents(crowdsec, 'login-fail').map((s) => s.host),
    ['192.168.1.142', '192.168.1.142', '1.1.1.1', '1.1.1.1', '2a02:8070:e186:16e1:1111:222:3333:b173'],
  );
  const undated = rejects(await all(readFixture('ftp', 'ossec-ossec-hids__decoder-xml-proftpd-pureftpd-examples.log')));
  assert.equal(
    undated.map((r) => [r.line, r.reason.split(':')[0]]),
    Array.from({ length: 11 }, (_, i) => [i + 1, 'NO_DATE']),
  );
});

test('proftpd SystemLog :: a line appended to the previous one without a newline is read as two', async () => {
  // ProFTPD 1.3.8 writes pre-fork messages without a newline (reference/ftp.md §3); built from two captured lines
  const [a, b] = capturedLog('proftpd-1.3.8__proftpd.log').split('\n').slice(5, 7);
  const rs = await all(`${a}${b}\n`);
  assert.equal(
    sessions(rs).map((s) => [s.line, s.event]),
    [
      [1, 'disconnect'],
      [1, 'connect'],
    ],
  );
});

test('proftpd TransferLog (captured xferlog) :: spaces become `_`, the RST upload is `i`, the FIN one looks complete', async () => {
  const ts = transfers(await all(capturedLog('proftpd-1.3.8__xferlog')));
  assert.equal(
    ts.map((t) => [t.direction, t.path.replace('<testdir>/home/inbox/', ''), t.bytes, t.complete]),
    [
      ['upload', 'S3A_delivery_001.bin', 300000, true],
      ['upload', 'note.txt', 7, true],
      ['upload', 'empty.bin', 0, true],
      ['download', 'S3A_delivery_001.bin', 300000, true],
      ['delete', 'note.txt', 7, true],
      ['upload', 'cut-fin.bin', 65536, true],
      ['upload', 'cut-rst.bin', 0, false],
    ],
  );
});

test('mixed :: ProFTPD, pure-ftpd and vsftpd lines in one file are each read by their own parser', async () => {
  const rs = await all([
    capturedLog('proftpd-1.3.8__proftpd.log').split('\n')[4]!,
    '\n',
    capturedLog('pure-ftpd-1.0.50__syslog.log').split('\n')[5]!,
    '\n',
    capturedLog('proftpd-1.3.8__extended.log').split('\n')[14]!,
    '\n',
    'Wed Nov 25 02:08:30 2026 [pid 3] [vuser] OK LOGIN: Client "127.0.0.1"\n',
  ]);
  assert.equal(
    rs.map((r) => (r.kind === 'reject' ? r.reason : `${r.format}:${r.kind}`)),
    ['proftpd:session', 'pure-ftpd:transfer', 'clf:transfer', 'vsftpd:session'],
  );
});

test.run();
