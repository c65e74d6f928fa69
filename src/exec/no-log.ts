// no_log: whether a task's results (and what it reports while running) stay out of every output on a host.
import type { Task, Vars } from '../core/types.js';
import { toBool } from '../core/value-utils.js';
import { isTemplateText, renderString } from '../template/template.js';

/** no_log for a host (or a loop item): a template is rendered; one that cannot be (an undefined variable, or
 *  `item` outside the loop) hides the result, as hiding is the safe side. */
export function noLogFor(t: Task, vars: Vars | undefined, host: string): boolean {
  const v = t.keywords.no_log;
  if (v === undefined || v === null) return false;
  if (typeof v !== 'string' || !isTemplateText(v)) return toBool(v);
  if (!vars) return true;
  try {
    return toBool(renderString(v, { vars, host }));
  } catch {
    return true;
  }
}
