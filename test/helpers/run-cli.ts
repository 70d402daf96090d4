import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/main.ts';

/** runCliCaptured runs `cmp-ops <args>` in-process with captured stdout/stderr, stdin text and a working directory. */
export async function runCliCaptured(
  args: string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const input = new PassThrough();
  input.end(options.stdin ?? '');
  const code = await runCli(args, {
    stdin: input,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, out, err };
}
