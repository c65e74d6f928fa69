// A task's `when` and loop, evaluated for one host: shared by tasks, includes and controller modules.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Condition, TaskBase, Vars } from '../core/types.js';
import { evalCondition } from '../expr/expr.js';
import { LOOP_KEYWORDS } from '../playbook/keyword-contents.js';
import { renderDeep } from '../template/template.js';
import { LOOPS } from './loops.js';
import { compiledCondition } from './run-state.js';

export function condition(c: Condition, vars: Vars): boolean {
  return evalCondition(compiledCondition(c) as Parameters<typeof evalCondition>[0], vars, c.loc ?? undefined);
}

/** The loop keyword a task (or include) has, if any. */
export function loopKeyword(t: Pick<TaskBase, 'keywords'>): string | undefined {
  return LOOP_KEYWORDS.find((k) => t.keywords[k] !== undefined);
}

/** The items of a task's (or an include's) loop, rendered for a host; undefined without a loop. A loop that
 *  cannot be evaluated fails at its keyword. */
export function loopItems(t: TaskBase, vars: Vars, host: string, playbookDir: string): unknown[] | undefined {
  const key = loopKeyword(t);
  if (key === undefined) return undefined;
  const v = renderDeep(t.keywords[key], { vars, host }, valueLoc);
  try {
    return LOOPS[key]!(v, { role: t.role, playbookDir });
  } catch (e) {
    if (e instanceof KplayError) throw e.at({ loc: valueLoc(t.raw, key), host });
    throw new KplayError(`${key}: ${(e as Error)?.message ?? e}`, {
      code: 'TASK_FAILED',
      loc: valueLoc(t.raw, key),
      host,
    });
  }
}

/** A task's `loop_control`, its templates rendered for a host (`label`, shown per item, is left as written). */
export function loopControl(t: TaskBase, vars: Vars, host: string): Vars | undefined {
  const lc = t.keywords.loop_control;
  if (!lc || typeof lc !== 'object') return undefined;
  const { label, ...rest } = lc as Vars;
  const out = renderDeep(rest, { vars, host }, valueLoc) as Vars;
  return label === undefined ? out : { ...out, label };
}
