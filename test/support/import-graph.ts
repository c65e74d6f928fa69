// The layer rules of ARCHITECTURE.md as data, the import graph of src/ read with TypeScript's own scanner,
// and cycle finding over it. Run it (`npm run structure`) for the numbers: files per folder, cycles, longest chain.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export type ImportGraph = Map<string, string[]>;

/** Which folders of src/ each folder may import from (besides itself). One table: ARCHITECTURE.md quotes it. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  expr: ['core'],
  template: ['core', 'expr'],
  inventory: ['core'],
  vars: ['core', 'expr', 'template', 'inventory'],
  tasks: ['core'],
  transport: ['core'],
  events: ['core'],
  playbook: ['core', 'expr', 'template', 'vars', 'tasks'],
  check: ['core', 'expr', 'template', 'vars', 'inventory', 'playbook', 'tasks'],
  exec: ['core', 'expr', 'template', 'vars', 'inventory', 'playbook', 'tasks', 'check', 'transport', 'events'],
  ui: ['core', 'events'],
  lab: ['core'],
  cli: [
    'core',
    'expr',
    'template',
    'vars',
    'inventory',
    'playbook',
    'tasks',
    'check',
    'transport',
    'events',
    'exec',
    'ui',
    'lab',
  ],
};

/** The first folder of a path relative to src/ ('tasks/kernel/sysctl.ts' -> 'tasks'). */
export function layerOf(path: string): string {
  return path.split(/[\\/]/)[0]!;
}

export function allowedImports(layer: string): string[] {
  return ALLOWED[layer] ?? [];
}

/** Every strongly connected set of two or more files (Tarjan), each as one file path through it. */
export function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) out.push(scc.reverse());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Each file's relative imports (static, dynamic and re-exports), as file paths. */
export function graphOf(files: string[]): ImportGraph {
  const g: ImportGraph = new Map();
  for (const f of files) {
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => normalize(join(dirname(f), s)).replace(/\.js$/, '.ts'))
      .filter((t) => existsSync(t));
    g.set(f, [...new Set(deps)]);
  }
  return g;
}

/** The longest import chain (in edges) from any file; the graph has no cycle. */
export function longestChain(graph: ImportGraph): string[] {
  const memo = new Map<string, string[]>();
  const from = (v: string): string[] => {
    const hit = memo.get(v);
    if (hit) return hit;
    memo.set(v, [v]); // a cycle, were there one, ends here
    let best = [v];
    for (const w of graph.get(v) ?? []) {
      const c = from(w);
      if (c.length + 1 > best.length) best = [v, ...c];
    }
    memo.set(v, best);
    return best;
  };
  return [...graph.keys()].map(from).reduce((a, b) => (b.length > a.length ? b : a), []);
}

/** The numbers the closing notes quote. */
export function structure(root = 'src'): string {
  const files = tsFiles(root);
  const graph = graphOf(files);
  const perFolder = new Map<string, number>();
  for (const f of files)
    perFolder.set(dirname(relative(root, f)), (perFolder.get(dirname(relative(root, f))) ?? 0) + 1);
  const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
  const chain = longestChain(graph);
  return [
    `files ${files.length}, imports ${edges}, cycles ${importCycles(graph).length}`,
    `longest chain ${chain.length - 1}: ${chain.map((f) => relative(root, f)).join(' -> ')}`,
    ...[...perFolder].sort().map(([d, n]) => `  ${d}: ${n}`),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(structure(process.argv[2]));
