// Check mode's uncertain variables: what a task reads that only a real run would know, and marking
// what a skipped task would have set.
import { exprVariables } from '../expr/expr.js';
import { compiledCondition, type PlayCtx } from './run-state.js';
import { isUncertain, UNCERTAIN } from '../core/uncertain.js';
import { isTemplateText, renderString, templateVariables } from '../template/template.js';
import type { Condition, Task, TaskKeywords, Vars } from '../core/types.js';
import type { ModuleRegistry } from '../tasks/index.js';
import { LOOP_KEYWORDS } from '../playbook/keyword-contents.js';
import type { Outcome } from './outcome.js';
import { registerResult } from './task-skip.js';

const refsCache = new WeakMap<Task, Set<string>>();

/** Top-level variable names a task's args, loop and conditions read (for check mode's uncertainty). */
export function taskRefs(t: Task, modules: ModuleRegistry): Set<string> {
  let s = refsCache.get(t);
  if (s) return s;
  s = templateRefs(t.args);
  templateRefs(loopOf(t.keywords), s);
  // arguments the module declares as expressions (assert's `that`, debug's `var`), not templates
  const exprs = (modules.find(t.module)?.exprArgs ?? []).flatMap((a: string) => [t.args[a]].flat());
  for (const e of exprs) if (typeof e === 'string') for (const n of condRefs({ source: e, loc: undefined })) s.add(n);
  refsCache.set(t, s);
  return s;
}

/** Top-level variable names the templates inside a value read (a template that does not parse was reported
 *  before the run, and reads nothing here). */
export function templateRefs(v: unknown, into = new Set<string>()): Set<string> {
  if (typeof v === 'string' && isTemplateText(v)) {
    try {
      for (const n of templateVariables(v)) into.add(n);
    } catch {
      // reported before the run
    }
  } else if (Array.isArray(v)) for (const x of v) templateRefs(x, into);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) templateRefs(x, into);
  return into;
}

const loopOf = (k: TaskKeywords) => k[LOOP_KEYWORDS.find((w) => k[w] !== undefined) ?? 'loop'];

/** Check mode: the variable only a real run would know that an include's loop reads, if any. */
export function uncertainLoopRef(keywords: TaskKeywords, vars: Vars): string | undefined {
  return uncertainRef(templateRefs(loopOf(keywords)), vars);
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

/** The names of the variables a task sets, a templated one rendered where it can be (else it is left out). */
export function setNames(names: string[], vars: Vars, host: string): string[] {
  return names.flatMap((n) => {
    if (!isTemplateText(n)) return [n];
    try {
      return [String(renderString(n, { vars, host })).trim()];
    } catch {
      return [];
    }
  });
}

/** Check mode: the outcome of a task that reads `name`, a variable known only after a real run (registered, and
 *  the variables it would set marked so too). */
export function uncertainOutcome(p: PlayCtx, t: Task, host: string, name: string, vars: Vars): Outcome {
  const out: Outcome = {
    status: 'uncertain',
    msg: `depends on '${name}', known only after a real run`,
    result: { ...UNCERTAIN },
  };
  registerResult(p, t, host, out.result);
  markUncertain(p, host, setNames(p.modules.find(t.module)?.varsSet?.(t.args) ?? [], vars, host));
  return out;
}
