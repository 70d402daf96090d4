// Resident memory of each function process idle after its cold start, as the local stack runs them (node
// dist/functions/<name>.mjs, real env, real embedded S3), read from /proc once each has listened and settled.
// Goal from cmp-ops-ops#18: an idle alert-router ≤ 80 MiB. `--root DIR` measures the bundles of another build (DIR
// holds dist/, config/ and stack.yml), for a before/after. Usage: npm run build && npx tsx bench/function-rss.ts [--root DIR] [name…]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStackFile } from '../scripts/local-stack/stack-file.ts';
import { startLocalStack } from '../scripts/local-stack/stack.ts';

const args = process.argv.slice(2);
const rootFlag = args.indexOf('--root');
const root = rootFlag >= 0 ? resolve(args.splice(rootFlag, 2)[1]!) : resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist', 'functions'))) throw new Error('run npm run build first');
const GOALS: Record<string, number> = { 'alert-router': 80 };

/** functionProcesses maps each function bundle run by this process's children to its pid. */
function functionProcesses(): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const bundle = /dist\/functions\/([a-z0-9-]+)\.mjs/.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
      if (bundle) found.set(bundle[1]!, Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** idleRss starts the local stack with one function only (so start-ups do not crowd each other) and reads its RSS. */
async function idleRss(name: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmp-ops-rss-'));
  const stack = await startLocalStack({
    root,
    dataDir,
    s3Port: 0,
    gatewayPort: 0,
    accessKey: 'minioadmin',
    secretKey: 'minioadmin',
    seedDemo: false,
    timers: false,
    only: [name],
    startTimeoutMs: 120_000,
    log: () => undefined,
  });
  try {
    const pid = functionProcesses().get(name);
    if (pid === undefined) throw new Error(`no process runs dist/functions/${name}.mjs`);
    // Idle: no request yet; the largest of a few readings a second apart, once start-up work has settled.
    await sleep(2000);
    let peak = 0;
    for (let i = 0; i < 3; i++) {
      peak = Math.max(peak, rssMiB(pid));
      await sleep(1000);
    }
    return peak;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const names = (args.length > 0 ? args : readStackFile(join(root, 'stack.yml')).map((f) => f.name)).sort();
console.log(`idle RSS of each function process after its cold start (${join(root, 'dist', 'functions')}):`);
for (const name of names) {
  const mib = await idleRss(name);
  const goal = GOALS[name];
  console.log(
    `  ${name.padEnd(20)} ${mib.toFixed(0).padStart(4)} MiB${goal ? ` (goal ≤ ${goal} MiB: ${mib <= goal ? 'met' : 'NOT met'})` : ''}`,
  );
}
