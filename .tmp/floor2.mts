import { createReadStream } from 'node:fs';
import { readLineChunks, readLineBatches } from '#lib/lines/index.ts';
import { scanXferlogLine } from '../lib/ftp/xferlog.ts';
const ctx = { server: 'b', zone: 'Europe/Paris' };
let n = 0;
let t = performance.now();
for await (const c of readLineChunks(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) n += c.lines.length;
console.log('readLineChunks', n, ((performance.now() - t) / 1000).toFixed(2), 's');
t = performance.now(); n = 0;
for await (const c of readLineChunks(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) for (let i = 0; i < c.lines.length; i++) { const r = scanXferlogLine(c.lines[i] as string, c.first + i, ctx); if (r) n++; }
console.log('chunks+scan', n, ((performance.now() - t) / 1000).toFixed(2), 's');
t = performance.now(); n = 0;
for await (const b of readLineBatches(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) for (const it of b) { const r = scanXferlogLine((it as any).text, (it as any).line, ctx); if (r) n++; }
console.log('batches+scan', n, ((performance.now() - t) / 1000).toFixed(2), 's');
