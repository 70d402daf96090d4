import type { Readable, Writable } from 'node:stream';
import { JsonBytes } from '#lib/json/index.ts';

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
export function parseFlags(
  argv: string[],
  booleans: string[] = [],
): { flags: Map<string, string[]>; positionals: string[] } {
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

/** EXIT_BROKEN_PIPE is the status of a command whose reader went away (as a shell reports a tool ended by SIGPIPE). */
export const EXIT_BROKEN_PIPE = 141;

/**
 * RecordOutput writes a command's JSON lines in large blocks (see JsonBytes), waits when the reader is slower, and
 * notices when the reader went away (EPIPE, as with `| head -1`): `closed` turns true and the command should stop
 * quietly, like a Unix tool, instead of dying with a stack trace.
 */
export class RecordOutput {
  readonly json: JsonBytes;
  private full = false;
  private broken = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly out: Writable) {
    this.json = new JsonBytes((chunk) => {
      if (!this.broken && !out.write(chunk)) this.full = true;
    });
    // The listener stays for the life of the stream: an EPIPE may surface after the command returned.
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.failure ??= err;
      this.broken = true;
      this.resume();
    });
    out.on('drain', () => this.resume());
    out.on('close', () => this.resume());
  }

  /** closed is true once the reader went away. */
  get closed(): boolean {
    return this.broken;
  }

  /**
   * settle hands what was written over and, when the reader fell behind, waits for it; call it after each batch of
   * input, so a live input (`tail -f`) shows its lines at once and a file is written a batch (about 1 MiB) at a time.
   * A write error other than the reader going away (a full disk) is thrown.
   */
  async settle(): Promise<void> {
    this.json.flush();
    while (this.full && !this.broken && !this.out.writableEnded && !this.out.destroyed && this.out.writableNeedDrain)
      await new Promise<void>((resolve) => (this.wake = resolve));
    this.full = false;
    if (this.failure) throw this.failure;
  }

  private resume(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
