// FNV-1a 64 in four 16-bit words: BigInt arithmetic per byte cost more than the rest of an ingest. The prime is
// 2^40 + 0x1b3, so hash·prime mod 2^64 = hash·0x1b3 + (hash << 40): word by word, every product stays a small
// integer, and the carries move up 16 bits at a time.
const ASCII = /^[\x00-\x7f]*$/;
const SEPARATOR = 0xff;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** fnvBytes is the byte sequence hashed: each name, 0xFF, its value, 0xFF; UTF-8 where a text is not ASCII. */
function fnvBytes(names: string[], labels: Record<string, string>): Array<string | Buffer> {
  const parts: Array<string | Buffer> = [];
  for (const name of names)
    parts.push(
      ASCII.test(name) ? name : Buffer.from(name, 'utf8'),
      ASCII.test(labels[name]!) ? labels[name]! : Buffer.from(labels[name]!, 'utf8'),
    );
  return parts;
}

/**
 * fingerprintLabels computes Alertmanager's alert fingerprint (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the label names sorted byte-wise, each name then 0xFF then its value then 0xFF, as %016x.
 */
export function fingerprintLabels(labels: Record<string, string>): string {
  const names = Object.keys(labels);
  // UTF-16 order is UTF-8 byte order for ASCII names (label names are ASCII by the schema); others sort by bytes
  if (names.length > 1) {
    if (names.every((n) => ASCII.test(n))) names.sort();
    else names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }
  // the offset basis 0xcbf29ce484222325, low word first
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const part of fnvBytes(names, labels)) {
    const text = typeof part === 'string' ? part : undefined;
    const n = part.length;
    for (let i = 0; i <= n; i++) {
      // after the last byte of a part comes its 0xFF separator
      h0 ^= i === n ? SEPARATOR : text !== undefined ? text.charCodeAt(i) : (part as Buffer)[i]!;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
    }
  }
  return (
    HEX[h3 >>> 8]! +
    HEX[h3 & 0xff]! +
    HEX[h2 >>> 8]! +
    HEX[h2 & 0xff]! +
    HEX[h1 >>> 8]! +
    HEX[h1 & 0xff]! +
    HEX[h0 >>> 8]! +
    HEX[h0 & 0xff]!
  );
}
