import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matchTriggers, parseTriggers } from '#lib/triggers/index.ts';

const test = suite('triggers/triggers');
const declaration = parseTriggers(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config', 'triggers.json'), 'utf8')),
);

test('declaration :: the repository file is valid and uses exact event names only', () => {
  for (const target of declaration.targets) for (const name of target.events) assert.not.match(name, /\*|Tagging/);
});

const cases: Array<[string, { bucket: string; key: string; name: string }, string[]]> = [
  ['file in inbox', { bucket: 'inbox', key: 'STS/a.bin', name: 's3:ObjectCreated:Put' }, ['checksum-verify']],
  ['tagging never triggers', { bucket: 'inbox', key: 'STS/a.bin', name: 's3:ObjectCreated:PutTagging' }, []],
  [
    'netbackup report',
    { bucket: 'reports', key: 'netbackup/master1/2026-11-24.txt', name: 's3:ObjectCreated:Put' },
    ['netbackup-status'],
  ],
  [
    'ftp log',
    { bucket: 'reports', key: 'ftp/ftp1/xferlog', name: 's3:ObjectCreated:CompleteMultipartUpload' },
    ['ftp-audit'],
  ],
  ['quarantine copy', { bucket: 'quarantine', key: 'STS/a.bin', name: 's3:ObjectCreated:Copy' }, []],
];
for (const [name, event, functions] of cases) {
  test(`matching :: ${name}`, () => {
    assert.equal(
      matchTriggers(declaration, event).map((t) => t.function),
      functions,
    );
  });
}

test('validation :: a wildcard event is rejected naming the field', () => {
  try {
    parseTriggers({
      targets: [{ id: 'X', function: 'f', bucket: 'inbox', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' }],
    });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_REQUEST');
    assert.ok((err as Error).message.includes('/targets/0/events/0'));
  }
});

test.run();
