// build bundles every function listed in stack.yml (functions/<name>/index.ts → dist/functions/<name>.mjs) and the
// CLI (dist/cli.mjs) with esbuild, node20 target, ESM. Each function is one self-contained file (the image copies just
// that file). The CLI is split: its entry holds the dispatcher and each command loads its own chunk (dist/cli-chunks/)
// on demand, so `cmp-ops verify` starts without parsing the Kubernetes client or the alerting stack.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';

// Packages a function needs only for some requests (the S3 client until the first object is touched, mail for an
// e-mail receiver, public holidays for an on-call rota): in a function bundle and in the CLI they are evaluated on
// first use, not at start, which keeps an idle function small (cmp-ops-ops#18).
const LAZY_PACKAGES = ['minio', 'nodemailer', 'date-holidays'];

/**
 * lazyPackages is an esbuild plugin that puts a stand-in in front of each package: every function export (classes
 * included) becomes a proxy that loads the package on first call, construction or property read; the default
 * export is the module itself, as esbuild gives it to a default import in Node mode. A name that is not a
 * function is left out, so an import of it fails the build instead of misbehaving.
 */
async function lazyPackages(packages) {
  const shapes = new Map();
  for (const name of packages) {
    const namespace = await import(name);
    shapes.set(
      name,
      Object.keys(namespace).filter(
        (k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k) && typeof namespace[k] === 'function',
      ),
    );
  }
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter }, (args) =>
        args.namespace === 'lazy-package' ? undefined : { path: args.path, namespace: 'lazy-package' },
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({
        resolveDir: root,
        contents: [
          'let loaded;',
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
          'const stand = (pick) => new Proxy(function () {}, {',
          '  get: (_, key) => pick()[key],',
          '  has: (_, key) => key in pick(),',
          '  construct: (_, args) => Reflect.construct(pick(), args),',
          '  apply: (_, self, args) => Reflect.apply(pick(), self, args),',
          '});',
          'export default stand(load);',
          ...shapes.get(args.path).map((k) => `export const ${k} = stand(() => load()[${JSON.stringify(k)}]);`),
        ].join('\n'),
      }));
    },
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stack = parse(readFileSync(join(root, 'stack.yml'), 'utf8'));
const names = Object.keys(stack.functions ?? {});
const only = process.argv.slice(2);
const missing = names.filter((name) => !existsSync(join(root, 'functions', name, 'index.ts')));
if (missing.length > 0) {
  console.error(`stack.yml lists functions without functions/<name>/index.ts: ${missing.join(', ')}`);
  process.exit(1);
}
const functionEntries = Object.fromEntries(
  names
    .filter((n) => only.length === 0 || only.includes(n))
    .map((name) => [`functions/${name}`, join(root, 'functions', name, 'index.ts')]),
);
if (only.length === 0 || only.includes('setup-minio-events'))
  functionEntries['setup-minio-events'] = join(root, 'scripts', 'setup-minio-events.ts');
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
  // Stack traces need the mappings, not the sources: a function runs with --enable-source-maps, which parses and keeps
  // the whole map, so embedded sources would sit idle in every function's memory (cmp-ops-ops#18).
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cmpCreateRequire } from 'node:module'; const require = __cmpCreateRequire(import.meta.url);",
  },
};
const started = performance.now();
const lazy = Object.keys(functionEntries).length > 0 || withCli ? await lazyPackages(LAZY_PACKAGES) : undefined;
await Promise.all([
  lazy ? build({ ...common, entryPoints: functionEntries, plugins: [lazy] }) : undefined,
  withCli
    ? build({
        ...common,
        entryPoints: { cli: join(root, 'cli', 'entry.ts') },
        // the same stand-ins: a command that imports the storage folder but reads a file never evaluates minio-js
        plugins: [lazy],
        splitting: true,
        chunkNames: 'cli-chunks/[name]-[hash]',
      })
    : undefined,
]);
const count = Object.keys(functionEntries).length + (withCli ? 1 : 0);
console.log(`built ${count} bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
