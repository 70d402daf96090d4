import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * runIntoClosedPipe runs `cmp-ops <args>` as a process whose stdout is a real pipe, reads its first line, then closes
 * the read end (as `| head -1` does) and resolves; file arguments are absolute (it runs from the project root, where tsx resolves) to the exit status, that first line and everything on stderr.
 */
export function runIntoClosedPipe(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'entry.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let seen = '';
  let first = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdout.on('data', (d: Buffer) => {
    if (first) return;
    seen += d.toString('utf8');
    const end = seen.indexOf('\n');
    if (end >= 0) {
      first = seen.slice(0, end);
      child.stdout.destroy();
    }
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, first, stderr })));
}
