const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = 0xffffffffffffffffn;

/**
 * fingerprintLabels computes Alertmanager's alert fingerprint (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the label names sorted byte-wise, each name then 0xFF then its value then 0xFF, as %016x.
 */
export function fingerprintLabels(labels: Record<string, string>): string {
  let hash = FNV_OFFSET;
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const step = (byte: number): void => {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  };
  for (const name of names) {
    for (const byte of Buffer.from(name, 'utf8')) step(byte);
    step(0xff);
    for (const byte of Buffer.from(labels[name]!, 'utf8')) step(byte);
    step(0xff);
  }
  return hash.toString(16).padStart(16, '0');
}
