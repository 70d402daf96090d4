import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** FunctionProcess is one function bundle running as its own process, as in its container. */
export interface FunctionProcess {
  name: string;
  port: number;
  /** alive is false once the process exited, by itself or by a signal. */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * startFunctionProcess runs `node <bundle>` with PORT=0 and waits for its "listening" log line to learn the port.
 * Its JSON logs go to `logFile`; a process that exits before listening fails with its last log lines.
 */
export function startFunctionProcess(options: {
  name: string;
  bundle: string;
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  startTimeoutMs?: number;
}): Promise<FunctionProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', options.bundle], {
    env: { ...options.env, PORT: '0' },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.stderr!.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${options.name} did not start within ${options.startTimeoutMs ?? 60_000} ms: ${tail.join('\n')}`),
      );
    }, options.startTimeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > 5) tail.shift();
      try {
        const record = JSON.parse(line) as { msg?: string; port?: number };
        if (record.msg === `${options.name} listening` && typeof record.port === 'number') {
          clearTimeout(timer);
          resolve({
            name: options.name,
            port: record.port,
            alive: () => !exited,
            stop: () =>
              new Promise<void>((done) => {
                // A process killed by a signal has exitCode null (signalCode says why): it is gone all the same.
                if (exited) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
                setTimeout(() => child.kill('SIGKILL'), 5000).unref();
              }),
          });
        }
      } catch {
        // not a JSON log line
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code ?? signal} before listening: ${tail.join('\n')}`));
    });
  });
}
