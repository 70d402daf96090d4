import { createReadStream } from 'node:fs';
import { readLineBatches } from '#lib/lines/index.ts';
let n = 0;
let t = performance.now();
for await (const b of readLineBatches(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }))) n += b.length;
console.log('readLineBatches', n, ((performance.now() - t) / 1000).toFixed(2), 's');
t = performance.now(); n = 0;
for await (const c of createReadStream(process.argv[2]!, { highWaterMark: 1 << 20, encoding: 'utf8' })) { let i = -1; while ((i = (c as string).indexOf('\n', i + 1)) !== -1) n++; }
console.log('indexOf only', n, ((performance.now() - t) / 1000).toFixed(2), 's');
