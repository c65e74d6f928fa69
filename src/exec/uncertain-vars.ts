// Check mode's uncertain variables: what a task reads that only a real run would know, and marking
// what a skipped task would have set.
import { exprVariables } from '../expr/expr.js';
import { compiledCondition, type PlayCtx } from './run-state.js';
import { isUncertain, UNCERTAIN } from '../core/uncertain.js';
import { templateVariables } from '../template/template.js';
import type { Condition, Task, Vars } from '../core/types.js';
import type { ModuleRegistry } from '../tasks/index.js';

const refsCache = new WeakMap<Task, Set<string>>();

/** Top-level variable names a task's args, loop and conditions read (for check mode's uncertainty). */
export function taskRefs(t: Task, modules: ModuleRegistry): Set<string> {
  let s = refsCache.get(t);
  if (s) return s;
  s = new Set();
  const visit = (v: unknown) => {
    if (typeof v === 'string' && v.includes('{{')) for (const n of safeTemplateVars(v)) s!.add(n);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(t.args);
  visit(t.keywords.loop ?? t.keywords.with_items ?? t.keywords.with_list ?? t.keywords.with_dict);
  // arguments the module declares as expressions (assert's `that`, debug's `var`), not templates
  const exprs = (modules.find(t.module)?.exprArgs ?? []).flatMap((a: string) => [t.args[a]].flat());
  for (const e of exprs) if (typeof e === 'string') for (const n of condRefs({ source: e, loc: undefined })) s.add(n);
  refsCache.set(t, s);
  return s;
}

function safeTemplateVars(src: string): string[] {
  try {
    return templateVariables(src);
  } catch {
    return [];
  }
}

export function condRefs(c: Condition): string[] {
  const e = compiledCondition(c);
  return typeof e === 'object' ? exprVariables(e) : [];
}

export function uncertainRef(names: Iterable<string>, vars: Vars): string | undefined {
  for (const n of names) if (isUncertain(vars[n])) return n;
  return undefined;
}

/** Variables a skipped set_fact would have set: known only after a real run. */
export function markUncertain(p: PlayCtx, host: string, names: string[]): void {
  const facts = p.rv.hostFacts.get(host) ?? {};
  for (const n of names) facts[n] = { ...UNCERTAIN };
  p.rv.hostFacts.set(host, facts);
}
