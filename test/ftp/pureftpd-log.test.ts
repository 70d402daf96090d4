// pure-ftpd's syslog lines and altlogs, and a fuzz over real ProFTPD and pure-ftpd lines: logs captured from the real
// servers (ProFTPD 1.3.8 and pure-ftpd 1.0.50, Debian 12 packages, run by scripts/fixtures/capture-ftp-logs.sh with the
// same FTP story as test/ftp/vsftpd-log.test.ts: uploads, a download, a rename, a delete, a STOR into a missing
// directory, six wrong passwords, an unknown user, root, an upload ended early (FIN) and one reset (RST)) and the
// public samples (fail2ban, OSSEC, CrowdSec).
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FtpLogFormat, FtpRecord } from '#lib/ftp/index.ts';
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

const test = suite('ftp/pureftpd-log');
const all = ftpParser('2026-11-25T12:00:00Z');

test('pure-ftpd syslog (captured through BusyBox syslogd) :: transfers, renames, deletes, failed logins per user', async () => {
  const rs = await all(capturedLog('pure-ftpd-1.0.50__syslog.log'));
  assert.equal(rejects(rs), []);
  const run = rs.filter((r) => r.line <= 45);
  assert.equal(
    transfers(run).map((t) => [t.direction, t.path, t.bytes, t.complete, t.format]),
    [
      ['upload', '<testdir>/home/inbox/S3A delivery 001.bin', 300000, true, 'pure-ftpd'],
      ['upload', '<testdir>/home/inbox/note.txt', 7, true, 'pure-ftpd'],
      ['upload', '<testdir>/home/inbox/empty.bin', 0, true, 'pure-ftpd'],
      ['download', '<testdir>/home/inbox/S3A delivery 001.bin', 300000, true, 'pure-ftpd'],
      ['upload', '<testdir>/home/inbox/cut-fin.bin', 65536, true, 'pure-ftpd'],
      // the RST-aborted upload: pure-ftpd logs it as uploaded (it told the client 451)
      ['upload', '<testdir>/home/inbox/cut-rst.bin', 0, true, 'pure-ftpd'],
    ],
  );
  assert.equal(
    sessionEvents(run, 'rename').map((s) => [s.path, s.to]),
    [['S3A delivery 001.bin', 'S3A renamed.bin']],
  );
  assert.equal(
    sessionEvents(run, 'delete').map((s) => s.path),
    ['<testdir>/home/inbox/note.txt'],
  );
  assert.equal(
    sessionEvents(run, 'login-fail').map((s) => s.user),
    [
      'cmpopscapture',
      'cmpopscapture',
      'cmpopscapture',
      'cmpopscapture',
      'cmpopscapture',
      'cmpopscapture',
      'mallory',
      'root',
    ],
  );
  assert.equal(
    sessions(run)
      .filter((s) => !s.ok && s.event === 'notice')
      .map((s) => s.reason),
    ["Can't create directory: File exists", "Can't open that file: No such file or directory"],
  );
  const upload = transfers(run)[0]!;
  assert.equal(
    [upload.time, upload.seconds],
    ['2026-11-25T02:08:35Z', Math.round((300000 / 1024 / 44714.53) * 1000) / 1000],
  );
  const findings = auditCaptured(run);
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpBruteForce').map((f) => f.line),
    [27],
  );
  assert.equal(
    findings.filter((f) => f.alertname === 'FtpZeroByteUpload').map((f) => f.path),
    ['<testdir>/home/inbox/empty.bin', '<testdir>/home/inbox/cut-rst.bin'],
  );
});

test('pure-ftpd syslog :: CrowdSec and fail2ban samples, the tcp wrapper, and undated OSSEC lines rejected by line', async () => {
  const bf = await all(readFixture('ftp', 'crowdsecurity-hub__tests-pureftpd-bf.log'));
  assert.is(sessionEvents(bf, 'login-fail').length, 15);
  assert.equal(
    sessionEvents(bf, 'login-ok').map((s) => [s.user, s.host]),
    [['user@test.com', '172.21.10.2']],
  );
  assert.equal(auditCaptured(bf).filter((f) => f.alertname === 'FtpBruteForce').length, 3);
  const f2b = await all(readFixture('ftp', 'fail2ban-fail2ban__tests-logs-pure-ftpd.log'));
  assert.equal(
    sessionEvents(f2b, 'login-fail').map((s) => [s.host, s.user, s.time.slice(5)]),
    [['24.79.92.194', 'Administrator', '01-31T16:54:07Z']],
  );
  const wrapper = await all(
    'Nov 25 02:08:34 vm daemon.info pure-ftpd-wrapper[926]: connect from  192.168.20.10 (192.168.20.10)\n',
  );
  assert.equal(
    sessions(wrapper).map((s) => [s.event, s.host]),
    [['connect', '192.168.20.10']],
  );
  const docs = rejects(await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-pureftpd.log')));
  assert.equal(
    docs.map((r) => r.reason.split(':')[0]),
    Array.from({ length: 11 }, () => 'NO_DATE'),
  );
});

test('pure-ftpd altlogs (captured) :: clf, stats, w3c and xferlog give the same six transfers', async () => {
  const shape = (rs: FtpRecord[]) =>
    transfers(rs).map((t) => [
      t.direction,
      t.path.replace('<testdir>/home/inbox/', '').replace(/_/g, ' '),
      t.bytes,
      t.complete,
      t.user,
    ]);
  const expected = [
    ['upload', 'S3A delivery 001.bin', 300000, true, 'cmpopscapture'],
    ['upload', 'note.txt', 7, true, 'cmpopscapture'],
    ['upload', 'empty.bin', 0, true, 'cmpopscapture'],
    ['download', 'S3A delivery 001.bin', 300000, true, 'cmpopscapture'],
    ['upload', 'cut-fin.bin', 65536, true, 'cmpopscapture'],
    ['upload', 'cut-rst.bin', 0, true, 'cmpopscapture'],
  ];
  const formats: Array<[string, FtpLogFormat, string]> = [
    ['clf', 'clf', 'clf'],
    ['stats', 'stats', 'stats'],
    ['w3c', 'w3c', 'w3c'],
    ['xferlog', 'xferlog', 'xferlog'],
  ];
  for (const [file, format, label] of formats) {
    for (const f of ['auto', format] as FtpLogFormat[]) {
      const rs = await all(capturedLog(`pure-ftpd-1.0.50__altlog-${file}.log`), { format: f });
      assert.equal(rejects(rs), [], `${file} as ${f}`);
      assert.equal(shape(rs), expected, `${file} as ${f}`);
      assert.ok(
        transfers(rs).every((t) => t.format === label),
        `${file} labelled ${label}`,
      );
    }
  }
  // clf and w3c percent-encode the space; stats keeps it (the file is last); stats times are Unix seconds (GMT)
  assert.is(
    transfers(await all(capturedLog('pure-ftpd-1.0.50__altlog-clf.log')))[0]!.path,
    '<testdir>/home/inbox/S3A delivery 001.bin',
  );
  const stats = transfers(await all(capturedLog('pure-ftpd-1.0.50__altlog-stats.log'), { zone: 'Asia/Tokyo' }));
  assert.equal([stats[0]!.time, stats[0]!.seconds], ['2026-11-25T02:09:16Z', 0]);
  const clf = transfers(await all(capturedLog('pure-ftpd-1.0.50__altlog-clf.log'), { zone: 'Asia/Tokyo' }));
  assert.is(clf[0]!.time, '2026-11-25T02:08:35Z', 'the CLF offset wins over the source zone');
});

test('fuzz :: real ProFTPD/pure-ftpd lines cut and spliced with noise give records or rejects on their own line (fixed seed)', async () => {
  const real = [
    'proftpd-1.3.8__proftpd.log',
    'proftpd-1.3.8__extended.log',
    'pure-ftpd-1.0.50__syslog.log',
    'pure-ftpd-1.0.50__altlog-stats.log',
    'pure-ftpd-1.0.50__altlog-w3c.log',
  ]
    .flatMap((f) => capturedLog(f).split('\n'))
    .filter((l) => l !== '');
  const mangled = fc.tuple(fc.constantFrom(...real), fc.nat(), fc.string(), fc.nat()).map(([line, cut, noise, at]) => {
    const head = line.slice(0, cut % (line.length + 1));
    const i = at % (head.length + 1);
    return `${head.slice(0, i)}${noise}${head.slice(i)}`;
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(mangled, fc.constantFrom(...real)), { minLength: 1, maxLength: 12 }),
      async (lines) => {
        const text = lines.join('\n').replace(/\r/g, '');
        const count = text.split('\n').length;
        for (const r of await all(text)) {
          assert.ok(['transfer', 'session', 'reject'].includes(r.kind));
          assert.ok(r.line >= 1 && r.line <= count, `line ${r.line} of ${count}`);
        }
      },
    ),
    { seed: 20261125, numRuns: 400 },
  );
});

test.run();
