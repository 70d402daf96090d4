// writeTransferLine must print what `JSON.stringify(record)` prints, key order and escapes included, for the
// transfers of every log reader (each real sample in test/fixtures/ftp) and for generated xferlog lines.
import { readdirSync } from 'node:fs';
import { DateTime } from 'luxon';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonBytes } from '#lib/json/index.ts';
import { sourceOf } from '#lib/lines/index.ts';
import { parseFtpLog, writeTransferLine, type TransferRecord } from '#lib/ftp/index.ts';
import { fixturePath, readFixture } from '../helpers/fixtures.ts';

const test = suite('ftp/transfer-json');
const FILE_TIME = DateTime.fromISO('2026-12-01T00:00:00Z', { zone: 'utc' });

async function transfersOf(text: string): Promise<TransferRecord[]> {
  const out: TransferRecord[] = [];
  for await (const r of parseFtpLog(sourceOf(text), { server: 'ftp "1"', zone: 'Europe/Paris', fileTime: FILE_TIME }))
    if (r.kind === 'transfer') out.push(r);
  return out;
}

function linesOf(records: TransferRecord[], blockSize = 1 << 16): string {
  const chunks: Buffer[] = [];
  const w = new JsonBytes((c) => chunks.push(Buffer.from(c)), blockSize);
  for (const r of records) writeTransferLine(w, r);
  w.flush();
  return Buffer.concat(chunks).toString('utf8');
}
const stringified = (records: TransferRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

const samples = readdirSync(fixturePath('ftp', '.')).filter((f) => f.endsWith('.log'));
let seen = 0;
for (const sample of samples) {
  test(`equals JSON.stringify :: ${sample}`, async () => {
    const records = await transfersOf(readFixture('ftp', sample));
    seen += records.length;
    assert.is(linesOf(records), stringified(records));
    assert.is(linesOf(records, 32), stringified(records));
  });
}
test('samples :: the real logs hold transfers of several formats', () => {
  assert.ok(seen >= 10, `${seen} transfers`);
});

const field = fc.oneof(
  fc.stringMatching(/^[^\s]{1,24}$/),
  fc.constantFrom('C:\\x', 'q"uote', 'données', '🛰', 'ctl\u0001'),
);
test('property :: generated xferlog transfers with odd paths and users print exactly as JSON.stringify', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 99999 }),
          field,
          fc.integer({ min: 0, max: 2 ** 40 }),
          field,
          fc.constantFrom('a', 'b'),
          fc.constantFrom('i', 'o', 'd'),
          fc.constantFrom('r', 'a', 'g'),
          fc.constantFrom('c', 'i'),
        ),
        { minLength: 1, maxLength: 8 },
      ),
      async (rows) => {
        const text = rows
          .map(
            ([secs, path, size, user, type, dir, access, status]) =>
              `Mon Nov 23 22:08:52 2026 ${secs} ::ffff:10.0.0.1 ${size} /${path} ${type} _ ${dir} ${access} ${user} ftp 0 * ${status}`,
          )
          .join('\n');
        const records = await transfersOf(text);
        return records.length === rows.length && linesOf(records, 48) === stringified(records);
      },
    ),
    { seed: 20261203, numRuns: 300 },
  );
});

test.run();
