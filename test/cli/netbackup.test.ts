import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceOf } from '#lib/lines/index.ts';
import { parseNetBackup } from '#lib/netbackup/index.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';
import { runIntoClosedPipe } from '../helpers/closed-pipe.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';

const test = suite('cli/netbackup');
const T0 = Date.parse('2026-11-24T16:00:00Z') / 1000;
const dir = mkdtempSync(join(tmpdir(), 'cli-nb-'));

const cli = (args: string[], stdin = '') => runCliCaptured(args, { stdin, cwd: dir });

const good = [
  allColumnsLine({ jobid: 1, status: 0, started: T0, ended: T0 + 60 }),
  allColumnsLine({ jobid: 2, client: 'sts-app02', status: 0, started: T0, ended: T0 + 60 }),
].join('\n');
const bad = `${good}\n${allColumnsLine({ jobid: 3, client: 'cgcu-db01', status: 58, started: T0, ended: T0 + 60 })}\nnot,a,job\n`;

test('parse :: one JSON line per job, exit 0 when all succeeded', async () => {
  writeFileSync(join(dir, 'good.txt'), good);
  const r = await cli(['netbackup', 'parse', 'good.txt']);
  assert.is(r.code, 0);
  assert.equal(
    r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).jobId),
    [1, 2],
  );
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

test('parse :: the printed lines are JSON.stringify of each parsed job, byte for byte, odd strings included', async () => {
  const text = [
    allColumnsLine({
      jobid: 1,
      policy: 'STS "Daily"',
      client: 'cgcu-win01',
      fileList: ['C:\\', 'D:\\Data, archive', 'données\tété', '🛰'],
    }),
    allColumnsLine({
      jobid: 2,
      status: 58,
      tries: [{ started: 1, elapsed: 30, ended: 31, status: 58, lines: ['a\u0001', 'b'] }],
    }),
  ].join('\n');
  writeFileSync(join(dir, 'odd.txt'), text);
  const expected: string[] = [];
  for await (const r of parseNetBackup(sourceOf(text)))
    if (r.kind !== 'reject') expected.push(`${JSON.stringify(r)}\n`);
  const r = await cli(['netbackup', 'parse', 'odd.txt']);
  assert.is(r.out, expected.join(''));
});

test('parse | head -1 :: when the reader goes away the command stops quietly, status 141, nothing on stderr', async () => {
  writeFileSync(
    join(dir, 'big.txt'),
    Array.from({ length: 20_000 }, (_, i) =>
      allColumnsLine({ jobid: i + 1, status: 0, started: T0, ended: T0 + 60 }),
    ).join('\n'),
  );
  const r = await runIntoClosedPipe(['netbackup', 'parse', join(dir, 'big.txt')]);
  assert.ok(r.first, r.stderr);
  assert.is(JSON.parse(r.first).jobId, 1);
  assert.is(r.stderr, '');
  assert.is(r.code, 141);
});

test.run();
