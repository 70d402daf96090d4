// run-tests runs every uvu suite under test/ in one process and prints the closing "N passed, N failed" line.
// Usage: tsx scripts/run-tests.ts [substring…]  (only test files whose path contains one of the substrings)
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type SuiteRun = () => Promise<[unknown, number, number, number]>;
const root = resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: Array<Array<string | SuiteRun>>; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
for (const [index, file] of files.entries()) {
  g.UVU_INDEX = index;
  g.UVU_QUEUE.push([relative(root, file)]);
  await import(pathToFileURL(file).href);
}

// Count from the runner's own totals: wrap every queued suite run so the closing line cannot drift from what ran.
let passed = 0;
let total = 0;
let skipped = 0;
for (const group of g.UVU_QUEUE) {
  for (let i = 1; i < group.length; i++) {
    const run = group[i] as SuiteRun;
    group[i] = async () => {
      const result = await run();
      passed += result[1];
      skipped += result[2];
      total += result[3];
      return result;
    };
  }
}
// A hung test must fail the run, not the 90-minute CI limit.
const limitMs = Number(process.env.TEST_TIMEOUT_MS ?? 20 * 60_000);
const watchdog = setTimeout(() => {
  process.stdout.write(`\ntest run exceeded ${limitMs} ms\n${passed} passed, ${total - passed - skipped + 1} failed\n`);
  process.exit(1);
}, limitMs);
watchdog.unref();
const { exec } = await import('uvu');
await exec();
const failed = total - passed - skipped;
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
if (total === 0) {
  process.stderr.write('no test ran\n');
  process.exitCode = 1;
} else if (failed > 0) process.exitCode = 1;
// Servers a test forgot to close must not keep CI waiting.
setTimeout(() => process.exit(), 2000).unref();
