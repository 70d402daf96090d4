import { DateTime } from 'luxon';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Reject } from '#lib/lines/index.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { ftpParser, rejects, sessions, transfers } from '../helpers/ftp-records.ts';

const test = suite('ftp/parse');
const all = ftpParser('2026-11-24T12:00:00Z');
const noComments = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

test('xferlog :: RecordStream sample — names with spaces and runs of spaces, anchored from both ends', async () => {
  const rs = transfers(await all(readFixture('ftp', 'benbernard-RecordStream__tests-fromxferlog.log')));
  assert.equal(
    rs.map((r) => [r.path, r.bytes, r.direction, r.mode, r.user, r.complete]),
    [
      ['FILENAME', 2611, 'download', 'ascii', 'tmbranno', true],
      ['NAMEFILE', 22, 'download', 'ascii', 'tmbranno', true],
      ['file with spaces in it.zip', 22, 'download', 'ascii', 'tmbranno', true],
      ['p1774034_11i_zhs.zip', 7276, 'download', 'ascii', 'tmbranno', true],
    ],
  );
  assert.is(rs[0]!.time, '2001-10-01T17:09:23Z');
});

test('xferlog :: OSSEC real mirror log — deletes, incomplete downloads, and the wrapped quoted entry rejected by line', async () => {
  const rs = await all(readFixture('ftp', 'ossec-ossec-hids__rules-log-entries-xferlog.log'));
  const ts = transfers(rs);
  assert.is(ts[0]!.direction, 'delete');
  assert.ok(ts.some((t) => !t.complete && t.access === 'anonymous' && t.user === 'mirror@icm.edu.pl'));
  assert.equal(
    rejects(rs).map((r) => r.line),
    [3, 4, 5],
  );
});

test('xferlog :: a trailing extra field (server address) is tolerated; local time read in the source zone', async () => {
  const [t] = transfers(
    await all(
      'Mon Nov 23 22:08:52 2026 1 ::ffff:10.0.0.7 307200 /inbox/./S3A_SR_2_WAT_test.bin b _ i r ftpuser1 ftp 0 * c 10.30.16.111',
      { zone: 'Europe/Paris' },
    ),
  );
  assert.equal(
    [t!.time, t!.host, t!.path, t!.direction, t!.complete],
    ['2026-11-23T21:08:52Z', '10.0.0.7', '/inbox/./S3A_SR_2_WAT_test.bin', 'upload', true],
  );
});

test('vsftpd :: OSSEC samples — connect, logins (anonymous id), upload with bytes and rate, delete/chmod/rename, syslog-wrapped', async () => {
  const text = `${readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-vsftpd.log')}\n${readFixture('ftp', 'ossec-ossec-hids__decoder-xml-vsftpd-examples.log')}`;
  const rs = await all(text);
  assert.equal(rejects(rs), []);
  const ss = sessions(rs);
  assert.equal(
    ss.slice(0, 4).map((s) => [s.event, s.user, s.host]),
    [
      ['connect', null, '192.168.2.10'],
      ['login-fail', 'dcid', '127.0.0.1'],
      ['login-ok', 'dcid', '127.0.0.1'],
      ['login-ok', 'ftp', '127.0.0.1'],
    ],
  );
  assert.is(ss[3]!.anonymousId, 'lala@');
  const up = transfers(rs)[0]!;
  assert.equal([up.path, up.bytes, up.complete, up.direction, up.seconds], ['/a.php', 8338, true, 'upload', 0.43]);
  assert.ok(
    ss.some((s) => s.event === 'login-fail' && s.host === '84.140.234.76' && s.time === '2008-07-13T10:31:20Z'),
  );
  assert.equal(
    ss.filter((s) => ['delete', 'chmod', 'rename'].includes(s.event)).map((s) => s.path),
    ['/index.php', '/index.php 777', '/index.php /4444index.php'],
  );
});

test('vsftpd :: fail2ban sample — native, PAM (old and new), userlist reason, journal lines; hosts as fail2ban expects', async () => {
  const rs = await all(noComments(readFixture('ftp', 'fail2ban-fail2ban__tests-logs-vsftpd.log')), {
    fileTime: DateTime.fromISO('2005-03-01T00:00:00Z', { zone: 'utc' }),
  });
  const fails = sessions(rs).filter((s) => s.event === 'login-fail');
  assert.equal(
    fails.map((s) => s.host),
    [
      '209.67.1.67',
      '64.168.103.1',
      '64.106.46.98',
      '58.254.172.161',
      '192.0.2.1',
      '192.0.2.222',
      '192.0.2.223',
      '192.0.2.224',
    ].filter((h) => h !== '64.168.103.1'),
  );
  assert.equal(
    rejects(rs).map((r) => r.raw.slice(0, 30)),
    ['Feb 6 12:02:29 server vsftpd(p'],
  );
  assert.is(fails.find((s) => s.host === '192.0.2.1')!.reason, 'User is not in the allow user list.');
});

test('syslog year :: lines without a year take it from the file time and go forward at New Year, never back', async () => {
  const text = [
    'Dec 31 23:59:58 h vsftpd: [a] FAIL LOGIN: Client "10.0.0.1"',
    'Jan  1 00:00:03 h vsftpd: [a] FAIL LOGIN: Client "10.0.0.1"',
  ].join('\n');
  const rs = sessions(await all(text, { fileTime: DateTime.fromISO('2027-01-01T00:10:00Z', { zone: 'utc' }) }));
  assert.equal(
    rs.map((r) => r.time),
    ['2026-12-31T23:59:58Z', '2027-01-01T00:00:03Z'],
  );
});

const bad: Array<[string, string, RegExp]> = [
  ['a date that does not exist', 'Mon Feb 30 10:00:00 2026 1 10.0.0.1 5 /a b _ i r u ftp 0 * c', /^BAD_DATE/],
  ['a time skipped by DST in Paris', 'Sun Mar 29 02:30:00 2026 1 10.0.0.1 5 /a b _ i r u ftp 0 * c', /^BAD_DATE/],
  ['a truncated last line', 'Mon Nov 23 22:08:52 2026 1 127.0.0.1 307200 /inbox/x b _', /^TRUNCATED/],
  ['binary garbage', '\u0000\u0001\u00ff\ufffdPK\u0003\u0004', /^UNKNOWN_LINE/],
  [
    'a bad completion status',
    'Mon Nov 23 22:08:52 2026 1 127.0.0.1 307200 /inbox/x b _ i r u ftp 0 * x',
    /^BAD_STATUS/,
  ],
];
for (const [name, line, reason] of bad) {
  test(`bad input :: ${name} → reject with its line number, the next line still read`, async () => {
    const rs = await all([`${line}\n`, 'Mon Nov 23 22:08:52 2026 1 127.0.0.1 5 /ok b _ i r u ftp 0 * c\n'], {
      zone: 'Europe/Paris',
    });
    assert.is(rs[0]!.kind, 'reject');
    assert.match((rs[0] as Reject).reason, reason);
    assert.is((rs[0] as Reject).line, 1);
    assert.is(rs[1]!.kind, 'transfer');
  });
}

test('bad input :: a 1 MiB line is one LINE_TOO_LONG reject; mixed xferlog and vsftpd lines in one file both parse', async () => {
  const rs = await all([
    `${'x'.repeat(1024 * 1024 + 10)}\n`,
    'Mon Nov 23 22:08:52 2026 1 127.0.0.1 5 /ok b _ i r u ftp 0 * c\n',
    'Mon Nov 23 22:08:27 2026 [pid 5103] CONNECT: Client "127.0.0.1"\n',
  ]);
  assert.equal(
    rs.map((r) => (r.kind === 'reject' ? r.reason : r.kind)),
    ['LINE_TOO_LONG', 'transfer', 'session'],
  );
});

test('fuzz :: any text yields only records or rejects, never a throw (fixed seed)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'Mon Nov 23 22:08:52 2026 1 127.0.0.1 5 /ok b _ i r u ftp 0 * c',
            'Jul 13 12:31:20 www vsftpd: x',
            'Mon Nov 23 22:08:27 2026 [pid 1] [u] OK UPLOAD: Client "1", "',
            '"',
          ),
        ),
        { maxLength: 15 },
      ),
      async (lines) => {
        for (const r of await all(lines.join('\n'))) assert.ok(['transfer', 'session', 'reject'].includes(r.kind));
      },
    ),
    { seed: 20261124, numRuns: 300 },
  );
});

test.run();
