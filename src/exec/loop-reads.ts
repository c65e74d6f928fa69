// A task's reads ahead (issue 18: one round trip per task): before its plan (a loop's first item), the files
// the plan will stat (the module's `loopReads`, from each item's arguments) are read in one command per kind,
// and the plans' own stats find them cached. Only when every item runs on the same host; an item whose
// arguments cannot be rendered yet is passed over (its own run says why). What an item changes is forgotten as
// always, so a later item reads it again.
import type { Task, Vars } from '../core/types.js';
import { dropOmitted } from '../core/omit.js';
import { isTaskModule, type FileRead } from '../tasks/contract.js';
import { extendVars } from '../vars/lazy-vars.js';
import { condition } from './conditions.js';
import { itemVars } from './loops.js';
import { targetOf } from './module-exec.js';
import type { PlayCtx } from './run-state.js';
import { renderArgs } from './task-args.js';

export async function readAhead(
  p: PlayCtx,
  t: Task,
  host: string,
  base: Vars,
  items: unknown[] | undefined,
  lc: Vars | undefined,
): Promise<void> {
  const spec = p.modules.find(t.module);
  if (!spec || !isTaskModule(spec) || !spec.loopReads || SIDE_EFFECTS.test(JSON.stringify(t.args))) return;
  try {
    // a task its condition skips reads nothing (a loop's is judged per item, after)
    if (!items && !t.when.every((c) => condition(c, base))) return;
  } catch {
    return;
  }
  const reads: FileRead[] = [];
  let target: string | undefined;
  for (let i = 0; i < (items?.length ?? 1); i++) {
    try {
      const vars = items ? extendVars(base, itemVars(lc, items, i)) : base;
      const on = targetOf(t, vars, host);
      if (target !== undefined && on !== target) return;
      target = on;
      reads.push(...spec.loopReads(dropOmitted(renderArgs(t, spec, vars, host))));
    } catch {
      /* the item's own run renders it again, and fails there if it must */
    }
  }
  if (target === undefined || reads.length < 2) return;
  try {
    await (await p.conn(target)).reader.prefetch(reads);
  } catch {
    /* an unreachable host: the first item meets it */
  }
}

// arguments rendered twice must give the same paths and do nothing else: not with a lookup (`pipe` runs a
// command), a query or a random value
const SIDE_EFFECTS = /\b(lookup|query|q|random|now)\s*\(|\|\s*random\b/;
