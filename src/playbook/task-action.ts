// Which key of a task is its module (`copy:`, `action:`, `local_action:`) and what its arguments are, from
// `k=v` text, free form, a mapping or `args:`, each with the position it was written at.
import { didYouMean, KplayError, type Loc, type Problems } from '../core/errors.js';
import { parseKv, splitArgs } from '../core/kv.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import { textOf } from '../core/source-text.js';
import type { Vars } from '../core/types.js';
import { isPlainObject } from '../core/value-utils.js';
import type { ModuleSpec } from '../tasks/contract.js';
import { builtins, canonicalModuleName, type ModuleRegistry } from '../tasks/index.js';
import { homeFqcn, shortModuleName } from '../tasks/collections.js';
import { INCLUDE_ACTIONS, UNSUPPORTED, type KeywordCheck } from './keywords.js';

export interface Action {
  key: string; // the key as written
  module: string;
  value: unknown;
  loc: Loc | undefined;
  /** An Ansible module kplay does not have (`pip`): why, for a task that may never run (tasks-loader). */
  missing?: string;
}

/** `action: "{{ ansible_facts.pkg_mgr }}"`: the host's package manager, which is what the package module uses.
 *  Other templated module names cannot be checked before the run and stay refused. */
const PKG_MGR = /^\{\{-?\s*(ansible_pkg_mgr|ansible_facts(\.pkg_mgr|\[\s*(['"])pkg_mgr\3\s*\]))\s*-?\}\}(?=\s|$)/;
const moduleNameOf = (s: string) => (PKG_MGR.exec(s.trim())?.[0] === s.trim() ? 'package' : s);

/** Which key of a task names its module: the one key that is not a keyword. */
export function findAction(
  raw: Vars,
  table: Record<string, KeywordCheck>,
  problems: Problems,
  modules: ModuleRegistry,
): Action | undefined {
  const loc = locOf(raw);
  for (const k of ['action', 'local_action']) {
    if (raw[k] === undefined) continue;
    const v = raw[k];
    if (typeof v === 'string') {
      const pm = PKG_MGR.exec(v.trim());
      const [mod, ...rest] = pm ? ['package', v.trim().slice(pm[0].length).trim()] : v.trim().split(/\s+/);
      return checkModule({ key: k, module: mod!, value: rest.join(' '), loc: valueLoc(raw, k) }, problems, modules);
    }
    if (isPlainObject(v) && typeof v.module === 'string') {
      const { module, ...args } = v;
      const m = moduleNameOf(module);
      return checkModule({ key: k, module: m, value: args, loc: valueLoc(raw, k) }, problems, modules);
    }
    problems.add(`${k}: expected "module args" or a mapping with 'module'`, {
      code: 'PLAYBOOK',
      loc: valueLoc(raw, k),
    });
    return undefined;
  }
  const candidates = Object.keys(raw).filter((k) => !(k in table) && !(k in UNSUPPORTED));
  const known = candidates.filter((k) => modules.find(k) || INCLUDE_ACTIONS.has(canonicalModuleName(k)));
  if (known.length > 1) {
    problems.add(`conflicting actions in one task: ${known.join(', ')}`, {
      code: 'PLAYBOOK',
      loc: keyLoc(raw, known[1]!),
    });
    return undefined;
  }
  if (known.length === 1)
    return { key: known[0]!, module: known[0]!, value: raw[known[0]!], loc: valueLoc(raw, known[0]!) };
  if (candidates.length === 0) {
    problems.add('this task names no module (every key is a keyword)', { code: 'UNKNOWN_MODULE', loc });
    return undefined;
  }
  const home = candidates.length === 1 ? homeFqcn(shortModuleName(candidates[0]!) ?? '') : undefined;
  if (home) {
    const k = candidates[0]!;
    const missing = k.includes('.') ? notSupported(k, modules) : `module '${k}' (${home}) is not implemented by kplay`;
    return { key: k, module: k, value: raw[k], loc: valueLoc(raw, k), missing };
  }
  for (const k of candidates) {
    if (k.includes('.')) {
      problems.add(notSupported(k, modules), { code: 'UNKNOWN_MODULE', loc: keyLoc(raw, k) });
      continue;
    }
    const near = didYouMean(k, [...modules.names(), ...Object.keys(table)]);
    problems.add(`unknown module or keyword '${k}'${near ? ` (did you mean '${near}'?)` : ''}`, {
      code: 'UNKNOWN_MODULE',
      loc: keyLoc(raw, k),
    });
  }
  return undefined;
}

function checkModule(a: Action, problems: Problems, modules: ModuleRegistry): Action | undefined {
  if (modules.find(a.module) || INCLUDE_ACTIONS.has(canonicalModuleName(a.module))) return a;
  if (a.module.includes('.')) {
    problems.add(notSupported(a.module, modules), { code: 'UNKNOWN_MODULE', loc: a.loc });
    return undefined;
  }
  const near = didYouMean(a.module, modules.names());
  problems.add(`unknown module '${a.module}'${near ? ` (did you mean '${near}'?)` : ''}`, {
    code: 'UNKNOWN_MODULE',
    loc: a.loc,
  });
  return undefined;
}

/** A collection's module kplay does not have (or a name no collection has): the same short name where kplay has
 *  it (`community.general.copy` -> ansible.builtin.copy), else the nearest module, each by its collection name. */
function notSupported(name: string, modules: ModuleRegistry): string {
  const short = name.slice(name.lastIndexOf('.') + 1);
  const own = [...modules.names(), ...INCLUDE_ACTIONS];
  const near = own.includes(short) ? short : didYouMean(short, own);
  const as =
    near === undefined ? undefined : (homeFqcn(near) ?? `${builtins.find(near) ? 'kplay' : 'ansible.legacy'}.${near}`);
  return `module '${name}' is not supported by kplay${as && as !== name ? ` (did you mean '${as}'?)` : ''}`;
}

/** Modules whose stray words Ansible's action judges when it runs (add_host's "invalid raw parameters"), so
 *  `ignore_errors` covers them; any other module's are a load error in Ansible too. */
const RAW_AT_RUN = new Set(['add_host', 'group_by', 'set_fact']);

/** The module's arguments from `mod: k=v`, `mod: free form`, `mod: {k: v}` and `args:`; inline wins over args:.
 *  `mod: "{{ a_dict }}"` gives its arguments when the task runs (`_variable_params`, as Ansible names it). Words
 *  that are not `key=value` are in `errors`, which `ignore_errors` defers to the run where Ansible does. */
export function moduleArgs(spec: ModuleSpec, a: Action, raw: Vars, problems: Problems, taskLoc: Loc) {
  const freeKeys = spec.freeForm ? new Set(spec.freeFormKeys ?? Object.keys(spec.args)) : undefined;
  const args: Vars = {};
  const errors: KplayError[] = [];
  const keyLocs = new Map<string, Loc | undefined>();
  const valLocs = new Map<string, Loc | undefined>();
  const fromMapping = (m: Vars) => {
    for (const k of Object.keys(m)) {
      args[k] = m[k];
      keyLocs.set(k, keyLoc(m, k));
      valLocs.set(k, valueLoc(m, k));
    }
  };
  if (isPlainObject(raw.args)) fromMapping(raw.args);
  const v = a.value;
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v);
    // Ansible fails "at splitting arguments" on an unbalanced quote; a shell script's quotes are the shell's
    const open = spec.freeForm === 'script' ? undefined : splitArgs(s).find((t) => t.unclosed !== undefined)?.unclosed;
    if (open !== undefined)
      problems.add(`${a.module}: a quote that is never closed in its arguments`, {
        code: 'BAD_ARGS',
        loc: inString(a.loc, open),
      });
    const kv = parseKv(s, freeKeys, spec.anyArgs === true);
    for (const [k, val] of Object.entries(kv.args)) {
      args[k] = val;
      keyLocs.set(k, inString(a.loc, kv.offsets[k]!));
      valLocs.set(k, inString(a.loc, kv.offsets[k]! + k.length + 1));
    }
    if (kv.raw !== undefined) {
      args._raw_params = kv.raw;
      valLocs.set('_raw_params', a.loc);
    }
    const rest = kv.bare.map((b) => b.text).join(' ');
    if (kv.bare.length && isOneTemplate(rest)) {
      args._variable_params = rest;
      valLocs.set('_variable_params', inString(a.loc, kv.bare[0]!.offset));
    } else
      for (const b of kv.bare) {
        const e = new KplayError(`${a.module}: '${b.text}' is not a key=value argument`, {
          code: 'BAD_ARGS',
          loc: inString(a.loc, b.offset),
        });
        if (RAW_AT_RUN.has(spec.name)) errors.push(e);
        else problems.push(e);
      }
  } else if (isPlainObject(v)) {
    fromMapping(v);
  } else if (v !== null && v !== undefined) {
    problems.add(`${a.module}: arguments must be key=value text or a mapping, got ${JSON.stringify(v)}`, {
      code: 'BAD_ARGS',
      loc: a.loc,
    });
  }
  return {
    args,
    errors,
    argLocs: (k: string) => valLocs.get(k) ?? a.loc ?? taskLoc,
    argKeyLocs: (k: string) => keyLocs.get(k) ?? valLocs.get(k) ?? a.loc ?? taskLoc,
  };
}

/** `{{ expr }}` alone: one expression, nothing around it. */
function isOneTemplate(s: string): boolean {
  const t = s.trim();
  return t.startsWith('{{') && t.endsWith('}}') && t.indexOf('}}') === t.length - 2;
}

/** The position `offset` characters into a one-line YAML scalar that starts at `loc` (after its opening quote). */
export function inString(loc: Loc | undefined, offset: number): Loc | undefined {
  if (!loc) return undefined;
  const line = textOf(loc.file)?.split(/\r?\n/)[loc.line - 1];
  const ch = line?.[loc.col - 1];
  if (ch === '|' || ch === '>') return loc;
  const quote = ch === '"' || ch === "'" ? 1 : 0;
  return { file: loc.file, line: loc.line, col: loc.col + quote + offset };
}
