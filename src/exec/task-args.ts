// A task's arguments rendered for one host: every templated value, a templated name (set_fact's
// `"{{ item.key }}={{ value }}"`), and `mod: "{{ a_dict }}"` (`_variable_params`), whose mapping gives the
// arguments the task does not write itself, as Ansible merges them.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import { setKey } from '../core/own-keys.js';
import { findVault, vaultError } from '../core/vault.js';
import type { Task, Vars } from '../core/types.js';
import { isPlainObject } from '../core/value-utils.js';
import { isTemplated } from '../playbook/module-args.js';
import { badVariableName } from '../playbook/keyword-contents.js';
import type { ModuleSpec } from '../tasks/contract.js';
import { renderDeep, renderString } from '../template/template.js';

export function renderArgs(t: Task, spec: ModuleSpec | undefined, vars: Vars, host: string): Vars {
  // an error in an argument points at the argument's own value, not at the task
  const rendered = renderDeep(t.args, { vars, host }, (parent, key) =>
    parent === t.args ? t.argLocs(String(key)) : valueLoc(parent, key),
  ) as Vars;
  for (const [k, v] of Object.entries(rendered)) if (findVault(v)) throw vaultError(t.argLocs(k));
  const fail = (msg: string, key: string) =>
    new KplayError(`${t.module}: ${msg}`, { code: 'BAD_ARGS', loc: t.argLocs(key), task: t.name, host });
  const out: Vars = {};
  if ('_variable_params' in rendered && isTemplated(t.args._variable_params)) {
    const given = rendered._variable_params;
    if (!isPlainObject(given))
      throw fail(
        `${String(t.args._variable_params)} must give a mapping of arguments, got ${show(given)}`,
        '_variable_params',
      );
    for (const [k, v] of Object.entries(given)) setKey(out, k, v);
  }
  for (const [k, v] of Object.entries(rendered)) {
    if (k === '_variable_params') continue;
    if (!isTemplated(k)) {
      setKey(out, k, v);
      continue;
    }
    const name = String(renderString(k, { vars, host }, { loc: t.argLocs(k) })).trim();
    // a name the module sets as a variable must be one a variable can have (checked when read if not templated)
    const bad = spec?.varsSet ? badVariableName(name) : undefined;
    if (bad) throw fail(bad, k);
    setKey(out, name, v);
  }
  return out;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
}
