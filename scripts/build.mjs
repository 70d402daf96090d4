// build bundles every function listed in stack.yml (functions/<name>/index.ts → dist/functions/<name>.mjs) and the
// CLI (dist/cli.mjs) with esbuild, node20 target, ESM. Each function is one self-contained file (the image copies just
// that file). The CLI is split: its entry holds the dispatcher and each command loads its own chunk (dist/cli-chunks/)
// on demand, so `cmp-ops verify` starts without parsing the Kubernetes client or the alerting stack.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stack = parse(readFileSync(join(root, 'stack.yml'), 'utf8'));
const names = Object.keys(stack.functions ?? {});
const only = process.argv.slice(2);
const missing = names.filter((name) => !existsSync(join(root, 'functions', name, 'index.ts')));
if (missing.length > 0) {
  console.error(`stack.yml lists functions without functions/<name>/index.ts: ${missing.join(', ')}`);
  process.exit(1);
}
const functionEntries = Object.fromEntries(names.filter((n) => only.length === 0 || only.includes(n)).map((name) => [`functions/${name}`, join(root, 'functions', name, 'index.ts')]));
if (only.length === 0 || only.includes('setup-minio-events')) functionEntries['setup-minio-events'] = join(root, 'scripts', 'setup-minio-events.ts');
const withCli = only.length === 0 || only.includes('cli');
if (only.length === 0) rmSync(join(root, 'dist'), { recursive: true, force: true });
else if (withCli) rmSync(join(root, 'dist', 'cli-chunks'), { recursive: true, force: true });
const common = {
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cmpCreateRequire } from 'node:module'; const require = __cmpCreateRequire(import.meta.url);" },
};
const started = performance.now();
await Promise.all([
  Object.keys(functionEntries).length > 0 ? build({ ...common, entryPoints: functionEntries }) : undefined,
  withCli ? build({ ...common, entryPoints: { cli: join(root, 'cli', 'entry.ts') }, splitting: true, chunkNames: 'cli-chunks/[name]-[hash]' }) : undefined,
]);
const count = Object.keys(functionEntries).length + (withCli ? 1 : 0);
console.log(`built ${count} bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
