// run-all runs every benchmark, one after the other (they measure against references on the same two cores, so
// never two at once), with their default sizes but alert-storm's (see ARGS): `npm run build && npm run bench [name…]`
// (names: hash, s3-verify, sweep, netbackup-parse, ftp-parse, function-rss, alert-router, e2e-latency, rgw, console,
// alert-storm). Each prints its own ratios; this adds the time taken.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCHES = [
  'hash',
  's3-verify',
  'sweep',
  'netbackup-parse',
  'ftp-parse',
  'function-rss',
  'alert-router',
  'e2e-latency',
  'rgw',
  'console',
  'alert-storm',
];
// sizes that keep one run under 2 minutes on this machine (the benches' own defaults are the issue's figures)
const ARGS: Record<string, string[]> = { 'alert-storm': ['20000'] };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (one of ${BENCHES.join(', ')})`);
  process.exit(2);
}
if (!existsSync(join(import.meta.dirname, '..', 'dist', 'cli.mjs'))) {
  console.error('run npm run build first: the benchmarks measure the bundles');
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : BENCHES) {
  console.log(`\n== bench/${name}.ts`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`), ...(ARGS[name] ?? [])],
    {
      stdio: 'inherit',
    },
  );
  console.log(
    `(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s${run.status === 0 ? '' : `, exit ${run.status}`})`,
  );
  if (run.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
