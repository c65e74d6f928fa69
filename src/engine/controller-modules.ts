// Modules that run on the controller: debug, set_fact, assert, fail, meta. They read and set variables only.
import { checkArgs } from './args.js';
import { compileExpr, evalExpr } from './expr.js';
import { findModule } from '../tasks/index.js';
import { isUncertain, type PlayCtx } from './run-state.js';
import { valueLoc } from './source.js';
import type { Outcome } from './task-exec.js';
import type { Task, Vars } from './types.js';
import { condition } from './task-exec.js';

export async function runControllerModule(p: PlayCtx, t: Task, host: string, vars: Vars, raw: Vars): Promise<Outcome | undefined> {
  const spec = findModule(t.module);
  if (!spec?.controllerOnly) return undefined;
  const checked = checkArgs(spec, raw, { locOf: t.argLocs, taskLoc: t.loc, task: t.name, host }, true);
  if (checked.errors.length) {
    const msg = checked.errors.map((e) => e.format()).join('\n');
    return { status: 'failed', msg, result: { failed: true, msg } };
  }
  const a = checked.args;
  switch (spec.name) {
    case 'debug': {
      if (typeof a.var === 'string') {
        let value: unknown;
        try {
          value = evalExpr(compileExpr(a.var), vars);
        } catch {
          value = 'VARIABLE IS NOT DEFINED!';
        }
        if (isUncertain(value)) return { status: 'uncertain', msg: `${a.var} is known only after a real run`, result: { [a.var]: value } };
        return { status: 'ok', result: { [a.var]: value, changed: false } };
      }
      return { status: 'ok', result: { msg: a.msg ?? 'Hello world!', changed: false } };
    }
    case 'set_fact': {
      const facts = p.rv.hostFacts.get(host) ?? {};
      const set: Vars = {};
      for (const [k, v] of Object.entries(raw)) if (k !== 'cacheable') set[k] = v;
      Object.assign(facts, set);
      p.rv.hostFacts.set(host, facts);
      return { status: 'ok', result: { ansible_facts: set, changed: false } };
    }
    case 'assert': {
      const that = a.that as (string | boolean)[];
      const list = Array.isArray(t.args.that) ? (t.args.that as unknown[]) : undefined;
      for (const [i, c] of that.entries()) {
        const loc = list ? valueLoc(list, i) : t.argLocs('that');
        if (!condition({ source: c, loc }, vars)) {
          const msg = String(a.fail_msg ?? 'Assertion failed');
          return { status: 'failed', msg, result: { failed: true, assertion: c, evaluated_to: false, msg } };
        }
      }
      return { status: 'ok', result: { changed: false, msg: String(a.success_msg ?? 'All assertions passed') } };
    }
    case 'fail': {
      const msg = String(a.msg ?? 'Failed as requested from task');
      return { status: 'failed', msg, result: { failed: true, msg } };
    }
    case 'meta':
      return { status: 'skipped', meta: String(a._raw_params), result: { changed: false, skipped: true } };
  }
  return undefined;
}
