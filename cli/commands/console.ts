import { createInterface } from 'node:readline';
import { hashPassword, isUserName } from '#lib/console/index.ts';
import { parseFlags, UsageError, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops console add-user NAME   (the password is read from stdin: typed without echo, or piped)
Prints the NAME:hash line for the cmp-ops-console-users secret (one line per user; docs/console.md).`;

async function readPassword(io: CliIO): Promise<string> {
  const tty = (io.stdin as { isTTY?: boolean }).isTTY === true;
  if (tty) io.stderr.write('password (not shown): ');
  // a terminal gets no echo: the readline writes to nothing
  const lines = createInterface({
    input: io.stdin,
    ...(tty
      ? { output: new (await import('node:stream')).Writable({ write: (_c, _e, done) => done() }), terminal: true }
      : {}),
  });
  for await (const line of lines) {
    lines.close();
    if (tty) io.stderr.write('\n');
    return line;
  }
  return '';
}

/** run implements `cmp-ops console add-user NAME`: a scrypt hash of the password, printed as the secret's line. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { positionals } = parseFlags(rest);
  const name = positionals[0];
  if (action !== 'add-user' || !name || positionals.length !== 1) throw new UsageError(USAGE);
  if (!isUserName(name)) throw new UsageError(`${name}: a user name is 1 to 64 letters, digits, ".", "_" or "-"`);
  const password = await readPassword(io);
  if (password.length < 8) throw new UsageError('the password needs at least 8 characters');
  io.stdout.write(`${name}:${await hashPassword(password)}\n`);
  return 0;
}
