// `module_defaults:` on a play, role, block or task: arguments a module gets when its task does not give them.
// As Ansible merges them: the entries of the enclosing levels, then the task's own, a module's entry replacing
// the one above it whole (`debug: {}` drops an inherited `debug` default); a module is named as written, in
// short or FQCN form. Applied when the task is read, so the arguments are checked with them before the run.
// A templated `module_defaults` and action groups (`group/...`) are not applied.
import type { Loc } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Vars } from '../core/types.js';
import { isPlainObject } from '../core/value-utils.js';
import { canonicalModuleName, type ModuleRegistry } from '../tasks/index.js';

/** One mapping of module name to default arguments (a list of mappings is merged in order). */
function asMapping(v: unknown): Vars {
  if (isPlainObject(v)) return v;
  if (Array.isArray(v)) return Object.assign({}, ...v.filter(isPlainObject)) as Vars;
  return {};
}

/** The module_defaults a level passes down: the outer ones with this level's entries over them. */
export function mergeModuleDefaults(outer: unknown, own: unknown): unknown {
  if (own === undefined || own === null) return outer;
  if (outer === undefined || outer === null || typeof own === 'string') return own;
  return { ...asMapping(outer), ...asMapping(own) };
}

/** The task's arguments with the defaults for its module added; `locs` then also places the added ones. */
export function withModuleDefaults(
  defaults: unknown,
  module: string,
  modules: ModuleRegistry,
  args: Vars,
  locs: (k: string) => Loc | undefined,
): { args: Vars; locs: (k: string) => Loc | undefined } {
  const all = asMapping(defaults);
  const given: Vars = {};
  const placed = new Map<string, Loc | undefined>();
  for (const [name, entry] of Object.entries(all)) {
    if (!isPlainObject(entry) || modules.find(canonicalModuleName(name))?.name !== module) continue;
    for (const [k, v] of Object.entries(entry)) {
      given[k] = v;
      placed.set(k, valueLoc(entry, k));
    }
  }
  const added = Object.keys(given).filter((k) => !(k in args));
  if (!added.length || '_variable_params' in args) return { args, locs };
  for (const k of added) args[k] = given[k];
  return { args, locs: (k) => (added.includes(k) ? (placed.get(k) ?? locs(k)) : locs(k)) };
}
