import { createWriteStream } from 'node:fs';
const out = createWriteStream(process.argv[2]!);
const n = Number(process.argv[3] ?? 1000000);
const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
for (let i = 0; i < n; i++) {
  const d = new Date(Date.UTC(2026, 10, 1) + i * 1000);
  const stamp = `${days[(d.getUTCDay() + 6) % 7]} Nov ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} 2026`;
  const line = `${stamp} ${1 + (i % 30)} 10.0.${i % 250}.${i % 200} ${1000 + i} /inbox/STS/deliveries/product_${i}.bin b _ i r sts ftp 0 * ${i % 50 ? 'c' : 'i'}\n`;
  if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
}
out.end();
