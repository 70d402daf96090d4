import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceOf, type Reject } from '#lib/lines/index.ts';
import { parseNetBackup, type NetBackupJob, type NetBackupRecord, type ParseOptions } from '#lib/netbackup/index.ts';
import { allColumnsLine } from '../helpers/netbackup-lines.ts';
import { readFixture } from '../helpers/fixtures.ts';
import { yamlExample } from '../helpers/yaml-example.ts';

const test = suite('netbackup/parse');
async function all(text: string | string[], options: ParseOptions = {}): Promise<NetBackupRecord[]> {
  const out: NetBackupRecord[] = [];
  for await (const r of parseNetBackup(sourceOf(text), options)) out.push(r);
  return out;
}
const jobs = (rs: NetBackupRecord[]) => rs.filter((r): r is NetBackupJob => r.kind === 'job');
const rejects = (rs: NetBackupRecord[]) => rs.filter((r): r is Reject => r.kind === 'reject');
const restExample = (file: string) => yamlExample('netbackup', file);

test('all_columns stream :: records in order, a bad line rejected with its number, the rest kept', async () => {
  const text = [
    allColumnsLine({ jobid: 1 }),
    'garbage,line',
    allColumnsLine({ jobid: 2, status: 13, tries: [{ started: 1, elapsed: 1, ended: 2, status: 13 }] }),
    '',
  ].join('\n');
  const rs = await all(text);
  assert.equal(
    jobs(rs).map((j) => [j.jobId, j.class, j.line]),
    [
      [1, 'success', 1],
      [2, 'failure', 3],
    ],
  );
  assert.equal(
    rejects(rs).map((r) => r.line),
    [2],
  );
});

test('stay_alive :: C<n> batch headers and -<jobid> removal lines are skipped', async () => {
  const rs = await all(['C2', allColumnsLine({ jobid: 5 }), allColumnsLine({ jobid: 6 }), '-3', 'C0'].join('\n'));
  assert.equal(
    jobs(rs).map((j) => j.jobId),
    [5, 6],
  );
  assert.is(rejects(rs).length, 0);
});

test('embedded newline :: a record cut by a newline in a value is joined with its continuation', async () => {
  const line = allColumnsLine({
    jobid: 7,
    tries: [{ started: 1, elapsed: 1, ended: 2, status: 0, lines: ['first half', 'second'] }],
  });
  const cut = line.replace('first half', 'first\nhalf');
  const rs = await all(`${cut}\n${allColumnsLine({ jobid: 8 })}\n`);
  assert.equal(
    jobs(rs).map((j) => j.jobId),
    [7, 8],
  );
  assert.equal(jobs(rs)[0]!.tries[0]!.statusLines, ['first\nhalf', 'second']);
});

test('unknown format :: the real 2002 e-mail excerpt (quoted, wrapped) is UNKNOWN_FORMAT naming line 1, not a guess', async () => {
  try {
    await all(
      readFixture('netbackup', 'adsm.org-Veritas-bu-2002-03-msg00714__bpdbjobs-report-email-quoted-excerpt.txt'),
    );
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'UNKNOWN_FORMAT');
    assert.is((err as { details: Array<{ line: number }> }).details[0]!.line, 1);
  }
});

test('empty report :: yields nothing and does not throw', async () => {
  assert.equal(await all(''), []);
  assert.equal(await all('\n\n'), []);
});

test('REST API 4.0 :: the Veritas example page → two IMAGEDELETE jobs, elapsed HH:MM:SS read as seconds', async () => {
  const rs = await all(
    JSON.stringify(restExample('kmlebedev-netbackup-exporter__nbu-admin-api-api-swagger.yaml__getJobsResponse.yaml')),
  );
  const js = jobs(rs);
  assert.is(js.length, 2);
  assert.equal(
    js.map((j) => [j.type, j.state, j.class, j.elapsedSeconds, j.started]),
    [
      ['IMAGEDELETE', 'done', 'success', 6, '2018-06-25T19:00:32Z'],
      ['IMAGEDELETE', 'done', 'success', 6, '2018-06-25T19:00:32Z'],
    ],
  );
});

test('REST API 14.0 :: the Veritas 11.2 example → ISO duration elapsed, childCount marks the parent', async () => {
  const js = jobs(
    await all(
      JSON.stringify(
        restExample('fjacquet-nbu_exporter__docs-veritas-11.2-admin.yaml__get-admin-jobs-200-example.yaml'),
      ),
    ),
  );
  assert.equal(
    js.map((j) => [j.elapsedSeconds, j.isParent]),
    [
      [346, true],
      [346, false],
    ],
  );
});

test('plain report :: header-driven columns with the default multi-word headers and empty cells', async () => {
  const text = [
    '     JobID           Type State Status              Policy    Schedule       Client Dest Media Svr Active PID',
    '     13291         Backup  Done      0       MMORA1-Oracle  MMORA1-O.Full    mmora1         MMORA3',
    '     13292         Backup Active             STS_Daily      Full           sts-app01      media01      4242',
    '     13293         Backup Queued             EGM_Weekly     Full           egm-db01',
  ].join('\n');
  const js = jobs(await all(text));
  assert.equal(
    js.map((j) => [j.jobId, j.state, j.status, j.policy, j.client, j.mediaServer]),
    [
      [13291, 'done', 0, 'MMORA1-Oracle', 'mmora1', 'MMORA3'],
      [13292, 'active', null, 'STS_Daily', 'sts-app01', 'media01'],
      [13293, 'queued', null, 'EGM_Weekly', 'egm-db01', ''],
    ],
  );
});

test('BPDBJOBS_COLDEFS :: the real bp.conf widths cut the table at width+1 offsets', async () => {
  const bpConf = readFixture('netbackup', 'panlm-bpdbjobs2html__bp.conf');
  const widths = [10, 20, 10, 10, 30, 30, 20, 20, 20, 20, 10, 15];
  const row = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]! + 1)).join('');
  const text = [
    row([
      'JobID',
      'Type',
      'State',
      'Status',
      'Policy',
      'Schedule',
      'Client',
      'DstMedia_Server',
      'STARTED',
      'ENDED',
      'ELAPSED',
      'COMPRESSION',
    ]),
    row([
      '881',
      'Backup',
      'Done',
      '196',
      'OMGS_Nightly',
      'Daily Full',
      'omgs-app02',
      'media02',
      '11/24/26 22:00:01',
      '11/24/26 23:00:00',
      '00:59:59',
      'No',
    ]),
  ].join('\n');
  const js = jobs(await all(text, { bpConf }));
  assert.equal(
    js.map((j) => [j.jobId, j.status, j.policy, j.schedule, j.client, j.mediaServer, j.elapsedSeconds, j.class]),
    [[881, 196, 'OMGS_Nightly', 'Daily Full', 'omgs-app02', 'media02', 3599, 'failure']],
  );
});

test('summary -l :: the labelled counts of a master server', async () => {
  const rs = await all(
    [
      'Summary of jobs on nbmaster01',
      'Queued:                 2',
      'Waiting-to-Retry:       1',
      'Active:                 4',
      'Successful:          1200',
      'Partially Successful:    3',
      'Failed:                 7',
      'Incomplete:             0',
      'Suspended:              0',
      'Total:               1217',
    ].join('\n'),
  );
  assert.equal(rs, [
    {
      kind: 'summary',
      line: 1,
      master: 'nbmaster01',
      counts: {
        queued: 2,
        waitingToRetry: 1,
        active: 4,
        successful: 1200,
        partiallySuccessful: 3,
        failed: 7,
        incomplete: 0,
        suspended: 0,
        total: 1217,
      },
    },
  ]);
});

test('fuzz :: any bytes after a valid first line yield only jobs or rejects, never a throw (fixed seed)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.string(), fc.constantFrom(allColumnsLine({ jobid: 9 }), '1,2,3', '\\,\\\\', '-1', 'C5')), {
        maxLength: 20,
      }),
      async (lines) => {
        const rs = await all([allColumnsLine({ jobid: 1 }), ...lines].join('\n'));
        for (const r of rs) assert.ok(r.kind === 'job' || r.kind === 'reject');
      },
    ),
    { seed: 20261124, numRuns: 300 },
  );
});

test.run();
