// Modules that run on the controller: debug, set_fact, assert, fail, meta. They read and set variables only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { checkArgs } from '../playbook/module-args.js';
import { Problems } from '../core/errors.js';
import { loadYamlFile } from '../core/source.js';
import { compileExpr, evalExpr } from '../expr/expr.js';
import { findModule } from '../tasks/index.js';
import { isUncertain, type PlayCtx } from './run-state.js';
import { valueLoc } from '../core/places.js';
import type { Outcome } from './outcome.js';
import type { Task, Vars } from '../core/types.js';
import { condition } from './conditions.js';

function failed(msg: string): Outcome {
  return { status: 'failed', msg, result: { failed: true, msg } };
}

/** include_vars: files relative to the role's vars/, then the playbook's folder; values go where set_fact's do. */
function includeVars(p: PlayCtx, t: Task, host: string, a: Vars): Outcome {
  const name = String(a._raw_params ?? a.file ?? a.dir);
  const bases = [t.role ? join(t.role.path, 'vars') : undefined, p.rv.playbookDir].filter((x): x is string => !!x);
  const found = isAbsolute(name) ? name : bases.map((b) => resolve(b, name)).find((f) => existsSync(f));
  if (!found || !existsSync(found)) return failed(`include_vars: ${name} not found (looked in ${bases.join(', ')})`);
  const files = statSync(found).isDirectory()
    ? readdirSync(found)
        .filter(
          (f) =>
            /\.(ya?ml|json)$/.test(f) &&
            (!a.files_matching || new RegExp(String(a.files_matching)).test(f)) &&
            !((a.ignore_files as string[] | undefined) ?? []).includes(f),
        )
        .sort()
        .map((f) => join(found, f))
    : [found];
  const vars: Vars = {};
  for (const f of files) {
    const problems = new Problems();
    const data = loadYamlFile(f, { problems });
    if (problems.size) return failed(problems.list.map((e) => e.format()).join('\n'));
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data)) return failed(`include_vars: ${f} must hold a mapping`);
      Object.assign(vars, data);
    }
  }
  const set = typeof a.name === 'string' ? { [a.name]: vars } : vars;
  const facts = p.rv.hostFacts.get(host) ?? {};
  Object.assign(facts, set);
  p.rv.hostFacts.set(host, facts);
  return { status: 'ok', result: { changed: false, ansible_facts: set, ansible_included_var_files: files } };
}

export async function runControllerModule(
  p: PlayCtx,
  t: Task,
  host: string,
  vars: Vars,
  raw: Vars,
): Promise<Outcome | undefined> {
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
        if (isUncertain(value))
          return { status: 'uncertain', msg: `${a.var} is known only after a real run`, result: { [a.var]: value } };
        return { status: 'ok', result: { [a.var]: value, changed: false }, show: { [a.var]: value } };
      }
      const msg = a.msg ?? 'Hello world!';
      return { status: 'ok', result: { msg, changed: false }, show: { msg } };
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
    case 'pause': {
      if (a.prompt !== undefined && a.seconds === undefined && a.minutes === undefined)
        return failed('pause with a prompt waits for a person; kplay runs unattended');
      const ms = (Number(a.seconds ?? 0) + Number(a.minutes ?? 0) * 60) * 1000;
      if (!p.opts.check) await new Promise((r) => setTimeout(r, ms));
      return { status: 'ok', result: { changed: false, delta: ms / 1000, echo: a.echo } };
    }
    case 'include_vars':
      return includeVars(p, t, host, a);
    case 'meta':
      return { status: 'skipped', meta: String(a._raw_params), result: { changed: false, skipped: true } };
  }
  return undefined;
}
