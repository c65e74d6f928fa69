// The layer rules of ARCHITECTURE.md as data, and cycle finding over an import graph (file -> files it imports).

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
