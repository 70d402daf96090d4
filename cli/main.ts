import { COMMANDS } from './commands/index.ts';
import { EXIT_BROKEN_PIPE, UsageError, type CliIO } from './io.ts';

/** runCli dispatches `cmp-ops <command> …` and resolves to the exit status (2 on bad usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr.write(`${name ? `unknown command: ${name}\n` : ''}usage: cmp-ops <command> …\n`);
    for (const [command, { summary }] of Object.entries(COMMANDS))
      io.stderr.write(`  ${command.padEnd(10)} ${summary}\n`);
    return 2;
  }
  try {
    const { run } = await entry.load();
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cmp-ops ${name}: ${err.message}\n`);
      return 2;
    }
    const code = (err as { code?: unknown }).code;
    io.stderr.write(
      `cmp-ops ${name}: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message ?? String(err)}\n`,
    );
    return 2;
  }
}

/** main is the process entry: real streams, real env, real exit status. */
export async function main(): Promise<void> {
  // A reader that went away (`| head -1`) ends any command quietly with the status a shell gives a tool killed by
  // SIGPIPE, instead of an unhandled EPIPE and its stack trace; the record-streaming commands notice it on their own.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT_BROKEN_PIPE);
  });
  const status = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = status;
}
