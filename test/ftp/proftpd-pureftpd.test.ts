// ProFTPD and pure-ftpd logs: the public samples (fail2ban, OSSEC, CrowdSec) and logs captured from the real
// servers (ProFTPD 1.3.8 and pure-ftpd 1.0.50, Debian 12 packages, run by scripts/fixtures/capture-ftp-logs.sh
// with the same FTP story as the vsftpd integration test: uploads, a download, a rename, a delete, a STOR into a
// missing directory, six wrong passwords, an unknown user, root, an upload ended early (FIN) and one reset (RST)).
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { auditRecord, DEFAULT_RULES, type Finding, type FtpLogFormat, type FtpRecord, type SessionRecord } from '#lib/ftp/index.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { ftpParser, rejects, sessions, transfers } from '../helpers/ftp-records.ts';

const test = suite('ftp/proftpd-pureftpd');
const all = ftpParser('2026-11-25T12:00:00Z');
const captured = (name: string) => readFixture('ftp', `captured/${name}`);
const events = (rs: FtpRecord[], event: SessionRecord['event']) => sessions(rs).filter((s) => s.event === event);
function audit(rs: FtpRecord[]): Finding[] {
  const memory = { failures: {} };
  return rs.flatMap((r) => (r.kind === 'reject' ? [] : auditRecord(r, { ...DEFAULT_RULES, knownUsers: ['vuser', 'cmpopscapture'] }, memory)));
}

test('proftpd SystemLog (captured) :: logins, failures by cause, sessions; the burst and the unknown user found', async () => {
  const rs = await all(captured('proftpd-1.3.8__proftpd.log'));
  assert.equal(rejects(rs), []);
  assert.ok(rs.every((r) => r.kind === 'session' && r.format === 'proftpd'));
  assert.equal(events(rs, 'login-ok').map((s) => s.user), ['vuser', 'vuser', 'vuser']);
  assert.equal(
    events(rs, 'login-fail').map((s) => [s.user, s.reason]),
    [...Array.from({ length: 6 }, () => ['vuser', 'Incorrect password']), ['mallory', 'no such user'], ['root', 'Root login attempted']],
  );
  assert.is(events(rs, 'connect').length, events(rs, 'disconnect').length);
  const first = sessions(rs)[0]!;
  assert.equal([first.event, first.host, first.reason], ['notice', '', '127.0.0.1: ProFTPD 1.3.8 (stable) (built Fri May 1 2026 20:02:15 UTC) standalone mode STARTUP']);
  assert.is(sessions(rs).find((s) => s.reason?.includes('aborting transfer'))?.ok, false);
  // the Debian file form carries milliseconds and local time: read in the source's zone
  assert.is(events(rs, 'login-ok')[0]!.time, '2026-11-25T02:08:29Z');
  const paris = await all(captured('proftpd-1.3.8__proftpd.log'), { zone: 'Europe/Paris' });
  assert.is(events(paris, 'login-ok')[0]!.time, '2026-11-25T01:08:29Z');
  const findings = audit(rs);
  assert.equal(findings.filter((f) => f.alertname === 'FtpBruteForce').map((f) => [f.host, f.line]), [['127.0.0.1', 20]]);
  assert.equal(findings.filter((f) => f.alertname === 'FtpUnknownUser').map((f) => f.user), ['mallory', 'root']);
});

test('proftpd SystemLog :: fail2ban test log — every failJSON line gives fail2ban\'s host and time', async () => {
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
  assert.equal(rejects(rs).filter((r) => !r.raw.startsWith('# failJSON')), []);
  // the injection line keeps the outer client (the one proftpd saw), not the injected one
  assert.is(byLine.get(12)!.host, '59.167.242.100');
});

test('proftpd SystemLog :: OSSEC and CrowdSec samples — timeouts, refusals, tcp wrapper lines, IPv6, undated lines', async () => {
  const ossec = await all(readFixture('ftp', 'ossec-ossec-hids__rules-log-entries-proftpd.log'));
  assert.equal(rejects(ossec), []);
  assert.equal(events(ossec, 'refused').map((s) => s.host), ['85.103.107.214', '85.102.240.252', '81.215.6.178', '81.215.6.178']);
  assert.equal(events(ossec, 'disconnect').filter((s) => !s.ok).map((s) => s.reason), [
    'FTP no transfer timeout, disconnected', 'FTP no transfer timeout, disconnected', 'FTP login timed out, disconnected', 'FTP login timed out, disconnected',
    'FTP session idle timeout, disconnected.', 'FTP session idle timeout, disconnected.', 'Data transfer stall timeout: 3600 seconds', 'Data transfer stall timeout: 3600 seconds',
  ]);
  assert.ok(events(ossec, 'connect').some((s) => s.host === '212.146.159.45'), 'tcp wrapper `connect from` names its client');
  assert.ok(sessions(ossec).filter((s) => s.reason?.startsWith('ProFTPD terminating')).every((s) => !s.ok));
  // `no such user 'x'` precedes the `USER x: no such user found` line of the same attempt: counted once
  const docs = await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-proftpd.log'));
  assert.is(events(docs, 'login-fail').filter((s) => s.user === 'guest').length, 5);
  const crowdsec = await all(readFixture('ftp', 'crowdsecurity-hub__tests-proftpd-logs.log'));
  assert.equal(events(crowdsec, 'login-fail').map((s) => s.host), ['192.168.1.142', '192.168.1.142', '1.1.1.1', '1.1.1.1', '2a02:8070:e186:16e1:1111:222:3333:b173']);
  const undated = rejects(await all(readFixture('ftp', 'ossec-ossec-hids__decoder-xml-proftpd-pureftpd-examples.log')));
  assert.equal(undated.map((r) => [r.line, r.reason.split(':')[0]]), Array.from({ length: 11 }, (_, i) => [i + 1, 'NO_DATE']));
});

test('proftpd SystemLog :: a line appended to the previous one without a newline is read as two', async () => {
  // ProFTPD 1.3.8 writes pre-fork messages without a newline (reference/ftp.md §3); built from two captured lines
  const [a, b] = captured('proftpd-1.3.8__proftpd.log').split('\n').slice(5, 7);
  const rs = await all(`${a}${b}\n`);
  assert.equal(sessions(rs).map((s) => [s.line, s.event]), [[1, 'disconnect'], [1, 'connect']]);
});

test('proftpd ExtendedLog default (CLF, captured) :: transfers with their status, logins from PASS, no rejects', async () => {
  const rs = await all(captured('proftpd-1.3.8__extended.log'));
  assert.equal(rejects(rs), []);
  assert.equal(transfers(rs).map((t) => [t.direction, t.path, t.bytes, t.complete]), [
    ['upload', 'S3A delivery 001.bin', 300000, true],
    ['upload', 'note.txt', 7, true],
    ['upload', 'empty.bin', 0, true],
    ['download', 'S3A delivery 001.bin', 300000, true],
    ['delete', 'note.txt', 7, true],
    ['upload', '/nosuchdir/x.txt', 0, false],
    ['upload', 'inbox/cut-fin.bin', 65536, true],
    ['upload', 'inbox/cut-rst.bin', 0, false],
  ]);
  assert.is(events(rs, 'login-fail').length, 8);
  assert.is(events(rs, 'login-ok').length, 3);
  assert.equal(sessions(rs).filter((s) => s.event === 'rename').map((s) => [s.path, s.reason]), [['S3A delivery 001.bin', 'RNFR 350'], ['S3A renamed.bin', 'RNTO 250']]);
  assert.is(transfers(rs)[0]!.time, '2026-11-25T02:08:30Z');
  const findings = audit(rs);
  assert.equal(findings.filter((f) => f.alertname === 'FtpTransferIncomplete').map((f) => f.path), ['/nosuchdir/x.txt', 'inbox/cut-rst.bin']);
  assert.equal(findings.filter((f) => f.alertname === 'FtpZeroByteUpload').map((f) => f.path), ['empty.bin']);
  assert.is(findings.filter((f) => f.alertname === 'FtpBruteForce').length, 1);
});

test('proftpd TransferLog (captured xferlog) :: spaces become `_`, the RST upload is `i`, the FIN one looks complete', async () => {
  const ts = transfers(await all(captured('proftpd-1.3.8__xferlog')));
  assert.equal(ts.map((t) => [t.direction, t.path.replace('<testdir>/home/inbox/', ''), t.bytes, t.complete]), [
    ['upload', 'S3A_delivery_001.bin', 300000, true],
    ['upload', 'note.txt', 7, true],
    ['upload', 'empty.bin', 0, true],
    ['download', 'S3A_delivery_001.bin', 300000, true],
    ['delete', 'note.txt', 7, true],
    ['upload', 'cut-fin.bin', 65536, true],
    ['upload', 'cut-rst.bin', 0, false],
  ]);
});

test('pure-ftpd syslog (captured through BusyBox syslogd) :: transfers, renames, deletes, failed logins per user', async () => {
  const rs = await all(captured('pure-ftpd-1.0.50__syslog.log'));
  assert.equal(rejects(rs), []);
  const run = rs.filter((r) => r.line <= 45);
  assert.equal(transfers(run).map((t) => [t.direction, t.path, t.bytes, t.complete, t.format]), [
    ['upload', '<testdir>/home/inbox/S3A delivery 001.bin', 300000, true, 'pure-ftpd'],
    ['upload', '<testdir>/home/inbox/note.txt', 7, true, 'pure-ftpd'],
    ['upload', '<testdir>/home/inbox/empty.bin', 0, true, 'pure-ftpd'],
    ['download', '<testdir>/home/inbox/S3A delivery 001.bin', 300000, true, 'pure-ftpd'],
    ['upload', '<testdir>/home/inbox/cut-fin.bin', 65536, true, 'pure-ftpd'],
    // the RST-aborted upload: pure-ftpd logs it as uploaded (it told the client 451)
    ['upload', '<testdir>/home/inbox/cut-rst.bin', 0, true, 'pure-ftpd'],
  ]);
  assert.equal(events(run, 'rename').map((s) => [s.path, s.to]), [['S3A delivery 001.bin', 'S3A renamed.bin']]);
  assert.equal(events(run, 'delete').map((s) => s.path), ['<testdir>/home/inbox/note.txt']);
  assert.equal(events(run, 'login-fail').map((s) => s.user), ['cmpopscapture', 'cmpopscapture', 'cmpopscapture', 'cmpopscapture', 'cmpopscapture', 'cmpopscapture', 'mallory', 'root']);
  assert.equal(sessions(run).filter((s) => !s.ok && s.event === 'notice').map((s) => s.reason), ["Can't create directory: File exists", "Can't open that file: No such file or directory"]);
  const upload = transfers(run)[0]!;
  assert.equal([upload.time, upload.seconds], ['2026-11-25T02:08:35Z', Math.round((300000 / 1024 / 44714.53) * 1000) / 1000]);
  const findings = audit(run);
  assert.equal(findings.filter((f) => f.alertname === 'FtpBruteForce').map((f) => f.line), [27]);
  assert.equal(findings.filter((f) => f.alertname === 'FtpZeroByteUpload').map((f) => f.path), ['<testdir>/home/inbox/empty.bin', '<testdir>/home/inbox/cut-rst.bin']);
});

test('pure-ftpd syslog :: CrowdSec and fail2ban samples, the tcp wrapper, and undated OSSEC lines rejected by line', async () => {
  const bf = await all(readFixture('ftp', 'crowdsecurity-hub__tests-pureftpd-bf.log'));
  assert.is(events(bf, 'login-fail').length, 15);
  assert.equal(events(bf, 'login-ok').map((s) => [s.user, s.host]), [['user@test.com', '172.21.10.2']]);
  assert.equal(audit(bf).filter((f) => f.alertname === 'FtpBruteForce').length, 3);
  const f2b = await all(readFixture('ftp', 'fail2ban-fail2ban__tests-logs-pure-ftpd.log'));
  assert.equal(events(f2b, 'login-fail').map((s) => [s.host, s.user, s.time.slice(5)]), [['24.79.92.194', 'Administrator', '01-31T16:54:07Z']]);
  const wrapper = await all('Nov 25 02:08:34 vm daemon.info pure-ftpd-wrapper[926]: connect from  192.168.20.10 (192.168.20.10)\n');
  assert.equal(sessions(wrapper).map((s) => [s.event, s.host]), [['connect', '192.168.20.10']]);
  const docs = rejects(await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-pureftpd.log')));
  assert.equal(docs.map((r) => r.reason.split(':')[0]), Array.from({ length: 11 }, () => 'NO_DATE'));
});

test('pure-ftpd altlogs (captured) :: clf, stats, w3c and xferlog give the same six transfers', async () => {
  const shape = (rs: FtpRecord[]) => transfers(rs).map((t) => [t.direction, t.path.replace('<testdir>/home/inbox/', '').replace(/_/g, ' '), t.bytes, t.complete, t.user]);
  const expected = [
    ['upload', 'S3A delivery 001.bin', 300000, true, 'cmpopscapture'],
    ['upload', 'note.txt', 7, true, 'cmpopscapture'],
    ['upload', 'empty.bin', 0, true, 'cmpopscapture'],
    ['download', 'S3A delivery 001.bin', 300000, true, 'cmpopscapture'],
    ['upload', 'cut-fin.bin', 65536, true, 'cmpopscapture'],
    ['upload', 'cut-rst.bin', 0, true, 'cmpopscapture'],
  ];
  const formats: Array<[string, FtpLogFormat, string]> = [['clf', 'clf', 'clf'], ['stats', 'stats', 'stats'], ['w3c', 'w3c', 'w3c'], ['xferlog', 'xferlog', 'xferlog']];
  for (const [file, format, label] of formats) {
    for (const f of ['auto', format] as FtpLogFormat[]) {
      const rs = await all(captured(`pure-ftpd-1.0.50__altlog-${file}.log`), { format: f });
      assert.equal(rejects(rs), [], `${file} as ${f}`);
      assert.equal(shape(rs), expected, `${file} as ${f}`);
      assert.ok(transfers(rs).every((t) => t.format === label), `${file} labelled ${label}`);
    }
  }
  // clf and w3c percent-encode the space; stats keeps it (the file is last); stats times are Unix seconds (GMT)
  assert.is(transfers(await all(captured('pure-ftpd-1.0.50__altlog-clf.log')))[0]!.path, '<testdir>/home/inbox/S3A delivery 001.bin');
  const stats = transfers(await all(captured('pure-ftpd-1.0.50__altlog-stats.log'), { zone: 'Asia/Tokyo' }));
  assert.equal([stats[0]!.time, stats[0]!.seconds], ['2026-11-25T02:09:16Z', 0]);
  const clf = transfers(await all(captured('pure-ftpd-1.0.50__altlog-clf.log'), { zone: 'Asia/Tokyo' }));
  assert.is(clf[0]!.time, '2026-11-25T02:08:35Z', 'the CLF offset wins over the source zone');
});

test('CLF :: OSSEC pure-ftpd lines, Debian example without offset, offsets applied, bad dates and garbage rejected', async () => {
  const ossec = transfers(await all(readFixture('ftp', 'ossec-ossec-hids__decoder-xml-proftpd-pureftpd-examples.log')));
  assert.equal(ossec.map((t) => [t.host, t.direction, t.path, t.bytes, t.time]), [
    ['example.com', 'upload', '/ftpdrive/user1/FinalBackup.zip', 25268220, '2013-03-11T12:10:23Z'],
    ['example.com', 'download', '/ftpdrive/user1/FinalBackup.zip', 25268220, '2013-03-11T12:24:57Z'],
  ]);
  const debian = transfers(await all(readFixture('ftp', 'debian-pure-ftpd-conf__doc-altlog-clf-example.log'), { zone: 'Europe/Paris' }));
  assert.equal(debian.map((t) => [t.user, t.time]), [['jedi', '2017-04-13T17:36:39Z']]);
  const rs = await all([
    '10.0.0.1 - u [25/Nov/2026:02:08:35 +0130] "PUT /a%20b" 200 1\n',
    '10.0.0.1 - u [31/Nov/2026:02:08:35 +0000] "PUT /x" 200 1\n',
    '10.0.0.1 - u [25/Nov/2026:02:08:35 +0000] "PUT /%E0%A4%A" 200 1\n',
  ]);
  assert.equal(transfers(rs).map((t) => [t.time, t.path]), [['2026-11-25T00:38:35Z', '/a b'], ['2026-11-25T02:08:35Z', '/%E0%A4%A']]);
  assert.equal(rejects(rs).map((r) => [r.line, r.reason.split(':')[0]]), [[2, 'BAD_DATE']]);
  const strict = await all('not a clf line\n', { format: 'clf' });
  assert.equal(rejects(strict).map((r) => r.reason.split(':')[0]), ['NOT_CLF']);
});

test('mixed :: ProFTPD, pure-ftpd and vsftpd lines in one file are each read by their own parser', async () => {
  const rs = await all([
    captured('proftpd-1.3.8__proftpd.log').split('\n')[4]!,
    '\n',
    captured('pure-ftpd-1.0.50__syslog.log').split('\n')[5]!,
    '\n',
    captured('proftpd-1.3.8__extended.log').split('\n')[14]!,
    '\n',
    'Wed Nov 25 02:08:30 2026 [pid 3] [vuser] OK LOGIN: Client "127.0.0.1"\n',
  ]);
  assert.equal(rs.map((r) => (r.kind === 'reject' ? r.reason : `${r.format}:${r.kind}`)), ['proftpd:session', 'pure-ftpd:transfer', 'clf:transfer', 'vsftpd:session']);
});

test('fuzz :: real ProFTPD/pure-ftpd lines cut and spliced with noise give records or rejects on their own line (fixed seed)', async () => {
  const real = ['proftpd-1.3.8__proftpd.log', 'proftpd-1.3.8__extended.log', 'pure-ftpd-1.0.50__syslog.log', 'pure-ftpd-1.0.50__altlog-stats.log', 'pure-ftpd-1.0.50__altlog-w3c.log']
    .flatMap((f) => captured(f).split('\n'))
    .filter((l) => l !== '');
  const mangled = fc.tuple(fc.constantFrom(...real), fc.nat(), fc.string(), fc.nat()).map(([line, cut, noise, at]) => {
    const head = line.slice(0, cut % (line.length + 1));
    const i = at % (head.length + 1);
    return `${head.slice(0, i)}${noise}${head.slice(i)}`;
  });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(mangled, fc.constantFrom(...real)), { minLength: 1, maxLength: 12 }), async (lines) => {
      const text = lines.join('\n').replace(/\r/g, '');
      const count = text.split('\n').length;
      for (const r of await all(text)) {
        assert.ok(['transfer', 'session', 'reject'].includes(r.kind));
        assert.ok(r.line >= 1 && r.line <= count, `line ${r.line} of ${count}`);
      }
    }),
    { seed: 20261125, numRuns: 400 },
  );
});

test.run();
