// FNV-1a 64 in two 32-bit halves: BigInt arithmetic per byte cost more than the rest of an ingest. The prime is
// 2^40 + 0x1b3, so hash·prime mod 2^64 = hash·0x1b3 + (hash << 40); every partial product stays below 2^42, exact
// in a double, and `>>> 0` takes it modulo 2^32.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3;
const TWO_32 = 0x100000000;
const ASCII = /^[\x00-\x7f]*$/;

let hi = OFFSET_HI;
let lo = OFFSET_LO;

function step(byte: number): void {
  const x = (lo ^ byte) >>> 0;
  const low = x * PRIME_LO;
  lo = low >>> 0;
  hi = (hi * PRIME_LO + Math.floor(low / TWO_32) + ((x << 8) >>> 0)) >>> 0;
}

function feed(text: string): void {
  if (ASCII.test(text)) for (let i = 0; i < text.length; i++) step(text.charCodeAt(i));
  else for (const byte of Buffer.from(text, 'utf8')) step(byte);
}

/**
 * fingerprintLabels computes Alertmanager's alert fingerprint (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the label names sorted byte-wise, each name then 0xFF then its value then 0xFF, as %016x.
 */
export function fingerprintLabels(labels: Record<string, string>): string {
  const names = Object.keys(labels);
  // UTF-16 order is UTF-8 byte order for ASCII names (label names are ASCII by the schema); others sort by bytes
  if (names.every((n) => ASCII.test(n))) names.sort();
  else names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  for (const name of names) {
    feed(name);
    step(0xff);
    feed(labels[name]!);
    step(0xff);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
