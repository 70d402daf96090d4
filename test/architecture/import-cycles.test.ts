// Import cycles: none between files, none between the folders of lib/, type imports included. A cycle between folders
// means neither can be read, tested or moved without the other. The two contracts every folder shares are leaves (they
// import nothing): the error catalog `lib/runtime/errors.ts` and the alert model `lib/alerting/alert.ts`; using one
// does not make a folder depend on the rest of lib/runtime or lib/alerting.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('architecture/import-cycles');
const root = resolve(import.meta.dirname, '..', '..');
const LEAVES = ['lib/runtime/errors.ts', 'lib/alerting/alert.ts'];

interface Edge {
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

// Static `import … from`, `export … from`, bare `import '…'` and `import('…')` with a literal; `import type` and
// `export type` are kept apart because TypeScript erases them.
const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** importsOf lists the project files a source imports, resolved to paths relative to the repository root. */
export function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3]!;
    let target: string | null = null;
    if (spec.startsWith('#lib/')) target = join(root, 'lib', spec.slice('#lib/'.length));
    else if (spec.startsWith('.')) target = resolve(dirname(file), spec);
    if (target) edges.push({ to: relative(root, target), typeOnly: Boolean(m[1]) });
  }
  return edges;
}

const graph = new Map<string, Edge[]>();
for (const dir of ['lib', 'functions', 'cli', 'scripts', 'bin']) {
  for (const file of sources(join(root, dir)))
    graph.set(relative(root, file), importsOf(file, readFileSync(file, 'utf8')));
}

/** cyclesOf finds the strongly connected components of more than one node (Tarjan). */
function cyclesOf(nodes: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const info = new Map<string, { index: number; low: number; onStack: boolean }>();
  const found: string[][] = [];
  const visit = (v: string) => {
    const me = { index, low: index, onStack: true };
    index++;
    info.set(v, me);
    stack.push(v);
    for (const w of nodes.get(v) ?? []) {
      const seen = info.get(w);
      if (!seen) {
        visit(w);
        me.low = Math.min(me.low, info.get(w)!.low);
      } else if (seen.onStack) me.low = Math.min(me.low, seen.index);
    }
    if (me.low === me.index) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        info.get(w)!.onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of nodes.keys()) if (!info.has(v)) visit(v);
  return found;
}

const folderOf = (file: string) =>
  LEAVES.includes(file) ? file : file.startsWith('lib/') ? file.split('/').slice(0, 2).join('/') : null;

test('files :: no two project files import each other, directly or around a loop', () => {
  const nodes = new Map<string, Set<string>>();
  for (const [file, edges] of graph) nodes.set(file, new Set(edges.filter((e) => graph.has(e.to)).map((e) => e.to)));
  assert.equal(cyclesOf(nodes), []);
});

test('folders :: no folder of lib/ depends on another that depends back on it (type imports included)', () => {
  const nodes = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const [file, edges] of graph) {
    const from = folderOf(file);
    if (!from) continue;
    for (const { to } of edges) {
      const target = folderOf(to);
      if (!target || target === from) continue;
      if (!nodes.has(from)) nodes.set(from, new Set());
      nodes.get(from)!.add(target);
      why.set(`${from} → ${target}`, `${file} imports ${to}`);
    }
  }
  const cycles = cyclesOf(nodes);
  const explain = cycles.map((c) =>
    c.flatMap((a) => c.filter((b) => why.has(`${a} → ${b}`)).map((b) => why.get(`${a} → ${b}`))).join('; '),
  );
  assert.equal(cycles, [], explain.join('\n'));
});

test('leaves :: the modules every folder may import import nothing of the project', () => {
  for (const leaf of LEAVES) assert.equal(graph.get(leaf), [], `${leaf} must stay a leaf`);
});

test('scanner :: finds value, type, re-export, bare and dynamic imports', () => {
  const edges = importsOf(
    join(root, 'lib/x/a.ts'),
    "import { a } from './b.ts';\nimport type { T } from '#lib/y/c.ts';\nexport { d } from '../z/d.ts';\nimport './e.ts';\nconst f = await import('./f.ts');\nimport {\n  g,\n} from 'luxon';",
  );
  assert.equal(edges, [
    { to: 'lib/x/b.ts', typeOnly: false },
    { to: 'lib/y/c.ts', typeOnly: true },
    { to: 'lib/z/d.ts', typeOnly: false },
    { to: 'lib/x/e.ts', typeOnly: false },
    { to: 'lib/x/f.ts', typeOnly: false },
  ]);
});

test.run();
