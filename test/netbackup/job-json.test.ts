// writeJobLine must print what `JSON.stringify(job)` prints, key order and escapes included, for the jobs of every
// source the parser reads: -all_columns and -most_columns (with odd strings), the plain report and REST pages.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonBytes } from '#lib/json/index.ts';
import { sourceOf } from '#lib/lines/index.ts';
import { parseNetBackup, writeJobLine, type NetBackupJob } from '#lib/netbackup/index.ts';
import { allColumnsLine, type JobSpec } from '../helpers/netbackup-lines.ts';
import { yamlExample } from '../helpers/yaml-example.ts';

const test = suite('netbackup/job-json');

async function jobsOf(text: string): Promise<NetBackupJob[]> {
  const out: NetBackupJob[] = [];
  for await (const r of parseNetBackup(sourceOf(text))) if (r.kind === 'job') out.push(r);
  return out;
}

function linesOf(jobs: NetBackupJob[], blockSize = 1 << 16): string {
  const chunks: Buffer[] = [];
  const w = new JsonBytes((c) => chunks.push(Buffer.from(c)), blockSize);
  for (const job of jobs) writeJobLine(w, job);
  w.flush();
  return Buffer.concat(chunks).toString('utf8');
}

const stringified = (jobs: NetBackupJob[]) => jobs.map((j) => `${JSON.stringify(j)}\n`).join('');

const sources: Array<[string, () => unknown]> = [
  [
    'all-columns with Windows paths, several tries and extra fields',
    () =>
      [
        allColumnsLine({ jobid: 1, client: 'cgcu-win01', fileList: ['C:\\', 'D:\\Data, archive'] }),
        allColumnsLine({
          jobid: 2,
          status: 58,
          tries: [
            { started: 1, elapsed: 30, ended: 31, status: 58, lines: ['a', 'b "quoted"', 'c'] },
            { started: 90, elapsed: 30, ended: 120, status: 58 },
          ],
          extra: ['x', 'y'],
        }),
        allColumnsLine({ jobid: 3, state: 1, status: '', ended: '0000000000' }),
        allColumnsLine({ jobid: 4, schedule: '-', kbytes: 0, parentjob: 2 }),
      ].join('\n'),
  ],
  [
    'most-columns',
    () =>
      [
        allColumnsLine({ jobid: 10, fileList: ['/etc', '/var'] }, true),
        allColumnsLine({ jobid: 11, status: 13 }, true),
      ].join('\n'),
  ],
  [
    'plain report',
    () =>
      [
        '     JobID           Type State Status              Policy    Schedule       Client Dest Media Svr Active PID',
        '     13291         Backup  Done      0       MMORA1-Oracle  MMORA1-O.Full    mmora1         MMORA3',
        '     13293         Backup Queued             EGM_Weekly     Full           egm-db01',
      ].join('\n'),
  ],
  [
    'REST page (Veritas 11.2 admin example)',
    () =>
      JSON.stringify(
        yamlExample(
          'netbackup',
          'fjacquet-nbu_exporter__docs-veritas-11.2-admin.yaml__get-admin-jobs-200-example.yaml',
        ),
      ),
  ],
  [
    'REST page (admin API swagger example)',
    () =>
      JSON.stringify(
        yamlExample('netbackup', 'kmlebedev-netbackup-exporter__nbu-admin-api-api-swagger.yaml__getJobsResponse.yaml'),
      ),
  ],
];
for (const [name, text] of sources) {
  test(`equals JSON.stringify :: ${name}`, async () => {
    const jobs = await jobsOf(text() as string);
    assert.ok(jobs.length > 0, 'jobs parsed');
    assert.is(linesOf(jobs), stringified(jobs));
    assert.is(linesOf(jobs, 16), stringified(jobs));
  });
}

// Strings as a site may name things: quotes, backslashes, tabs, non-ASCII, emoji, a lone surrogate (from a string
// source), and the bpdbjobs escapes of commas.
const name = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom('STS "Daily"', 'C:\\Data\\', 'tab\there', 'données', '🛰 sat', 'lone \ud800', 'a\\,b'),
);
const safe = (s: string) => s.replace(/[\n\r]/g, ' ');
const spec: fc.Arbitrary<JobSpec> = fc.record({
  jobid: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  status: fc.oneof(fc.constant('' as const), fc.integer({ min: 0, max: 9999 })),
  state: fc.integer({ min: 0, max: 5 }),
  policy: name.map(safe),
  schedule: name.map(safe),
  client: name.map(safe),
  server: name.map(safe),
  fileList: fc.array(name.map(safe), { maxLength: 4 }),
  tries: fc.array(
    fc.record({
      started: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      elapsed: fc.integer({ min: 0, max: 100000 }),
      ended: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      status: fc.integer({ min: 0, max: 300 }),
      description: name.map(safe),
      lines: fc.array(name.map(safe), { maxLength: 3 }),
    }),
    { maxLength: 3 },
  ),
  extra: fc.array(name.map(safe), { maxLength: 2 }),
});

test('property :: generated -all_columns jobs with odd strings print exactly as JSON.stringify', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 6 }), fc.boolean(), async (specs, most) => {
      const jobs = await jobsOf(specs.map((s) => allColumnsLine(s, most)).join('\n'));
      return linesOf(jobs, 64) === stringified(jobs);
    }),
    { seed: 20261203, numRuns: 400 },
  );
});

test.run();
