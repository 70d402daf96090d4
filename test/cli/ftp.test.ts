import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const test = suite('cli/ftp');
const cli = (args: string[], stdin = '') => runCliCaptured(args, { stdin, cwd: process.cwd() });

test('parse :: the RecordStream xferlog sample → four JSON transfer records, exit 0', async () => {
  const r = await cli(['ftp', 'parse', fixturePath('ftp', 'benbernard-RecordStream__tests-fromxferlog.log')]);
  assert.is(r.code, 0);
  assert.equal(r.out.trim().split('\n').map((l) => JSON.parse(l).path), ['FILENAME', 'NAMEFILE', 'file with spaces in it.zip', 'p1774034_11i_zhs.zip']);
});

test('parse :: the OSSEC xferlog with its wrapped entry → rejects on stderr with line numbers, exit 1', async () => {
  const r = await cli(['ftp', 'parse', fixturePath('ftp', 'ossec-ossec-hids__rules-log-entries-xferlog.log')]);
  assert.is(r.code, 1);
  assert.match(r.err, /^line 3: /m);
});

test('audit :: a failed-login burst on stdin → an FtpBruteForce finding, exit 1', async () => {
  const lines = [1, 2, 3, 4, 5].map((s) => `Tue Nov 24 10:00:0${s} 2026 [pid 7] [root] FAIL LOGIN: Client "10.6.6.6"`).join('\n');
  const r = await cli(['ftp', 'audit', '-', '--failed-logins', '5/10'], lines);
  assert.is(r.code, 1);
  assert.equal(r.out.trim().split('\n').map((l) => JSON.parse(l).alertname), ['FtpBruteForce']);
});

test('usage :: unknown format exits 2', async () => {
  assert.is((await cli(['ftp', 'parse', '--format', 'glftpd'])).code, 2);
});

test.run();
