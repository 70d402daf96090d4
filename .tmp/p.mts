import { createReadStream } from 'node:fs';
import { DateTime } from 'luxon';
import { parseFtpLog } from '#lib/ftp/index.ts';
for (const f of process.argv.slice(2)) {
  console.log('===', f);
  for await (const r of parseFtpLog(createReadStream(f), { server: 's', zone: 'Europe/Paris', fileTime: DateTime.fromISO('2026-11-25T00:00:00Z') })) {
    const x = r as any;
    if (x.kind === 'reject') console.log('REJ', x.line, x.reason, x.raw.slice(0, 60));
    else console.log(x.line, x.format, x.kind, x.event ?? x.direction, x.host, x.user, x.ok ?? x.complete, x.path ?? '', x.reason ?? '', x.bytes ?? '', x.time);
  }
}
