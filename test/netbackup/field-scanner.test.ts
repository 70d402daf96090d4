// A report read from bytes (the ASCII fast path: fields scanned in the bytes of a line block) gives exactly the
// records of the same report read from one string, however the bytes are cut into chunks.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceOf } from '#lib/lines/index.ts';
import { parseNetBackup, type NetBackupRecord } from '#lib/netbackup/index.ts';
import { FieldScanner } from '../../lib/netbackup/field-scanner.ts';
import { allColumnsLine, type JobSpec } from '../helpers/netbackup-lines.ts';

const test = suite('netbackup/field-scanner');

async function collect(source: AsyncIterable<Uint8Array | string>): Promise<NetBackupRecord[]> {
  const out: NetBackupRecord[] = [];
  for await (const r of parseNetBackup(source)) out.push(r);
  return out;
}

async function* byteChunks(bytes: Buffer, cuts: number[]) {
  let at = 0;
  for (const cut of cuts) {
    yield bytes.subarray(at, at + cut);
    at += cut;
  }
  yield bytes.subarray(at);
}

const value = fc.oneof(
  fc.constantFrom('STS_Daily', 'C:\\', 'D:\\Data, archive', 'a\\,b', 'x\\\\', '', ' 7 ', '-', 'été', '12,', ',,'),
  fc.stringMatching(/^[ -~]{0,12}$/),
);
const tryspec = fc.record({
  started: fc.integer({ min: 0, max: 2e9 }),
  elapsed: fc.nat(),
  ended: fc.integer({ min: 0, max: 2e9 }),
  status: fc.integer({ min: 0, max: 300 }),
  lines: fc.array(value, { maxLength: 4 }),
  description: value,
});
const job = fc.record(
  {
    jobid: fc.nat({ max: 1e7 }),
    jobtype: fc.nat({ max: 40 }),
    state: fc.nat({ max: 6 }),
    status: fc.oneof(fc.nat({ max: 300 }), fc.constant('' as const)),
    policy: value,
    schedule: value,
    client: value,
    fileList: fc.array(value, { maxLength: 3 }),
    tries: fc.array(tryspec, { maxLength: 3 }),
    parentjob: fc.nat({ max: 1e7 }),
    extra: fc.array(value, { maxLength: 3 }),
  },
  { requiredKeys: ['jobid'] },
);
const line = fc.oneof(
  { weight: 6, arbitrary: job.map((j) => allColumnsLine(j as JobSpec)) },
  { weight: 1, arbitrary: job.map((j) => allColumnsLine(j as JobSpec, true)) },
  // a record cut by an embedded newline after its k-th comma
  {
    weight: 1,
    arbitrary: fc.tuple(job, fc.nat({ max: 80 })).map(([j, k]) => {
      let n = 0;
      return allColumnsLine(j as JobSpec).replace(/,/g, (c) => (n++ === k ? '\n' : c));
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'C2',
      '-3',
      '',
      '1,2,3',
      'garbage',
      '  ',
      '12,x,3,',
      allColumnsLine({ jobid: 5 }).slice(0, 200),
    ),
  },
);

test('bytes vs string :: the same records, line numbers and rejects, for any chunking', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(line, { minLength: 1, maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
      fc.constantFrom('\n', '\r\n'),
      async (lines, cuts, eol) => {
        const text = [allColumnsLine({ jobid: 1 }), ...lines].join(eol);
        const fromString = await collect(sourceOf(text));
        assert.equal(await collect(byteChunks(Buffer.from(text), cuts)), fromString);
      },
    ),
    { seed: 20261201, numRuns: 400 },
  );
});

test('field scanner :: bytes at any alignment give the fields of the string scan (commas, escapes, backslash runs)', () => {
  const fields = (f: FieldScanner) => Array.from({ length: f.count }, (_, i) => [f.text(i), f.int(i), f.isEmpty(i)]);
  fc.assert(
    fc.property(fc.stringMatching(/^[a,\\ 0-9-]{0,90}$/), fc.nat({ max: 7 }), (line, pad) => {
      const strings = new FieldScanner();
      strings.scan(line);
      const bytes = new FieldScanner();
      const buffer = Buffer.from(`${'\\'.repeat(pad)}${line}\n`);
      bytes.scanBytes(buffer, buffer.toString('latin1'), pad, pad + line.length);
      assert.equal(fields(bytes), fields(strings), JSON.stringify(line));
      assert.is(bytes.line(), line);
    }),
    { seed: 20261201, numRuns: 5000 },
  );
});

test.run();
