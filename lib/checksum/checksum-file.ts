import { blockLine, makeReject, readLineBlocks, type Reject } from '#lib/lines/index.ts';
import type { Algorithm } from './hash-engine.ts';

/** ChecksumEntry is one expected checksum read from a sidecar, manifest or tool output. */
export interface ChecksumEntry {
  kind: 'entry';
  line: number;
  algorithm: Algorithm;
  /** expected is lower-case hex, or the decimal CRC for `cksum`. */
  expected: string;
  /** name is the file the checksum is for (null for a bare digest, which covers the sidecar's own file). */
  name: string | null;
  /** size is given by `cksum` lines. */
  size?: number;
  format: 'gnu' | 'bsd-reversed' | 'tag' | 'certutil' | 'get-filehash' | 'cksum' | 'bare';
}

const BY_LENGTH: Record<number, Algorithm> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const TAGS: Record<string, Algorithm> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const HEX = /^[0-9a-fA-F]+$/;

function unescapeName(name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = name[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else return null; // any other escape, or a trailing backslash, is improperly formatted
  }
  return out;
}

/**
 * ChecksumFileReader reads checksum files line by line: GNU (`HEX  name`, `HEX *name`, `\`-escaped names), BSD/
 * OpenSSL 1 tags (`SHA256 (name) = HEX`), BSD reversed (`HEX name`), bare digests, Windows `certutil -hashfile`
 * output (spaced hex too), PowerShell `Get-FileHash` tables, lists and CSV, and POSIX `cksum` lines (`CRC SIZE
 * name`). It follows coreutils' `-c` rules (comments only at column 0, the first parsed line fixes GNU vs
 * reversed, names run to the end of line). The algorithm comes from the tag, the hex length, or `hint` (a
 * sidecar's extension) when lengths agree. A line it cannot read is a Reject with its number.
 */
export class ChecksumFileReader {
  private form: 'gnu' | 'reversed' | null = null;
  private certutilName: string | null = null;
  private certutilAlg: Algorithm | null = null;
  private tableColumns = false;
  private listEntry: { algorithm?: string; hash?: string; line?: number } | null = null;

  constructor(private readonly hint?: Algorithm) {}

  private algorithmFor(hex: string, tag?: string): Algorithm | null {
    if (tag) return TAGS[tag.toUpperCase()] ?? null;
    const byLength = BY_LENGTH[hex.length] ?? null;
    if (this.hint && byLength && this.hint !== byLength) return null;
    return byLength;
  }

  /** push reads one line and returns what it yields (nothing for comments, headers and blank lines). */
  push(raw: string, line: number): Array<ChecksumEntry | Reject> {
    if (raw.startsWith('#') || raw.trim() === '') return [];
    const bad = (reason: string) => [makeReject(line, reason, raw)];
    // certutil: "SHA256 hash of [file ]NAME:" then the digest line, then "CertUtil: … completed successfully."
    const certutil = /^(MD5|SHA1|SHA256|SHA384|SHA512) hash of (?:file )?(.*):$/.exec(raw.trim());
    if (certutil) {
      this.certutilAlg = TAGS[certutil[1]!] ?? null;
      this.certutilName = certutil[2]!;
      if (!this.certutilAlg) return bad(`UNSUPPORTED_ALGORITHM: ${certutil[1]}`);
      return [];
    }
    if (/^CertUtil: |^certutil /i.test(raw.trim())) return [];
    if (this.certutilName !== null) {
      const hex = raw.replace(/\s+/g, '');
      const name = this.certutilName;
      this.certutilName = null;
      if (!HEX.test(hex) || BY_LENGTH[hex.length] !== this.certutilAlg)
        return bad(`BAD_DIGEST: certutil ${this.certutilAlg} digest of ${name} has ${hex.length} hex digits`);
      return [
        { kind: 'entry', line, algorithm: this.certutilAlg!, expected: hex.toLowerCase(), name, format: 'certutil' },
      ];
    }
    // Get-FileHash: table (header + dashes), Format-List (three "Key : value" lines) and Export-Csv.
    if (/^Algorithm\s+Hash\s+Path\s*$/.test(raw)) {
      this.tableColumns = true;
      return [];
    }
    if (/^-+\s+-+\s+-+\s*$/.test(raw)) return [];
    const csv = /^"?([A-Za-z0-9]+)"?,"?([0-9A-Fa-f]+)"?,"?(.*?)"?$/.exec(raw);
    if (/^"?Algorithm"?,"?Hash"?,"?Path"?$/.test(raw) || raw.startsWith('#TYPE')) return [];
    const list = /^(Algorithm|Hash|Path)\s*:\s*(.*)$/.exec(raw);
    if (list) {
      this.listEntry ??= {};
      if (list[1] === 'Algorithm') this.listEntry.algorithm = list[2]!.trim();
      if (list[1] === 'Hash') this.listEntry.hash = list[2]!.trim();
      this.listEntry.line ??= line;
      if (list[1] !== 'Path') return [];
      const entry = this.listEntry;
      this.listEntry = null;
      return this.fileHashEntry(entry.algorithm ?? '', entry.hash ?? '', list[2]!.trim(), line, raw);
    }
    if (this.tableColumns) {
      const row = /^([A-Za-z0-9]+)\s+([0-9A-Fa-f]+)\s+(.+)$/.exec(raw);
      if (row && TAGS[row[1]!.toUpperCase()]) return this.fileHashEntry(row[1]!, row[2]!, row[3]!.trim(), line, raw);
    }
    if (csv && TAGS[csv[1]!.toUpperCase()] && BY_LENGTH[csv[2]!.length])
      return this.fileHashEntry(csv[1]!, csv[2]!, csv[3]!, line, raw);
    // POSIX cksum: "CRC SIZE name" in decimal.
    const cksum = /^(\d{1,10}) (\d+) (.+)$/.exec(raw);
    if (cksum && Number(cksum[1]) <= 0xffffffff) {
      return [
        {
          kind: 'entry',
          line,
          algorithm: 'cksum',
          expected: String(Number(cksum[1])),
          size: Number(cksum[2]),
          name: cksum[3]!,
          format: 'cksum',
        },
      ];
    }
    return this.coreutilsLine(raw, line);
  }

  private fileHashEntry(
    algorithm: string,
    hash: string,
    path: string,
    line: number,
    raw: string,
  ): Array<ChecksumEntry | Reject> {
    const alg = TAGS[algorithm.toUpperCase()];
    if (!alg) return [makeReject(line, `UNSUPPORTED_ALGORITHM: ${algorithm}`, raw)];
    if (!HEX.test(hash) || BY_LENGTH[hash.length] !== alg)
      return [makeReject(line, `BAD_DIGEST: ${hash.length} hex digits for ${algorithm}`, raw)];
    return [{ kind: 'entry', line, algorithm: alg, expected: hash.toLowerCase(), name: path, format: 'get-filehash' }];
  }

  private coreutilsLine(raw: string, line: number): Array<ChecksumEntry | Reject> {
    let s = raw.replace(/^[ \t]+/, '');
    const escaped = s.startsWith('\\');
    if (escaped) s = s.slice(1);
    const bad = (reason: string) => [makeReject(line, reason, raw)];
    const tag = /^(MD5|SHA1|SHA256|SHA512) ?\((.*)\)[ \t]*=[ \t]*([0-9A-Fa-f]+)$/.exec(s);
    if (tag) {
      const alg = this.algorithmFor(tag[3]!, tag[1]);
      if (!alg || BY_LENGTH[tag[3]!.length] !== alg)
        return bad(`BAD_DIGEST: ${tag[3]!.length} hex digits for ${tag[1]}`);
      const name = escaped ? unescapeName(tag[2]!) : tag[2]!;
      if (name === null) return bad('BAD_ESCAPE: only \\\\, \\n and \\r may be escaped in a name');
      return [{ kind: 'entry', line, algorithm: alg, expected: tag[3]!.toLowerCase(), name, format: 'tag' }];
    }
    const m = /^([0-9A-Fa-f]+)(?:( [ *])(.*)| (.*))?$/.exec(s);
    if (!m) return bad('IMPROPERLY_FORMATTED: not a checksum line');
    const hex = m[1]!;
    const alg = this.algorithmFor(hex);
    if (!alg)
      return bad(
        `BAD_DIGEST: ${hex.length} hex digits is no supported digest${this.hint ? ` (expected ${this.hint})` : ''}`,
      );
    if (m[2] === undefined && m[4] === undefined)
      return [{ kind: 'entry', line, algorithm: alg, expected: hex.toLowerCase(), name: null, format: 'bare' }];
    // The first parsed line fixes the form: after GNU, `hex name` is improper; after reversed, `hex  name` names ' name'.
    let form: 'gnu' | 'reversed';
    let rawName: string;
    if (m[2] !== undefined && this.form !== 'reversed') {
      form = 'gnu';
      rawName = m[3]!;
    } else if (m[2] !== undefined) {
      form = 'reversed';
      rawName = `${m[2].slice(1)}${m[3]}`;
    } else {
      if (this.form === 'gnu') return bad('IMPROPERLY_FORMATTED: a reversed (BSD) line after GNU lines');
      form = 'reversed';
      rawName = m[4]!;
    }
    this.form ??= form;
    const name = escaped ? unescapeName(rawName) : rawName;
    if (name === null || name === '') return bad('BAD_ESCAPE: only \\\\, \\n and \\r may be escaped in a name');
    return [
      {
        kind: 'entry',
        line,
        algorithm: alg,
        expected: hex.toLowerCase(),
        name,
        format: form === 'gnu' ? 'gnu' : 'bsd-reversed',
      },
    ];
  }
}

/** readChecksumText parses a whole (small) checksum text: sidecars and manifests are read with a size cap. */
export function readChecksumText(text: string, hint?: Algorithm): Array<ChecksumEntry | Reject> {
  const reader = new ChecksumFileReader(hint);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.flatMap((l, i) => reader.push(l.endsWith('\r') ? l.slice(0, -1) : l, i + 1));
}

/** readChecksumStream parses a checksum file as it streams: a manifest may name many thousand files. */
export async function* readChecksumStream(
  source: AsyncIterable<Uint8Array | string>,
  hint?: Algorithm,
): AsyncGenerator<ChecksumEntry | Reject> {
  const reader = new ChecksumFileReader(hint);
  for await (const block of readLineBlocks(source)) {
    for (let i = 0; i < block.count; i++) {
      const line = blockLine(block, i);
      if (typeof line === 'string') yield* reader.push(line, block.first + i);
      else yield line;
    }
  }
}

/** hintFromName guesses the algorithm from a sidecar or manifest name (`x.sha256`, `SHA512SUMS`, `x.md5sum`). */
export function hintFromName(name: string): Algorithm | undefined {
  const n = name.toLowerCase();
  if (/(\.sha256(sum)?|sha256sums)$/.test(n)) return 'sha256';
  if (/(\.sha512(sum)?|sha512sums)$/.test(n)) return 'sha512';
  if (/(\.sha1(sum)?|sha1sums)$/.test(n)) return 'sha1';
  if (/(\.md5(sum)?|md5sums)$/.test(n)) return 'md5';
  if (/\.cksum$/.test(n)) return 'cksum';
  return undefined;
}
