import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalStack } from '../../scripts/local-stack/stack.ts';
import { e2eDataDir, startTestStack, stopTestStack } from '../helpers/test-stack.ts';
import { readNotifications } from '../helpers/stack-files.ts';

const _root = resolve(import.meta.dirname, '..', '..');
const test = suite('e2e/ftp');
let stack: LocalStack;
let dataDir: string;
const notifications = () => readNotifications(stack.notificationsFile);

test.before(async () => {
  dataDir = e2eDataDir('ftp');
  stack = await startTestStack({
    dataDir,
    only: ['ftp-audit', 'alert-router'],
  });
});
test.after(async () => {
  await stopTestStack(stack, dataDir);
});

test('log object → findings → alerts :: a brute force and a cut-off upload notified once, the grown log adds only its news', async () => {
  const now = new Date();
  const stamp = (s: number) => {
    const d = new Date(now.getTime() - 3600_000 + s * 1000);
    return d
      .toLocaleString('en-US', {
        timeZone: 'Europe/Paris',
        weekday: 'short',
        month: 'short',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        year: 'numeric',
        hourCycle: 'h23',
      })
      .replace(
        /^(\w+), (\w+) (\d+), (\d+), (.*)$/,
        (_, w, m, d2, y, t) => `${w} ${m} ${String(Number(d2)).padStart(2, ' ')} ${t} ${y}`,
      );
  };
  const log = [1, 2, 3, 4, 5].map((s) => `${stamp(s)} [pid 9] [root] FAIL LOGIN: Client "10.6.6.6"\n`).join('');
  await stack.store.put('reports', 'ftp/ftp1/vsftpd.log', log);
  await stack.settled();
  assert.equal(
    notifications().flatMap((n) => n.alerts.map((a: { labels: Record<string, string> }) => a.labels.alertname)),
    ['FtpBruteForce'],
  );
  const grown = `${log}${stamp(10)} [pid 9] [sts] FAIL UPLOAD: Client "10.0.0.5", "/inbox/STS/cut.bin", 5000 bytes, 1.00Kbyte/sec\n`;
  await stack.store.put('reports', 'ftp/ftp1/vsftpd.log', grown);
  await stack.settled();
  const all = notifications().flatMap((n) =>
    n.alerts.map((a: { labels: Record<string, string> }) => `${a.labels.alertname}:${a.labels.subsystem}`),
  );
  assert.equal(all, ['FtpBruteForce:unknown', 'FtpTransferIncomplete:STS']);
});

test.run();
