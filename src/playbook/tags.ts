// --tags / --skip-tags with Ansible's rules: `all` (the default), `tagged`, `untagged`, `always` runs unless
// skipped by name, `never` runs only when asked for by one of its other tags (or `never`).
import type { TaskNode } from '../core/types.js';

export interface TagFilter {
  only: string[]; // empty means ['all']
  skip: string[];
}

export function parseTagList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function tagsSelect(tags: string[], f: TagFilter): boolean {
  const only = f.only.length ? f.only : ['all'];
  const own = new Set(tags.length ? tags : ['untagged']);
  const untagged = tags.length === 0;
  const hit = (list: string[]) => list.some((t) => own.has(t));
  let run = false;
  if (own.has('always')) run = true;
  else if (only.includes('all') && !own.has('never')) run = true;
  else if (hit(only)) run = true;
  else if (only.includes('tagged') && !untagged && !own.has('never')) run = true;
  if (run && f.skip.length) {
    if (f.skip.includes('all')) {
      if (!own.has('always') || f.skip.includes('always')) run = false;
    } else if (hit(f.skip)) run = false;
    else if (f.skip.includes('tagged') && !untagged) run = false;
  }
  return run;
}

/** The tasks of a list that the filter keeps; a block stays when any task inside it stays. */
export function selectTasks(nodes: TaskNode[], f: TagFilter): TaskNode[] {
  const out: TaskNode[] = [];
  for (const n of nodes) {
    if (n.kind === 'block') {
      const block = selectTasks(n.block, f);
      const rescue = selectTasks(n.rescue, f);
      const always = selectTasks(n.always, f);
      if (block.length || rescue.length || always.length) out.push({ ...n, block, rescue, always });
    } else if (tagsSelect(n.tags, f)) out.push(n);
  }
  return out;
}

/** Every tag used by a list of tasks (for --list-tags). */
export function collectTags(nodes: TaskNode[], into = new Set<string>()): Set<string> {
  for (const n of nodes) {
    for (const t of n.tags) into.add(t);
    if (n.kind === 'block') {
      collectTags(n.block, into);
      collectTags(n.rescue, into);
      collectTags(n.always, into);
    }
  }
  return into;
}
