import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addressAllowed,
  auditRecord,
  DEFAULT_RULES,
  findingAlert,
  type AuditRules,
  type SessionRecord,
  type TransferRecord,
} from '#lib/ftp/index.ts';

const test = suite('ftp/audit');
const session = (over: Partial<SessionRecord>): SessionRecord => ({
  kind: 'session',
  line: 1,
  format: 'vsftpd',
  time: '2026-11-24T10:00:00Z',
  server: 'ftp1',
  host: '10.0.0.9',
  user: 'sts',
  event: 'login-ok',
  ok: true,
  ...over,
});
const transfer = (over: Partial<TransferRecord>): TransferRecord => ({
  kind: 'transfer',
  line: 2,
  format: 'xferlog',
  time: '2026-11-24T10:00:00Z',
  server: 'ftp1',
  host: '10.0.0.9',
  user: 'sts',
  access: 'real',
  direction: 'upload',
  path: '/inbox/STS/a.bin',
  bytes: 10,
  seconds: 1,
  complete: true,
  mode: 'binary',
  ...over,
});
const rules: AuditRules = {
  ...DEFAULT_RULES,
  knownUsers: ['sts', 'dutch'],
  addressAllowlists: { dutch: ['192.168.10.0/24'] },
  uploadWindows: { sts: { start: '20:00', end: '06:00', zone: 'Europe/Paris' } },
  subsystems: [{ pattern: '/inbox/STS/*', subsystem: 'STS' }],
};
const names = (fs: Array<{ alertname: string }>) => fs.map((f) => f.alertname);

test('brute force :: 5 failures in 10 minutes from one address → one finding; failures spread over an hour → none', () => {
  const memory = { failures: {} };
  const burst = [0, 1, 2, 3, 4].flatMap((m) =>
    auditRecord(session({ event: 'login-fail', ok: false, time: `2026-11-24T10:0${m}:00Z` }), rules, memory),
  );
  assert.equal(names(burst), ['FtpBruteForce']);
  const slow = { failures: {} };
  const spread = [0, 15, 30, 45, 59].flatMap((m) =>
    auditRecord(
      session({
        event: 'login-fail',
        ok: false,
        time: `2026-11-24T10:${String(m).padStart(2, '0')}:00Z`,
        host: '10.0.0.8',
      }),
      rules,
      slow,
    ),
  );
  assert.equal(spread, []);
});

const single: Array<[string, SessionRecord | TransferRecord, string[]]> = [
  ['unknown user', session({ user: 'mallory', event: 'login-fail', ok: false }), ['FtpUnknownUser']],
  ['anonymous login', session({ user: 'ftp', anonymousId: 'x@y' }), ['FtpAnonymousLogin']],
  ['login outside the allowlist', session({ user: 'dutch', host: '10.1.1.1' }), ['FtpLoginFromUnexpectedAddress']],
  ['login inside the allowlist', session({ user: 'dutch', host: '192.168.10.77' }), []],
  ['incomplete upload', transfer({ complete: false, time: '2026-11-24T22:00:00Z' }), ['FtpTransferIncomplete']],
  ['zero-byte upload', transfer({ bytes: 0, time: '2026-11-24T22:00:00Z' }), ['FtpZeroByteUpload']],
  [
    'upload at 11:00 Paris, outside 20:00–06:00',
    transfer({ time: '2026-11-24T10:00:00Z' }),
    ['FtpUploadOutsideWindow'],
  ],
  ['upload at 23:00 Paris, inside', transfer({ time: '2026-11-24T22:00:00Z' }), []],
  ['a complete download', transfer({ direction: 'download' }), []],
];
for (const [name, record, expected] of single) {
  test(`rules :: ${name}`, () => {
    assert.equal(names(auditRecord(record, rules, { failures: {} })), expected);
  });
}

test('allowlist :: exact addresses and IPv4 CIDR', () => {
  assert.ok(addressAllowed('10.0.0.5', ['10.0.0.0/8']));
  assert.not.ok(addressAllowed('11.0.0.5', ['10.0.0.0/8']));
  assert.ok(addressAllowed('::1', ['::1']));
  assert.not.ok(addressAllowed('10.0.0.5', ['10.0.0.0/33']));
});

test('alerts :: a finding becomes an alert with the subsystem of its path, auto-resolving after its hold time', () => {
  const [finding] = auditRecord(transfer({ complete: false, time: '2026-11-24T22:00:00Z' }), rules, { failures: {} });
  const alert = findingAlert(finding!, rules);
  assert.equal(alert.labels, {
    server: 'ftp1',
    host: '10.0.0.9',
    user: 'sts',
    path: '/inbox/STS/a.bin',
    alertname: 'FtpTransferIncomplete',
    severity: 'warning',
    subsystem: 'STS',
  });
  assert.is(alert.endsAt, '2026-11-25T02:00:00Z');
});

test.run();
