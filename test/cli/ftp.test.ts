import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseFtpLog } from '#lib/ftp/index.ts';
import { sourceOf } from '#lib/lines/index.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { runIntoClosedPipe } from '../helpers/closed-pipe.ts';
import { fixturePath, readFixture } from '../helpers/fixtures.ts';

const test = suite('cli/ftp');
const cli = (args: string[], stdin = '') => runCliCaptured(args, { stdin, cwd: process.cwd() });

test('parse :: the RecordStream xferlog sample → four JSON transfer records, exit 0', async () => {
  const r = await cli(['ftp', 'parse', fixturePath('ftp', 'benbernard-RecordStream__tests-fromxferlog.log')]);
  assert.is(r.code, 0);
  assert.equal(
    r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).path),
    ['FILENAME', 'NAMEFILE', 'file with spaces in it.zip', 'p1774034_11i_zhs.zip'],
  );
});

test('parse :: the OSSEC xferlog with its wrapped entry → rejects on stderr with line numbers, exit 1', async () => {
  const r = await cli(['ftp', 'parse', fixturePath('ftp', 'ossec-ossec-hids__rules-log-entries-xferlog.log')]);
  assert.is(r.code, 1);
  assert.match(r.err, /^line 3: /m);
});

test('audit :: a failed-login burst on stdin → an FtpBruteForce finding, exit 1', async () => {
  const lines = [1, 2, 3, 4, 5]
    .map((s) => `Tue Nov 24 10:00:0${s} 2026 [pid 7] [root] FAIL LOGIN: Client "10.6.6.6"`)
    .join('\n');
  const r = await cli(['ftp', 'audit', '-', '--failed-logins', '5/10'], lines);
  assert.is(r.code, 1);
  assert.equal(
    r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).alertname),
    ['FtpBruteForce'],
  );
});

test('usage :: unknown format exits 2', async () => {
  assert.is((await cli(['ftp', 'parse', '--format', 'glftpd'])).code, 2);
});

test('parse :: the printed lines are JSON.stringify of each parsed record, byte for byte (xferlog and vsftpd samples)', async () => {
  for (const sample of [
    'ossec-ossec-docs__log_samples-ftp-xferlog.log',
    'fail2ban-fail2ban__tests-logs-vsftpd.log',
    'benbernard-RecordStream__tests-fromxferlog.log',
  ]) {
    const expected: string[] = [];
    const fileTime = DateTime.utc();
    for await (const r of parseFtpLog(sourceOf(readFixture('ftp', sample)), { server: 'ftp', zone: 'UTC', fileTime }))
      if (r.kind !== 'reject') expected.push(`${JSON.stringify(r)}\n`);
    const r = await cli(['ftp', 'parse', '-', '--zone', 'UTC'], readFixture('ftp', sample));
    assert.is(r.out, expected.join(''), sample);
  }
});

test('parse | head -1 :: when the reader goes away the command stops quietly, status 141, nothing on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-ftp-'));
  const line = (i: number) =>
    `Mon Nov 23 22:08:52 2026 1 10.0.0.${i % 250} ${1000 + i} /inbox/product_${i}.bin b _ i r sts ftp 0 * c`;
  writeFileSync(join(dir, 'xferlog'), Array.from({ length: 50_000 }, (_, i) => line(i)).join('\n'));
  const r = await runIntoClosedPipe(['ftp', 'parse', join(dir, 'xferlog')]);
  assert.ok(r.first, r.stderr);
  assert.is(JSON.parse(r.first).path, '/inbox/product_0.bin');
  assert.is(r.stderr, '');
  assert.is(r.code, 141);
});

test.run();
