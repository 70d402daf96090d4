// Shared timing for the benches: each side runs as a child process under /usr/bin/time (wall seconds and peak RSS),
// the sides of a comparison interleaved round by round so a stall of the shared machine hits both, medians reported.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Run is one timed process: wall seconds, peak RSS in MiB and its stdout. */
export interface Run {
  seconds: number;
  rssMiB: number;
  out: string;
}

/** timeProcess runs `command args…` to the end (exit 0 or 1 accepted) and measures it; `outFile` takes its stdout. */
export function timeProcess(
  command: string,
  args: string[],
  options: SpawnSyncOptions & { outFile?: string } = {},
): Run {
  const { outFile, ...spawnOptions } = options;
  const fd = outFile ? openSync(outFile, 'w') : null;
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    ...spawnOptions,
    ...(fd !== null ? { stdio: ['ignore', fd, 'pipe'] } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  if (fd !== null) closeSync(fd);
  const stderr = String(r.stderr);
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${stderr.slice(-2000)}`);
  return { seconds, rssMiB: Number(stderr.trim().split('\n').at(-1)) / 1024, out: String(r.stdout) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Summary is a side's median seconds over the rounds, its largest peak RSS and every round's seconds. */
export interface Summary {
  seconds: number;
  rssMiB: number;
  all: number[];
}

/** interleave runs every side once per round, in turn, for `rounds` rounds, and summarizes each side. */
export function interleave<K extends string>(rounds: number, sides: Record<K, () => Run>): Record<K, Summary> {
  const runs = Object.fromEntries(Object.keys(sides).map((k) => [k, [] as Run[]])) as unknown as Record<K, Run[]>;
  for (let round = 0; round < rounds; round++) for (const k of Object.keys(sides) as K[]) runs[k].push(sides[k]());
  const out = {} as Record<K, Summary>;
  for (const k of Object.keys(runs) as K[])
    out[k] = {
      seconds: median(runs[k].map((r) => r.seconds)),
      rssMiB: Math.max(...runs[k].map((r) => r.rssMiB)),
      all: runs[k].map((r) => r.seconds),
    };
  return out;
}

/** verdict prints whether a ratio meets its goal: `≥ 1.00` or `≤ 1.10`. */
export function verdict(ratio: number, goal: string): string {
  const [op, value] = goal.split(' ') as [string, string];
  const ok = op === '≥' ? ratio >= Number(value) : ratio <= Number(value);
  return `ratio ${ratio.toFixed(2)} (goal ${goal}: ${ok ? 'met' : 'NOT met'})`;
}

/** spread prints a side's rounds, so a reader sees the noise behind a median. */
export const spread = (s: Summary): string => `[${s.all.map((x) => x.toFixed(2)).join(' ')}]`;
