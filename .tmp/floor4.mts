import { createReadStream } from 'node:fs';
import { readLineChunks } from '#lib/lines/index.ts';
for (const mode of ['charCodeAt', 'indexOf', 'charCodeAt', 'indexOf']) {
let n = 0;
let t = performance.now();
for await (const c of readLineChunks(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) {
  for (let i = 0; i < c.lines.length; i++) {
    const s = c.lines[i] as string;
    if (mode === 'charCodeAt') { let p = 25; for (let k = 0; k < 3; k++) { while (p < s.length && s.charCodeAt(p) !== 32) p++; p++; } let q = s.length - 2; for (let k = 0; k < 8; k++) { q--; while (q > 25 && s.charCodeAt(q) !== 32) q--; } n += p + q; }
    else { let p = 25; for (let k = 0; k < 3; k++) p = s.indexOf(' ', p) + 1; let q = s.length - 2; for (let k = 0; k < 8; k++) q = s.lastIndexOf(' ', q - 1); n += p + q; }
  }
}
console.log(mode, n, ((performance.now() - t) / 1000).toFixed(2), 's');
}
