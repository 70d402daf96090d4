import type { Reject } from '#lib/lines/index.ts';
import type { ChecksumEntry } from './checksum-file.ts';
import { hashStream } from './hash-engine.ts';

/** CheckResult is the outcome of one manifest line, as `sha256sum -c` reports it. */
export interface CheckResult {
  line: number;
  name: string;
  algorithm: string;
  expected: string;
  actual: string | null;
  status: 'OK' | 'FAILED' | 'FAILED open or read';
  error?: string;
}

/** CheckSummary counts what `-c` warns about and decides the exit status by coreutils' rules. */
export interface CheckSummary {
  results: CheckResult[];
  improper: number;
  unreadable: number;
  mismatched: number;
  matched: number;
  exitCode: 0 | 1;
}

/** FileOpener opens a named file for reading, or throws with a message (`No such file or directory`). */
export type FileOpener = (name: string) => Promise<AsyncIterable<Uint8Array>>;

/**
 * checkEntries verifies each entry like `sha256sum -c`: exit 0 only if at least one digest matched, none
 * mismatched and none was unreadable (improper lines alone do not fail, unless `strict`).
 */
export async function checkEntries(
  items: Array<ChecksumEntry | Reject>,
  open: FileOpener,
  options: { strict?: boolean; sidecarTarget?: string; signal?: AbortSignal } = {},
): Promise<CheckSummary> {
  const summary: CheckSummary = { results: [], improper: 0, unreadable: 0, mismatched: 0, matched: 0, exitCode: 0 };
  for (const item of items) {
    if (item.kind === 'reject') {
      summary.improper++;
      continue;
    }
    const name = item.name ?? options.sidecarTarget;
    if (!name) {
      summary.improper++;
      continue;
    }
    const base = { line: item.line, name, algorithm: item.algorithm, expected: item.expected };
    try {
      const { digests, size } = await hashStream(
        await open(name),
        [item.algorithm],
        options.signal ? { signal: options.signal } : {},
      );
      const actual = digests[item.algorithm]!;
      const ok = actual === item.expected && (item.size === undefined || item.size === size);
      if (ok) summary.matched++;
      else summary.mismatched++;
      summary.results.push({ ...base, actual, status: ok ? 'OK' : 'FAILED' });
    } catch (err) {
      summary.unreadable++;
      summary.results.push({ ...base, actual: null, status: 'FAILED open or read', error: (err as Error).message });
    }
  }
  const properlyFormatted = summary.results.length > 0;
  summary.exitCode =
    properlyFormatted &&
    summary.matched > 0 &&
    summary.mismatched === 0 &&
    summary.unreadable === 0 &&
    !(options.strict && summary.improper > 0)
      ? 0
      : 1;
  return summary;
}

/** statusLine renders one result as `-c` prints it: a name holding a newline is escaped and prefixed with `\`. */
export function statusLine(result: CheckResult): string {
  const escaped = result.name.includes('\n');
  const name = escaped ? `\\${result.name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}` : result.name;
  return `${name}: ${result.status}`;
}

/** warningLines renders the trailing WARNING lines with coreutils' wording and plurals. */
export function warningLines(summary: CheckSummary, tool: string, manifest: string): string[] {
  const out: string[] = [];
  if (summary.results.length === 0) return [`${tool}: ${manifest}: no properly formatted checksum lines found`];
  if (summary.improper)
    out.push(
      `${tool}: WARNING: ${summary.improper} ${summary.improper === 1 ? 'line is' : 'lines are'} improperly formatted`,
    );
  if (summary.unreadable)
    out.push(
      `${tool}: WARNING: ${summary.unreadable} listed ${summary.unreadable === 1 ? 'file' : 'files'} could not be read`,
    );
  if (summary.mismatched)
    out.push(
      `${tool}: WARNING: ${summary.mismatched} computed ${summary.mismatched === 1 ? 'checksum' : 'checksums'} did NOT match`,
    );
  return out;
}
