// Controller modules (debug, set_fact, assert, fail, pause, include_vars, meta) run through their own
// `runOnController`; the engine gives them the checked args and its evaluator, and sets the facts they return.
import { dirname, join } from 'node:path';
import { valueLoc } from '../core/places.js';
import type { Task, Vars } from '../core/types.js';
import { compileExpr, evalExpr } from '../expr/expr.js';
import { checkArgs } from '../playbook/module-args.js';
import { type ControllerCall, isControllerModule } from '../tasks/contract.js';
import { condition } from './conditions.js';
import type { Outcome } from './outcome.js';
import type { PlayCtx } from './run-state.js';
import { addHost, joinGroup } from '../inventory/changes.js';

export async function runControllerModule(
  p: PlayCtx,
  t: Task,
  host: string,
  vars: Vars,
  raw: Vars,
  check: boolean,
): Promise<Outcome | undefined> {
  const spec = p.modules.find(t.module);
  if (!spec || !isControllerModule(spec)) return undefined;
  const checked = checkArgs(spec, raw, { locOf: t.argLocs, taskLoc: t.loc, task: t.name, host }, true);
  if (checked.errors.length) {
    const msg = checked.errors.map((e) => e.format()).join('\n');
    return { status: 'failed', msg, result: { failed: true, msg } };
  }
  const call: ControllerCall = {
    host,
    args: checked.args,
    raw,
    vars,
    check,
    // as Ansible looks: the role's vars/, the role itself (`dir: vars`), beside the task's file, the playbook's
    varsDirs: [
      ...(t.role ? [join(t.role.path, 'vars'), t.role.path] : []),
      dirname(t.loc.file),
      p.rv.playbookDir,
    ].filter((x, i, all) => all.indexOf(x) === i),
    argLoc: (name, index) => {
      const written = t.args[name];
      return index !== undefined && Array.isArray(written) ? valueLoc(written, index) : t.argLocs(name);
    },
    test: (expr, loc) => condition({ source: expr, loc }, vars),
    value: (expr) => evalExpr(compileExpr(expr), vars),
  };
  const r = await spec.runOnController(call);
  if (r.facts) {
    const facts = p.rv.hostFacts.get(host) ?? {};
    Object.assign(facts, r.facts);
    p.rv.hostFacts.set(host, facts);
  }
  let status = r.status;
  if (r.inventory && status === 'ok') {
    const changed =
      'addHost' in r.inventory
        ? addHost(p.rv.inv, r.inventory.addHost.name, r.inventory.addHost.groups, r.inventory.addHost.vars)
        : joinGroup(p.rv.inv, host, r.inventory.joinGroup.group, r.inventory.joinGroup.parents);
    if (changed) {
      status = 'changed';
      r.result.changed = true;
      p.rv.inventoryChanged = true;
    }
  }
  return { status, msg: r.msg, result: r.result, show: r.show, meta: r.meta, setFacts: r.facts };
}
