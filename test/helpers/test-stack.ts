// test-stack starts the local stack the way every end-to-end suite does: free ports, the embedded S3, no timers,
// a fast event retry, a temporary data directory removed afterwards (kept with KEEP_DATA=1 for a post-mortem).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../scripts/local-stack/stack.ts';

const root = resolve(import.meta.dirname, '..', '..');

/** e2eDataDir makes a fresh data directory for a suite (`cmp-ops-e2e-<name>-…` under the system's temp dir). */
export function e2eDataDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `cmp-ops-e2e-${name}-`));
}

/** TestStackOptions are startLocalStack's options with the suites' defaults; `only` names the functions to run. */
export type TestStackOptions = Partial<LocalStackOptions> & { dataDir: string; only: string[] };

/** startTestStack starts the named functions from the built bundles (a missing dist/ is said plainly). */
export async function startTestStack(options: TestStackOptions): Promise<LocalStack> {
  for (const fn of options.only)
    if (!existsSync(join(root, 'dist', 'functions', `${fn}.mjs`)))
      throw new Error('run `npm run build` before the tests (dist/ is missing)');
  return startLocalStack({
    root,
    s3Port: 0,
    gatewayPort: 0,
    accessKey: 'minioadmin',
    secretKey: 'minioadmin',
    seedDemo: false,
    timers: false,
    eventRetryMs: 100,
    log: () => undefined,
    ...options,
  });
}

/** stopTestStack stops a stack (if it started) and removes its data directory unless KEEP_DATA is set. */
export async function stopTestStack(stack: LocalStack | undefined, dataDir: string | undefined): Promise<void> {
  await stack?.stop();
  if (dataDir && !process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
}
