import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { epochToIso, parseColumnsLine, splitEscapedCsv, type NetBackupJob } from '#lib/netbackup/index.ts';
import { isoFromEpochSeconds } from '#lib/time/index.ts';
import type { Reject } from '#lib/lines/index.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';

const test = suite('netbackup/all-columns');
const parse = (text: string, layout: 'auto' | 'all-columns' | 'most-columns' = 'auto') =>
  parseColumnsLine(text, 7, { layout });
const job = (r: NetBackupJob | Reject) => {
  if ('reason' in r) throw new Error(`rejected: ${r.reason}`);
  return r;
};

const escapes: Array<[string, string, string[]]> = [
  ['plain', 'a,b,c', ['a', 'b', 'c']],
  ['escaped comma', 'a\\,b,c', ['a,b', 'c']],
  ['windows drive then separator', 'C:\\\\,D:\\\\,x', ['C:\\', 'D:\\', 'x']],
  ['windows path inside', 'C:\\Program Files\\App,y', ['C:\\Program Files\\App', 'y']],
  ['empty fields', ',,', ['', '', '']],
];
for (const [name, line, fields] of escapes) {
  test(`escaping :: ${name}`, () => {
    assert.equal(splitEscapedCsv(line), fields);
  });
}

test('done job :: head fields, times in UTC, status message from the official catalog', () => {
  const j = job(
    parse(
      allColumnsLine({
        jobid: 4711,
        status: 0,
        policy: 'DUTCH_FS',
        client: 'dutch-fs01',
        started: 1764021600,
        elapsed: 600,
        ended: 1764022200,
        kbytes: 2048,
        files: 12,
        scheduleType: 1,
      }),
    ),
  );
  assert.is(j.source, 'all-columns');
  assert.is(j.jobId, 4711);
  assert.is(j.type, 'Backup');
  assert.is(j.state, 'done');
  assert.is(j.class, 'success');
  assert.is(j.statusMessage, 'the requested operation was successfully completed');
  assert.is(j.policy, 'DUTCH_FS');
  assert.is(j.client, 'dutch-fs01');
  assert.is(j.started, '2025-11-24T22:00:00Z');
  assert.is(j.ended, '2025-11-24T22:10:00Z');
  assert.is(j.scheduleType, 'Differential incremental');
  assert.is(j.kilobytes, 2048);
  assert.is(j.line, 7);
});

test('windows client :: C:\\ selection and an escaped comma in a status line survive', () => {
  const j = job(
    parse(
      allColumnsLine({
        jobid: 12,
        client: 'cgcu-win01',
        fileList: ['C:\\', 'D:\\Data, archive'],
        tries: [
          {
            started: 1,
            elapsed: 2,
            ended: 3,
            status: 0,
            lines: ['11/24/2026 22:00:01 - Info bpbrm(pid=1) Windows, client connected'],
          },
        ],
      }),
    ),
  );
  assert.equal(j.fileList, ['C:\\', 'D:\\Data, archive']);
  assert.equal(j.tries[0]!.statusLines, ['11/24/2026 22:00:01 - Info bpbrm(pid=1) Windows, client connected']);
  assert.is(j.tries[0]!.kilobytes, 1048576);
});

test('tries :: two failed tries with their status and lines, the final class failure with the message of 58', () => {
  const tries = [
    { started: 100, elapsed: 30, ended: 130, status: 58, description: "can't connect to client", lines: ['a', 'b'] },
    { started: 700, elapsed: 31, ended: 731, status: 58, description: "can't connect to client", lines: ['c'] },
  ];
  const j = job(parse(allColumnsLine({ jobid: 99, status: 58, tries })));
  assert.is(j.class, 'failure');
  assert.is(j.statusMessage, "can't connect to client");
  assert.is(j.tries.length, 2);
  assert.equal(
    j.tries.map((t) => [t.status, t.statusLines.length]),
    [
      [58, 2],
      [58, 1],
    ],
  );
});

test('running job :: ended 0000000000 is null, empty status, class running', () => {
  const j = job(
    parse(
      allColumnsLine({
        jobid: 5,
        state: 1,
        status: '',
        ended: '0000000000',
        tries: [{ started: 1, elapsed: 5, ended: 0, status: 0 }],
      }),
    ),
  );
  assert.is(j.ended, null);
  assert.is(j.status, null);
  assert.is(j.class, 'running');
});

test('parent and child :: schedule "-" marks a parent; a child carries its parent id', () => {
  const parent = job(parse(allColumnsLine({ jobid: 200, schedule: '-', kbytes: 0 })));
  const child = job(parse(allColumnsLine({ jobid: 201, parentjob: 200 })));
  assert.ok(parent.isParent);
  assert.is(parent.parentJobId, null);
  assert.is(child.parentJobId, 200);
});

test('status 196 :: no try at all (window closed while queued) parses with zero tries', () => {
  const j = job(parse(allColumnsLine({ jobid: 300, status: 196, tries: [] })));
  assert.is(j.tries.length, 0);
  assert.is(j.statusMessage, 'client backup was not attempted because backup window closed');
});

test('newer releases :: unknown trailing fields are kept in extra, not an error', () => {
  const j = job(
    parse(allColumnsLine({ jobid: 301, extra: ['0', '1', '', 'reason text', '87.5', '1', 'ORCL', '', ''] })),
  );
  assert.equal(j.extra, ['0', '1', '', 'reason text', '87.5', '1', 'ORCL', '', '']);
});

test('most_columns :: same head, no lists, parent at index 33; told apart from all_columns by content', () => {
  const line = allColumnsLine({ jobid: 400, parentjob: 399, fileList: ['/etc', '/home'] }, true);
  assert.is(line.split(',')[33], '399');
  const j = job(parse(line));
  assert.is(j.source, 'most-columns');
  assert.is(j.parentJobId, 399);
  assert.equal(j.fileList, []);
  const noFiles = job(parse(allColumnsLine({ jobid: 401, fileList: [] }, true)));
  assert.is(noFiles.source, 'most-columns');
  const allNoFiles = job(parse(allColumnsLine({ jobid: 402, fileList: [] })));
  assert.is(allNoFiles.source, 'all-columns');
  assert.is(allNoFiles.tries.length, 1);
});

const rejects: Array<[string, string, RegExp]> = [
  ['truncated line', allColumnsLine({ jobid: 1 }).split(',').slice(0, 20).join(','), /^TRUNCATED/],
  ['non-numeric job id', allColumnsLine({ jobid: 1 }).replace(/^1,/, 'abc,'), /^BAD_JOBID/],
  ['bad state', allColumnsLine({ jobid: 1, state: 9 }), /^BAD_STATE/],
  ['non-numeric start time', allColumnsLine({ jobid: 1 }).replace(',1764021600,', ',yesterday,'), /^BAD_TIME: started/],
  [
    'try count that overruns the line',
    allColumnsLine({ jobid: 1, fileList: [] }).replace(/,0,1,4242,stu_disk_01/, ',0,40,4242,stu_disk_01'),
    /^COUNT_OVERRUN/,
  ],
  [
    'status-line count that overruns',
    allColumnsLine({ jobid: 1, tries: [{ started: 1, elapsed: 1, ended: 2, status: 0, lines: ['x'] }] }).replace(
      ',,1,x,',
      ',,900,x,',
    ),
    /^COUNT_OVERRUN/,
  ],
];
for (const [name, line, reason] of rejects) {
  test(`bad input :: ${name} is a reject naming why, with its line number`, () => {
    const r = parse(line, 'all-columns');
    assert.ok('reason' in r, 'expected a reject');
    assert.match((r as Reject).reason, reason);
    assert.is((r as Reject).line, 7);
  });
}

test('epochToIso :: the minute slots give what the full conversion gives, neighbours and far times mixed', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 1, max: 4e9 }), fc.integer({ min: 1764021000, max: 1764030000 })), {
        maxLength: 50,
      }),
      (epochs) => {
        for (const e of epochs) assert.is(epochToIso(e), isoFromEpochSeconds(e));
      },
    ),
    { seed: 20261201, numRuns: 300 },
  );
  assert.is(epochToIso(0), null);
  assert.is(epochToIso(null), null);
});

test.run();
