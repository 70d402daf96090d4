import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ftpCursorKey,
  ftpServerOfStateKey,
  ftpServerStateKey,
  manifestKey,
  netbackupStateKey,
  netbackupWatermarkKey,
  verdictKey,
  verdictPrefix,
} from '#lib/storage/index.ts';

const test = suite('storage/state-keys');

test('layout :: the keys operators and the sweep rely on', () => {
  assert.is(verdictKey('inbox', 'STS/a b.bin'), 'verdicts/inbox/STS/a b.bin');
  assert.ok(verdictKey('inbox', 'x').startsWith(verdictPrefix('inbox')));
  assert.ok(verdictPrefix('inbox').startsWith(verdictPrefix()));
  assert.is(manifestKey('inbox', 'STS/SHA256SUMS'), 'manifests/inbox/STS/SHA256SUMS');
  assert.is(ftpCursorKey('reports', 'ftp/ftp1/xferlog'), 'ftp/cursor/reports/ftp/ftp1/xferlog');
  assert.is(netbackupStateKey('nbu master'), 'netbackup/state/nbu%20master.json');
  assert.is(netbackupWatermarkKey('nbu'), 'netbackup/state/nbu.json.watermark');
});

test('ftp server :: the name comes back from its key; other keys are not servers', () => {
  for (const server of ['ftp1', 'ftp.example.org', 'a_b-c'])
    assert.is(ftpServerOfStateKey(ftpServerStateKey(server)), server);
  assert.is(ftpServerOfStateKey('ftp/cursor/reports/x'), null);
  assert.is(ftpServerOfStateKey('ftp/state/ftp1.json.tmp'), null);
});

test.run();
