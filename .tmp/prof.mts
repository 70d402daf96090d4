import { createReadStream } from 'node:fs';
import { DateTime } from 'luxon';
import { parseFtpLogBatches } from '#lib/ftp/index.ts';
let n = 0;
const t = performance.now();
for await (const b of parseFtpLogBatches(createReadStream(process.argv[2]!, { highWaterMark: 1 << 20 }), { server: 'bench', zone: 'Europe/Paris', fileTime: DateTime.utc() })) n += b.length;
console.log(n, ((performance.now() - t) / 1000).toFixed(2), 's');
