import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** StackFunction is what the local stack needs of one stack.yml function. */
export interface StackFunction {
  name: string;
  environment: Record<string, string>;
  schedule?: string;
}

/** readStackFile lists the functions of stack.yml with their environment and cron schedule (topic cron-function). */
export function readStackFile(path: string): StackFunction[] {
  const stack = parse(readFileSync(path, 'utf8')) as {
    functions?: Record<string, { environment?: Record<string, unknown>; annotations?: Record<string, string> }>;
  };
  return Object.entries(stack.functions ?? {}).map(([name, fn]) => {
    const environment = Object.fromEntries(Object.entries(fn.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const result: StackFunction = { name, environment };
    if (fn.annotations?.topic === 'cron-function' && fn.annotations.schedule) result.schedule = fn.annotations.schedule;
    return result;
  });
}

/** readEnvFile reads KEY=VALUE lines (# comments, blank lines ignored); a missing file is an empty map. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) env[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return env;
}
