// `loop` (with_*, loop_control) on include_tasks / include_role, as Ansible runs it: the loop is
// rendered per host from the include's variables; the included tasks then run once per item, item after item,
// for the hosts that have that item (linear: all of them in step). The item and index_var are variables of the
// include, so every included task sees them (its when, args and name); the include's `when` holds per item.
import { KplayError } from '../core/errors.js';
import { taskVars } from '../vars/context.js';
import { liveHosts, type PlayCtx } from './run-state.js';
import { uncertainLoopRef } from './uncertain-vars.js';
import { condition, loopControl, loopItems, loopKeyword } from './conditions.js';
import { itemVars, pauseOf, sleep } from './loops.js';
import { valueLoc } from '../core/places.js';
import type { Include, Vars } from '../core/types.js';

export function isLooped(inc: Include): boolean {
  return loopKeyword(inc) !== undefined;
}

/** A host that cannot run the include fails, with a message pointing at the include. */
export function failInclude(p: PlayCtx, inc: Include, host: string, e: unknown): void {
  const where = { loc: inc.loc, host, task: inc.name };
  const err =
    e instanceof KplayError
      ? e.at(where)
      : new KplayError(String((e as Error)?.message ?? e), { code: 'TASK_FAILED', ...where });
  p.hosts.get(host)!.failed = true;
  p.recap.count(host, 'failed');
  p.bus.emit({
    type: 'host_result',
    host,
    task: `${inc.kind}: ${inc.target}`,
    taskId: inc.id,
    status: 'failed',
    msg: err.format(),
    result: { failed: true, msg: err.message },
    ms: 0,
  });
}

/** The hosts among `hosts` for which the include's `when` holds (a condition that cannot be evaluated fails
 *  its host). */
export function includeWhen(p: PlayCtx, inc: Include, hosts: string[]): string[] {
  return hosts.filter((h) => {
    try {
      return inc.when.every((c) => condition(c, taskVars(p.rv, p.play, inc, h, p.playHosts)));
    } catch (e) {
      failInclude(p, inc, h, e);
      return false;
    }
  });
}

/** Run a looped include: `body` runs the included tasks (static or templated target) for the given hosts. */
export async function runIncludeLoop(
  p: PlayCtx,
  inc: Include,
  hosts: string[],
  body: (hosts: string[]) => Promise<void>,
): Promise<void> {
  const lcs = new Map<string, Vars | undefined>(); // loop_control, rendered per host
  const items = new Map<string, unknown[]>();
  let pause = 0; // seconds between rounds: the longest any host asks for
  for (const h of hosts) {
    try {
      const vars = taskVars(p.rv, p.play, inc, h, p.playHosts);
      const u = p.opts.check ? uncertainLoopRef(inc.keywords, vars) : undefined;
      if (u) {
        p.recap.count(h, 'uncertain');
        p.bus.emit({
          type: 'host_result',
          host: h,
          task: `${inc.kind}: ${inc.target}`,
          taskId: inc.id,
          status: 'uncertain',
          msg: `depends on '${u}', known only after a real run`,
          result: { skipped: true },
          ms: 0,
        });
        continue;
      }
      lcs.set(h, loopControl(inc, vars, h));
      pause = Math.max(pause, pauseOf(lcs.get(h)));
      items.set(h, loopItems(inc, vars, h, p.rv.playbookDir) ?? []);
    } catch (e) {
      // an error in the loop's template points at the loop
      const key = loopKeyword(inc);
      const at = key ? valueLoc(inc.raw, key) : undefined;
      failInclude(
        p,
        inc,
        h,
        e instanceof KplayError && !e.loc && at
          ? new KplayError(e.message, { code: e.code, loc: at, host: e.host, task: e.task, hint: e.hint })
          : e,
      );
    }
  }
  const rounds = Math.max(0, ...[...items.values()].map((l) => l.length));
  const overlays = (p.rv.includeVars ??= new Map());
  for (let i = 0; i < rounds; i++) {
    if (p.stopping) return;
    if (i > 0 && pause > 0) await sleep(pause);
    const withItem = liveHosts(p, [...items.keys()]).filter((h) => items.get(h)!.length > i);
    const saved = new Map(withItem.map((h) => [h, overlays.get(h)]));
    for (const h of withItem) {
      overlays.set(h, { ...saved.get(h), ...itemVars(lcs.get(h), items.get(h)!, i) });
    }
    try {
      const run = includeWhen(p, inc, withItem);
      if (run.length) await body(run);
    } finally {
      for (const [h, v] of saved) {
        if (v === undefined) overlays.delete(h);
        else overlays.set(h, v);
      }
    }
  }
}
