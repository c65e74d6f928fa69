// A task's `when` and loop, evaluated for one host: shared by tasks, includes and controller modules.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Condition, TaskBase, Vars } from '../core/types.js';
import { evalCondition } from '../expr/expr.js';
import { renderDeep } from '../template/template.js';
import { compiledCondition } from './run-state.js';

export function condition(c: Condition, vars: Vars): boolean {
  return evalCondition(compiledCondition(c) as Parameters<typeof evalCondition>[0], vars, c.loc ?? undefined);
}

/** The items of a task's (or an include's) loop, rendered for a host; undefined without a loop. */
export function loopItems(t: TaskBase, vars: Vars, host: string): unknown[] | undefined {
  const k = t.keywords;
  const raw = k.loop ?? k.with_items ?? k.with_list ?? k.with_dict;
  if (raw === undefined) return undefined;
  const key =
    k.loop !== undefined
      ? 'loop'
      : k.with_items !== undefined
        ? 'with_items'
        : k.with_list !== undefined
          ? 'with_list'
          : 'with_dict';
  const v = renderDeep(raw, { vars, host }, valueLoc);
  if (key === 'with_dict') {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new KplayError(`with_dict needs a mapping, got ${JSON.stringify(v)}`, {
        code: 'TASK_FAILED',
        loc: valueLoc(t.raw, key),
        host,
      });
    return Object.entries(v).map(([key, value]) => ({ key, value }));
  }
  if (!Array.isArray(v))
    throw new KplayError(`${key} needs a list, got ${JSON.stringify(v)}`, {
      code: 'TASK_FAILED',
      loc: valueLoc(t.raw, key),
      host,
    });
  return key === 'with_items' ? v.flat(1) : v;
}
