// Check mode's rules for a host module, in one place (the uncertain *variables* are in uncertain-vars.ts).
// Whether a task runs as a dry run: as in Ansible, the task's `check_mode` keyword (its own, or inherited
// from a block, role, import or play; a template is rendered for the host) decides when it is set; otherwise
// the run's `--check` does. What a dry run reports: `uncertain` when the plan read what an earlier, unapplied
// change would alter; a command's outcome without running it; otherwise the plan's changed / ok.
import { isAbsolute } from 'node:path';
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import { renderString } from '../template/template.js';
import { boolWord } from '../core/value-utils.js';
import type { Task, Vars } from '../core/types.js';
import { UNCERTAIN } from '../core/uncertain.js';
import type { Plan } from '../tasks/contract.js';
import type { PredictedState } from './predict/state.js';
import type { Outcome } from './outcome.js';

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

/** A plan that failed in check mode is uncertain, not failed, when it read what an earlier unapplied change
 *  would alter in ways not known, or when packages an earlier task would install may bring what it missed.
 *  Then what the task would alter (from its arguments) is unknown too. Undefined: a real failure. */
export function checkPlanFailure(
  uncertain: string | undefined,
  state: PredictedState,
  pendingTouches: string[],
  e: unknown,
): Outcome | undefined {
  // a package an earlier task would install may bring what this plan missed (a folder like /etc/haproxy)
  const pkgs = state.packages();
  if (!uncertain && pkgs.length === 0) return undefined;
  state.markUnknown(pendingTouches);
  const why =
    uncertain ??
    `fails before packages an earlier task would install (${pkgs.join(', ')}) are there: ${(e as Error).message}`;
  return { status: 'uncertain', msg: why, result: { ...UNCERTAIN } };
}

/** What a dry run reports for a plan (`uncertain`: why a read of it is, `reads /x, which ...`). */
export function checkPlanOutcome(
  t: Task,
  uncertain: string | undefined,
  plan: Plan,
  o: { commandLike: boolean; diff: Outcome['diff'] },
): Outcome {
  const summaries = plan.changes.map((c) => c.summary);
  if (uncertain)
    return {
      status: 'uncertain',
      msg: uncertain,
      result: { ...UNCERTAIN },
      changes: summaries,
    };
  if (o.commandLike && plan.changes.length > 0) {
    // the command would run: without changed_when the real run reports it changed; `changed_when: false`
    // makes it ok; any other changed_when depends on its output, known only after a real run
    // registered as the module says a dry run registers it (Ansible's shape), and uncertain for later tasks
    const { skipped: _, ...notRun } = UNCERTAIN;
    const cw = t.keywords.changed_when;
    const never = boolWord(cw) === false;
    if (never)
      return {
        status: 'ok',
        msg: 'not run in check mode (changed_when: false)',
        result: { ...notRun, ...plan.checkResult, changed: false },
      };
    if (cw === undefined)
      return {
        status: 'changed',
        msg: 'not run in check mode: the command would run',
        result: { ...notRun, changed: true, ...plan.checkResult },
        changes: summaries,
      };
    return {
      status: 'uncertain',
      msg: 'not run in check mode: whether it changes depends on its output',
      result: { ...UNCERTAIN },
    };
  }
  const changed = plan.changes.length > 0;
  return { status: changed ? 'changed' : 'ok', result: { changed, ...plan.result }, diff: o.diff, changes: summaries };
}

/** A controller file (an absolute `src:`) an earlier task would write (fetch, a task delegated to localhost):
 *  its planned path when the plan knows it, uncertain when its content is not known before a real run. */
export function plannedControllerFile(src: string, controller: PredictedState): Outcome | { path: string } | undefined {
  if (!isAbsolute(src)) return undefined;
  const l = controller.look(src);
  if (l.kind === 'node' && l.node.type === 'file') return { path: src };
  if (l.kind !== 'unknown') return undefined;
  const msg = `reads ${src.replace(/\/+$/, '')} on the controller, which an earlier task would change`;
  return { status: 'uncertain', msg, result: { ...UNCERTAIN } };
}
