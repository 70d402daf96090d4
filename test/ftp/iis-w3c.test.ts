import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceOf } from '#lib/lines/index.ts';
import {
  auditRecord,
  DEFAULT_RULES,
  parseFtpLog,
  type FtpRecord,
  type SessionRecord,
  type TransferRecord,
} from '#lib/ftp/index.ts';
import { readFixture } from '../helpers/fixtures.ts';

const test = suite('ftp/iis-w3c');
async function all(text: string): Promise<FtpRecord[]> {
  const out: FtpRecord[] = [];
  for await (const r of parseFtpLog(sourceOf(text), {
    server: 'ftp-win01',
    zone: 'UTC',
    fileTime: DateTime.fromISO('2006-09-23T18:00:00Z', { zone: 'utc' }),
  }))
    out.push(r);
  return out;
}

test('OSSEC IIS sample :: header-driven columns, #Date for time-only lines, logins tied to their USER, transfers', async () => {
  const rs = await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-microsoft.log'));
  const sessions = rs.filter((r): r is SessionRecord => r.kind === 'session');
  const transfers = rs.filter((r): r is TransferRecord => r.kind === 'transfer');
  const failsFrom187 = sessions.filter((s) => s.event === 'login-fail' && s.host === '192.168.2.187');
  assert.is(failsFrom187.length, 6);
  assert.is(failsFrom187[0]!.user, 'Administrator');
  assert.ok(
    sessions.some(
      (s) =>
        s.event === 'login-ok' &&
        s.user === 'Administrator' &&
        s.host === '192.168.3.64' &&
        s.time === '2006-09-23T17:57:59Z',
    ),
  );
  const upload = transfers.find((t) => t.direction === 'upload' && t.path === 'weekrapport.asp')!;
  assert.equal([upload.bytes, upload.seconds, upload.complete, upload.user], [14874, 0.61, true, 'Administrator']);
  assert.ok(transfers.some((t) => t.direction === 'download' && t.bytes === 14903));
  assert.ok(
    sessions.some((s) => s.event === 'login-fail' && s.host === '203.115.228.178' && s.time === '2004-12-30T11:24:41Z'),
  );
});

test('audit over IIS :: the dictionary attack from 203.115.228.178 is a brute force', async () => {
  const memory = { failures: {} };
  const findings = (await all(readFixture('ftp', 'ossec-ossec-docs__log_samples-ftp-microsoft.log'))).flatMap((r) =>
    r.kind === 'reject' ? [] : auditRecord(r, DEFAULT_RULES, memory),
  );
  assert.ok(findings.some((f) => f.alertname === 'FtpBruteForce' && f.host === '203.115.228.178'));
  assert.ok(findings.some((f) => f.alertname === 'FtpBruteForce' && f.host === '192.168.2.187'));
});

test('bad input :: a line without a [session]method is a reject naming the line', async () => {
  const rs = await all(
    '#Fields: time c-ip cs-method cs-uri-stem sc-status sc-win32-status\n12:00:00 10.0.0.1 nonsense\n',
  );
  assert.equal(
    rs.map((r) => (r.kind === 'reject' ? `${r.line}:${r.reason.split(':')[0]}` : r.kind)),
    ['2:BAD_IIS_LINE'],
  );
});

test.run();
