import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';

const test = suite('cli/netbackup');
const T0 = Date.parse('2026-11-24T16:00:00Z') / 1000;
const dir = mkdtempSync(join(tmpdir(), 'cli-nb-'));

const cli = (args: string[], stdin = '') => runCliCaptured(args, { stdin, cwd: dir });

const good = [allColumnsLine({ jobid: 1, status: 0, started: T0, ended: T0 + 60 }), allColumnsLine({ jobid: 2, client: 'sts-app02', status: 0, started: T0, ended: T0 + 60 })].join('\n');
const bad = `${good}\n${allColumnsLine({ jobid: 3, client: 'cgcu-db01', status: 58, started: T0, ended: T0 + 60 })}\nnot,a,job\n`;

test('parse :: one JSON line per job, exit 0 when all succeeded', async () => {
  writeFileSync(join(dir, 'good.txt'), good);
  const r = await cli(['netbackup', 'parse', 'good.txt']);
  assert.is(r.code, 0);
  assert.equal(r.out.trim().split('\n').map((l) => JSON.parse(l).jobId), [1, 2]);
});

test('parse :: rejects on stderr naming the line, exit 1 with a failure present (stdin)', async () => {
  const r = await cli(['netbackup', 'parse', '-'], bad);
  assert.is(r.code, 1);
  assert.match(r.err, /^line 4: /m);
  assert.is(r.out.trim().split('\n').length, 3);
});

test('summary :: aligned text table with a FAILS column and the alert, exit 1', async () => {
  const r = await cli(['netbackup', 'summary', '-', '--format', 'text', '--now', '2026-11-24T18:00:00Z'], bad);
  assert.is(r.code, 1);
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /^POLICY\s+CLIENT\s+SCHEDULE\s+LAST\s+LAST SUCCESS/);
  assert.ok(lines.some((l) => /cgcu-db01\s+Full\s+failure\s+never/.test(l)));
  assert.match(r.out, /CRITICAL BackupFailed/);
});

test('usage :: unknown format, missing file and unknown verb exit 2', async () => {
  assert.is((await cli(['netbackup', 'parse', '--format', 'csv'])).code, 2);
  assert.is((await cli(['netbackup', 'parse', 'nope.txt'])).code, 2);
  assert.is((await cli(['netbackup', 'frobnicate'])).code, 2);
  const unknown = await cli(['netbackup', 'parse', '-'], '>quoted e-mail\n');
  assert.is(unknown.code, 2);
  assert.match(unknown.err, /UNKNOWN_FORMAT/);
});

test.run();
