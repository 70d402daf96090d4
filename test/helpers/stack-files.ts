// stack-files reads what a running local stack leaves on disk: its notifications file and its functions' logs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** readNotifications gives every webhook payload appended to the stack's notifications file so far, in order. */
export function readNotifications<T = any>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** tailFunctionLogs gives the last `count` log lines of each named function, prefixed with its name. */
export function tailFunctionLogs(dataDir: string, functions: string[], count = 15): string[] {
  return functions.flatMap((fn) => {
    const file = join(dataDir, 'logs', `${fn}.log`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(-count)
      .map((line) => `${fn}: ${line}`);
  });
}
