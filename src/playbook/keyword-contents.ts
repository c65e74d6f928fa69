// Checks inside keyword values that a type check cannot see, each at the position of what is wrong:
// variable names in `vars:` (and set_fact), `loop_control`'s keys, and two loops on one task.
import type { Loc, Problems } from '../core/errors.js';
import { keyLoc } from '../core/places.js';
import type { Vars } from '../core/types.js';

export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Python's keywords: Ansible refuses them as variable names. */
export const RESERVED = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);
export const LOOP_CONTROL = ['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems', 'break_when'];
/** Every loop keyword (exec/loops.ts evaluates each one). */
export const LOOP_KEYWORDS = [
  'loop',
  'with_items',
  'with_list',
  'with_dict',
  'with_indexed_items',
  'with_together',
  'with_nested',
  'with_flattened',
  'with_sequence',
  'with_subelements',
  'with_fileglob',
  'with_first_found',
  'with_lines',
  'with_random_choice',
];

/** Why a name cannot be a variable's, or undefined when it can. */
export function badVariableName(name: string): string | undefined {
  if (!NAME.test(name))
    return `'${name}' is not a valid variable name (letters, digits and _, not starting with a digit)`;
  if (RESERVED.has(name)) return `'${name}' is not a valid variable name (a reserved word)`;
  return undefined;
}

/** Variable names of a mapping (vars:, set_fact:), each bad one at its key. */
export function checkVariableNames(vars: unknown, problems: Problems, what = 'vars'): void {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return;
  for (const k of Object.keys(vars)) {
    const bad = badVariableName(k);
    if (bad) problems.add(`${what}: ${bad}`, { code: 'PLAYBOOK', loc: keyLoc(vars, k) });
  }
}

/** set_fact's arguments are variables (`cacheable` is its option). */
/** The names a module would set as variables (set_fact's keys: `varsSet`). */
export function checkSetVarNames(
  module: string,
  names: string[],
  locOf: (key: string) => Loc | undefined,
  problems: Problems,
): void {
  for (const k of names) {
    const bad = badVariableName(k);
    if (bad) problems.add(`${module}: ${bad}`, { code: 'PLAYBOOK', loc: locOf(k) });
  }
}

/** The contents of a play's, block's or task's keywords. */
export function checkKeywordContents(raw: Vars, problems: Problems): void {
  for (const v of Array.isArray(raw.vars) ? raw.vars : [raw.vars]) checkVariableNames(v, problems);
  const lc = raw.loop_control;
  if (lc && typeof lc === 'object' && !Array.isArray(lc)) {
    for (const k of Object.keys(lc)) {
      if (!LOOP_CONTROL.includes(k))
        problems.add(`loop_control: unknown key '${k}' (it takes ${LOOP_CONTROL.join(', ')})`, {
          code: 'UNKNOWN_KEYWORD',
          loc: keyLoc(lc, k),
        });
    }
  }
  const loops = Object.keys(raw).filter((k) => LOOP_KEYWORDS.includes(k));
  for (const k of loops.slice(1)) {
    problems.add(`${k}: a task has one loop, and this one also has ${loops[0]}`, {
      code: 'PLAYBOOK',
      loc: keyLoc(raw, k),
    });
  }
}
