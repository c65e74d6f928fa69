// A task's registered result, and when a task is skipped: a `when` that is false, also when its loop cannot be
// made (Ansible judges `when` before it reports the loop's error).
import { markResult } from '../core/results.js';
import type { Task, Vars } from '../core/types.js';
import { condition, loopItems } from './conditions.js';
import type { Outcome } from './outcome.js';
import type { PlayCtx } from './run-state.js';

export function registerResult(p: PlayCtx, t: Task, host: string, result: Vars): void {
  const name = t.keywords.register;
  if (typeof name !== 'string') return;
  const facts = p.rv.hostFacts.get(host) ?? {};
  // as Ansible registers it: a result that did not fail (and was not skipped) says failed: false
  facts[name] = markResult(
    'failed' in result || result.skipped === true || result.__uncertain ? result : { ...result, failed: false },
  );
  p.rv.hostFacts.set(host, facts);
}

/** The loop's items; a loop that cannot be made (an undefined variable) skips a task whose `when` is false
 *  without it, as Ansible judges `when` before it reports the loop's error. */
export function loopOrSkip(t: Task, vars: Vars, host: string, dir: string): unknown[] | undefined | 'skipped' {
  try {
    return loopItems(t, vars, host, dir);
  } catch (e) {
    let whenFalse = false;
    try {
      whenFalse = t.when.some((c) => !condition(c, vars));
    } catch {
      throw e;
    }
    if (whenFalse) return 'skipped';
    throw e;
  }
}

/** The skipped outcome of a task whose `when` is false (registered), or undefined when it runs. */
export function skippedBy(p: PlayCtx, t: Task, host: string, vars: Vars): Outcome | undefined {
  const skipped = t.when.find((c) => !condition(c, vars));
  if (!skipped) return undefined;
  const result = {
    changed: false,
    skipped: true,
    skip_reason: 'Conditional result was False',
    false_condition: skipped.source,
  };
  registerResult(p, t, host, result);
  return { status: 'skipped', result };
}
