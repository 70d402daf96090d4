// run-all runs every benchmark, one after the other (they measure against references on the same two cores, so
// never two at once), with their default sizes but alert-storm's (see ARGS): `npm run build && npm run bench [name…]`
// (names: see BENCHES). Each
// prints its own ratios; this adds the time taken and the load average around each, and ends with the ratios of
// cmp-ops-ops#18's table gathered from this one run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const BENCHES = [
  'hash',
  's3-verify',
  'netbackup-parse',
  'ftp-parse',
  'function-rss',
  'router-wrk',
  'sweep',
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

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** runBench runs one benchmark, its output shown as it comes, and resolves to its exit status and its lines. */
function runBench(name: string): Promise<{ status: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`), ...(ARGS[name] ?? [])],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      text += chunk.toString();
    });
    child.on('close', (status) => resolve({ status, lines: text.split('\n') }));
  });
}

// The lines that carry a goal of the issue's table (a ratio or a figure against its goal).
const TABLE_LINE = /goal/;
const table: string[] = [];
let failed = 0;
for (const name of wanted.length ? wanted : BENCHES) {
  const before = load();
  console.log(`\n== bench/${name}.ts (load average ${before})`);
  const started = performance.now();
  const run = await runBench(name);
  const after = load();
  console.log(
    `(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${after}${run.status === 0 ? '' : `, exit ${run.status}`})`,
  );
  for (const line of run.lines.filter((l) => TABLE_LINE.test(l)))
    table.push(`${name}: ${line.trim()} [load ${before} → ${after}]`);
  if (run.status !== 0) {
    failed++;
    table.push(`${name}: FAILED (exit ${run.status})`);
  }
}
console.log(`\n== the goals, from this run (${new Date().toISOString()}, load averages over 1, 5, 15 min)`);
for (const line of table) console.log(line);
process.exitCode = failed ? 1 : 0;
