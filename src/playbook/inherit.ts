// What a task inherits from its play, role, block and include (keywords, when, tags, vars), and the load
// context every loader passes down.
import type { ModuleRegistry } from '../tasks/index.js';
import type { Loc, Problems } from '../core/errors.js';
import { places, setPlace, valueLoc } from '../core/places.js';
import type { Condition, Inherited, TaskNode, Vars } from '../core/types.js';
import { isPlainObject } from '../core/value-utils.js';
import { mergeModuleDefaults } from './module-defaults.js';

export interface LoadCtx {
  problems: Problems;
  /** The run's modules (built-in and the playbook's library/). */
  modules: ModuleRegistry;
  playbookDir: string;
  stack: string[]; // files being read, to refuse import cycles
  /** Load a role's tasks (roles.ts provides it; kept as a callback to avoid an import cycle). */
  importRole: (
    name: string,
    loc: Loc,
    entry: Vars,
    inh: Inherited,
    ctx: LoadCtx,
    tasksFrom?: string,
    via?: 'import' | 'include',
  ) => TaskNode[];
}

/** Keywords that pass from a block (or role, or import) down to the tasks in it. */
const INHERITABLE = [
  'become',
  'become_user',
  'become_method',
  'become_flags',
  'environment',
  'ignore_errors',
  'ignore_unreachable',
  'any_errors_fatal',
  'run_once',
  'delegate_to',
  'connection',
  'notify',
  'check_mode',
  'diff',
  'no_log',
  'throttle',
  'timeout',
  'remote_user',
  'port',
  'module_defaults',
];

export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function conditions(raw: Vars, key: string): Condition[] {
  const v = raw[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((c, i) => ({ source: c as string, loc: valueLoc(v, i) }));
  return [{ source: v as string | boolean, loc: valueLoc(raw, key) }];
}

/** Combine what an enclosing block/role/import passes down with its own keywords. */
export function inherit(outer: Inherited, raw: Vars, extraTags: string[] = []): Inherited {
  const keywords = { ...outer.keywords };
  for (const k of INHERITABLE) if (raw[k] !== undefined) keywords[k] = raw[k];
  if (raw.module_defaults !== undefined)
    keywords.module_defaults = mergeModuleDefaults(outer.keywords.module_defaults, raw.module_defaults) as Vars;
  return {
    when: [...outer.when, ...conditions(raw, 'when')],
    tags: unique([...outer.tags, ...toList(raw.tags), ...extraTags]),
    vars: ownVars(raw) ? { ...outer.vars, ...ownVars(raw) } : outer.vars,
    keywords,
    role: outer.role,
    rescued: outer.rescued,
  };
}

const merged = new WeakMap<unknown[], Vars>();

/** A play's, block's or task's own `vars:`: a mapping, or a list of mappings merged in order (as Ansible takes
 *  them), each variable keeping the place it was written at. */
export function ownVars(raw: Vars): Vars | undefined {
  const v = raw.vars;
  if (isPlainObject(v)) return v;
  if (!Array.isArray(v) || !v.every(isPlainObject)) return undefined;
  let out = merged.get(v);
  if (!out) {
    out = Object.assign({}, ...v) as Vars;
    const keys = new Map();
    const values = new Map();
    for (const m of v) {
      for (const [k, l] of places.get(m)?.keys ?? []) keys.set(k, l);
      for (const [k, l] of places.get(m)?.values ?? []) values.set(k, l);
    }
    const self = places.get(v)?.self;
    if (self) setPlace(out, self, keys, values);
    merged.set(v, out);
  }
  return out;
}

export function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
