// `until` / `retries` / `delay`: how many attempts a task gets and how long it waits between them, as Ansible
// counts them (task-exec.ts runs the attempts).
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Task, Vars } from '../core/types.js';
import { renderString } from '../template/template.js';

/** retries / delay: a number (delay may have a fraction: `delay: 0.5`), or a template giving one. */
export function numberOf(t: Task, key: 'retries' | 'delay', dflt: number, vars: Vars, host: string): number {
  const v = t.keywords[key];
  if (v === undefined || v === null) return dflt;
  const n = Number(typeof v === 'string' ? renderString(v, { vars, host }, { loc: valueLoc(t.raw, key) }) : v);
  if (!Number.isFinite(n) || n < 0 || (key === 'retries' && !Number.isInteger(n)))
    throw new KplayError(
      `${key}: expected ${key === 'delay' ? 'a number of seconds' : 'a whole number'}, got ${JSON.stringify(v)}`,
      {
        code: 'TASK_FAILED',
        loc: valueLoc(t.raw, key) ?? t.loc,
      },
    );
  return n;
}

/** How many times a task with `until` runs, as Ansible 2.14 counts (checked with ansible-playbook): `retries`
 *  (3 when not given) + 1, once (and `until` not evaluated) for retries <= 0. */
export function attemptsOf(t: Task, vars: Vars, host: string): number {
  if (t.keywords.until === undefined) return 1;
  const retries = numberOf(t, 'retries', 3, vars, host);
  return retries <= 0 ? 1 : retries + 1;
}
