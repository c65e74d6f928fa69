// Whether a task runs as a dry run. One rule, as in Ansible: the task's `check_mode` keyword (its own, or
// inherited from a block, role, import or play; a template is rendered for the host) decides when it is set;
// otherwise the run's `--check` does. `check_mode: true` is a dry run even without `--check`, and
// `check_mode: false` really runs under `--check`.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import { renderString } from '../template/template.js';
import { boolWord } from '../core/value-utils.js';
import type { Task, Vars } from '../core/types.js';

export function taskCheckMode(runCheck: boolean, t: Task, vars: Vars, host: string): boolean {
  const k = t.keywords.check_mode;
  if (k === undefined || k === null) return runCheck;
  const v = typeof k === 'string' ? renderString(k, { vars, host }) : k;
  const b = boolWord(v);
  if (b !== undefined) return b;
  throw new KplayError(`check_mode must be a boolean, got ${JSON.stringify(v)}`, {
    code: 'TASK_FAILED',
    loc: valueLoc(t.raw, 'check_mode') ?? t.loc,
    host,
    task: t.name,
  });
}
