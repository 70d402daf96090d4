import type { Readable, Writable } from 'node:stream';

/** CliIO is what a command may touch: its streams and environment, injected so tests can run commands in-process. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** cwd resolves relative file arguments. */
  cwd: string;
}

/** CliCommand runs one `cmp-ops <name> …` command and resolves to its exit status: 0 ok, 1 problems found, 2 bad usage or input. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

/** UsageError is bad usage: the dispatcher prints its message on stderr and exits 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** parseFlags splits argv into --flags (with values) and positionals; a flag listed in `booleans` takes no value. */
export function parseFlags(argv: string[], booleans: string[] = []): { flags: Map<string, string[]>; positionals: string[] } {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (booleans.includes(name)) value = 'true';
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`--${name} needs a value`);
        value = next;
        i++;
      }
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else positionals.push(arg);
  }
  return { flags, positionals };
}

/** writeJsonLine prints one record as a JSON line. */
export function writeJsonLine(out: Writable, record: unknown): void {
  out.write(`${JSON.stringify(record)}\n`);
}
