// startFunctionProcess with a real function bundle (dist/, built by `npm run build`) as its own node process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/free-port.ts';
import { startFunctionProcess, type FunctionProcess } from '../../scripts/local-stack/function-process.ts';

const root = resolve(import.meta.dirname, '..', '..');
const test = suite('local-stack/function-process');
let dir: string;

test.before(() => {
  if (!existsSync(join(root, 'dist', 'functions', 'checksum-verify.mjs')))
    throw new Error('run `npm run build` before the tests (dist/ is missing)');
  dir = mkdtempSync(join(tmpdir(), 'cmp-ops-fnproc-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const start = (): Promise<FunctionProcess> =>
  startFunctionProcess({
    name: 'checksum-verify',
    bundle: join(root, 'dist', 'functions', 'checksum-verify.mjs'),
    // Nothing listens on S3 port 9: the process starts anyway (storage is reached per request).
    env: {
      PATH: process.env.PATH ?? '',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      CMP_OPS_INVOKE_TOKEN: 't',
      S3_ACCESS_KEY: 'k',
      S3_SECRET_KEY: 's',
      SECRETS_DIR: dir,
    },
    cwd: root,
    logFile: join(dir, 'fn.log'),
  });

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** childRunning is the pid of this test process's child running `bundle` (read from ps, the way an operator finds it). */
const childRunning = (bundle: string): number => {
  const rows = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split(
    '\n',
  );
  const row = rows.find((line) => line.includes(bundle));
  if (!row) throw new Error(`no child runs ${bundle}`);
  return Number(row.trim().split(/\s+/)[0]);
};

/** settledWithin tells whether `promise` settles before `ms` (a bound on a hang, not a timing assertion). */
const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), bound]);
  } finally {
    clearTimeout(timer);
  }
};

test('stop :: a process killed by a signal (exitCode stays null) stops at once instead of hanging', async () => {
  const fn = await start();
  const pid = childRunning('checksum-verify.mjs');
  process.kill(pid, 'SIGKILL');
  await waitFor('the killed process to be gone', async () => !isRunning(pid));
  assert.ok(await settledWithin(fn.stop(), 10_000), 'stop() hung on a signalled process');
});

test('stop :: a running process drains on SIGTERM and exits; a second stop() resolves too', async () => {
  const fn = await start();
  assert.ok(await settledWithin(fn.stop(), 10_000));
  assert.ok(await settledWithin(fn.stop(), 10_000), 'a second stop() hung');
});

test.run();
