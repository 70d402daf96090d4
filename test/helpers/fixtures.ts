import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** readFixture reads a copied real sample from test/fixtures/<source>/<name>. */
export function readFixture(source: string, name: string): string {
  return readFileSync(join(FIXTURES, source, name), 'utf8');
}

/** fixturePath is the path of a copied sample, for code that streams files. */
export function fixturePath(source: string, name: string): string {
  return join(FIXTURES, source, name);
}
