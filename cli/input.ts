import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError, type CliIO } from './io.ts';

/** openInput opens a file argument, or stdin for `-` or no argument; a missing file is a usage error (exit 2). */
export async function openInput(path: string | undefined, io: CliIO): Promise<Readable> {
  if (path === undefined || path === '-') return io.stdin;
  // Large reads: a parser reads a block of lines per chunk, one await each.
  const stream = createReadStream(resolve(io.cwd, path), { highWaterMark: 1 << 20 });
  await new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (err) =>
      fail(new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)),
    );
  });
  return stream;
}

/** renderTable aligns rows of strings into columns for a terminal. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
