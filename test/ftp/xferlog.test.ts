// The xferlog fast path (a character-code scanner for the regular line) must give exactly what the token parser
// gives, and hand every irregular line over to it.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DateTime } from 'luxon';
import { parseFtpLog, type FtpRecord } from '#lib/ftp/index.ts';
import { sourceOf } from '#lib/lines/index.ts';
import { parseXferlogTokens, scanXferlogLine } from '../../lib/ftp/xferlog.ts';

const test = suite('ftp/xferlog');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

const regularLine = fc
  .record({
    epoch: fc.integer({ min: Date.UTC(2019, 0, 1) / 1000, max: Date.UTC(2031, 0, 1) / 1000 }),
    seconds: fc.nat({ max: 99999 }),
    host: fc.oneof(
      fc.ipV4(),
      fc.ipV4().map((a) => `::ffff:${a}`),
      fc.constantFrom('ftp.example.org', '2001:db8::1'),
    ),
    size: fc.nat({ max: 2 ** 40 }),
    path: fc.oneof(
      fc.stringMatching(/^\/[A-Za-z0-9_./-]{1,40}$/),
      fc.constantFrom('/inbox/file with spaces.bin', '/données/été.txt', '/x'),
    ),
    type: fc.constantFrom('a', 'b'),
    action: fc.constantFrom('_', 'C', 'U', 'T'),
    direction: fc.constantFrom('i', 'o', 'd'),
    access: fc.constantFrom('r', 'a', 'g'),
    user: fc.stringMatching(/^[a-z][a-z0-9@.]{0,15}$/),
    service: fc.constantFrom('ftp', 'ftpd'),
    auth: fc.constantFrom('0', '1'),
    authuser: fc.constantFrom('*', 'ident-user'),
    status: fc.constantFrom('c', 'i'),
  })
  .map((f) => {
    const d = new Date(f.epoch * 1000);
    const date = `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
    return `${date} ${f.seconds} ${f.host} ${f.size} ${f.path} ${f.type} ${f.action} ${f.direction} ${f.access} ${f.user} ${f.service} ${f.auth} ${f.authuser} ${f.status}`;
  });

test('regular lines :: the scanner reads every one, and exactly as the token parser does (zones with DST included)', () => {
  fc.assert(
    fc.property(
      regularLine,
      fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'),
      (line, zone) => {
        const source = { server: 's', zone };
        const tokens = parseXferlogTokens(line, 7, source);
        const fast = scanXferlogLine(line, 7, source);
        if (tokens.kind === 'reject')
          assert.is(fast, null, `${line} is rejected by the token parser (${tokens.reason}) but scanned`);
        else assert.equal(fast, tokens, line);
      },
    ),
    { seed: 20261125, numRuns: 3000 },
  );
});

test('irregular lines :: handed to the token parser (null), never misread', () => {
  const source = { server: 's', zone: 'Europe/Paris' };
  for (const line of [
    'Mon Oct  1 17:09:23 2001 0 127.0.0.1 2611   FILENAME a _ o r tmbranno ftp 0 * c', // runs of spaces
    'Wed Nov 25 02:08:30 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c 10.0.0.9', // trailing extra field
    'Sun Mar 29 02:30:00 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c', // inside the spring-forward gap in Paris
    'Wed Nov 25 02:08:60 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c', // second 60
    'Wed Nov 25 02:08:30 2026 x 127.0.0.1 7 /x b _ i r vuser ftp 0 * c', // transfer-time not a number
    'Wed Nov 25 02:08:30 2026 0 127.0.0.1 7 /x b _ x r vuser ftp 0 * c', // direction x
    'Wed Nov 25 02:08:30 2026 [pid 3] [vuser] OK LOGIN: Client "127.0.0.1" c', // a vsftpd line
    'Wed Nov 25 02:08:30 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c'.slice(0, 39),
  ]) {
    assert.is(scanXferlogLine(line, 1, source), null, line);
  }
  // the spring-forward gap is then a BAD_DATE reject from the token parser
  const gap = parseXferlogTokens('Sun Mar 29 02:30:00 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c', 1, source);
  assert.is(gap.kind === 'reject' && gap.reason.split(':')[0], 'BAD_DATE');
});

async function parsed(source: AsyncIterable<Uint8Array | string>, zone: string): Promise<FtpRecord[]> {
  const out: FtpRecord[] = [];
  for await (const r of parseFtpLog(source, { server: 's', zone, fileTime: DateTime.fromISO('2026-11-25T12:00:00Z') }))
    out.push(r);
  return out;
}

async function* chunks<T extends Buffer | string>(whole: T, cuts: number[]) {
  let at = 0;
  for (const cut of cuts) {
    yield whole.slice(at, at + cut) as T;
    at += cut;
  }
  yield whole.slice(at) as T;
}

const otherLine = fc.constantFrom(
  'Mon Oct  1 17:09:23 2001 0 127.0.0.1 2611   FILENAME a _ o r tmbranno ftp 0 * c',
  'Wed Nov 25 02:08:30 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c 10.0.0.9',
  'Sun Mar 29 02:30:00 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c',
  'Wed Nov 25 02:08:30 2026 [pid 3] [vuser] OK LOGIN: Client "127.0.0.1"',
  'Wed Nov 25 02:08:30 2026 [pid 3] [vuser] OK UPLOAD: Client "127.0.0.1", "/inbox/été.bin", 7 bytes, 0.5Kbyte/sec',
  'Wed Nov 25 02:08:30 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c'.slice(0, 39),
  '',
  'garbage \u0000 line',
);

test('bytes vs string :: a log read from bytes or strings (any chunking) gives the records of the same log read as one string', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof({ weight: 4, arbitrary: regularLine }, { weight: 1, arbitrary: otherLine }), {
        minLength: 1,
        maxLength: 15,
      }),
      fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
      fc.constantFrom('UTC', 'Europe/Paris'),
      fc.constantFrom('\n', '\r\n'),
      async (lines, cuts, zone, eol) => {
        const text = lines.join(eol);
        const whole = await parsed(sourceOf(text), zone);
        assert.equal(await parsed(chunks(Buffer.from(text), cuts), zone), whole);
        assert.equal(await parsed(chunks(text, cuts), zone), whole);
      },
    ),
    { seed: 20261201, numRuns: 500 },
  );
});

test('minute clock :: lines of one minute share the conversion, a new zone or minute converts again', () => {
  const line = (time: string) => `Wed Nov 25 ${time} 2026 0 127.0.0.1 7 /x b _ i r vuser ftp 0 * c`;
  const paris = { server: 's', zone: 'Europe/Paris' };
  const utc = { server: 's', zone: 'UTC' };
  assert.is(scanXferlogLine(line('02:08:30'), 1, paris)!.time, '2026-11-25T01:08:30Z');
  assert.is(scanXferlogLine(line('02:08:59'), 2, paris)!.time, '2026-11-25T01:08:59Z');
  assert.is(scanXferlogLine(line('02:08:59'), 3, utc)!.time, '2026-11-25T02:08:59Z');
  assert.is(scanXferlogLine(line('02:09:00'), 4, paris)!.time, '2026-11-25T01:09:00Z');
  // Kolkata is UTC+05:30: whole minutes, the prefix path
  assert.is(scanXferlogLine(line('02:09:07'), 5, { server: 's', zone: 'Asia/Kolkata' })!.time, '2026-11-24T20:39:07Z');
});

test.run();
