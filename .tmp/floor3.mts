import { createReadStream } from 'node:fs';
import { readLineChunks } from '#lib/lines/index.ts';
let n = 0;
let t = performance.now();
for await (const c of readLineChunks(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) {
  const out = [];
  for (let i = 0; i < c.lines.length; i++) { const s = c.lines[i] as string; out.push({ kind: 'transfer', line: c.first + i, format: 'xferlog', time: 'x', server: 'b', host: s.slice(27, 37), user: s.slice(s.length - 20, s.length - 16), access: 'real', direction: 'upload', path: s.slice(40, 70), bytes: 1, seconds: 2, complete: true, mode: 'binary' }); }
  n += out.length;
}
console.log('chunks+objects', n, ((performance.now() - t) / 1000).toFixed(2), 's');
