// The options of include_tasks / import_tasks / include_role / import_role, as Ansible reads them: a mapping
// (`include_tasks: { file: x.yml }`), `key=value` text (`include_tasks: file=x.yml`), or the bare file or role
// name. An option these actions do not take is refused at its place.
import type { Loc, Problems } from '../core/errors.js';
import { parseKv } from '../core/kv.js';
import { keyLoc } from '../core/places.js';
import type { Vars } from '../core/types.js';
import { isPlainObject } from '../core/value-utils.js';
import { inString } from './task-action.js';

export const TASKS_OPTIONS = ['file', 'apply'];
export const ROLE_OPTIONS = [
  'name',
  'tasks_from',
  'vars_from',
  'defaults_from',
  'handlers_from',
  'public',
  'allow_duplicates',
  'rolespec_validate',
  'apply',
];

export function includeOptions(mod: string, value: unknown, loc: Loc | undefined, problems: Problems): Vars {
  const role = mod.endsWith('role');
  const allowed = role ? ROLE_OPTIONS : TASKS_OPTIONS;
  const main = role ? 'name' : 'file';
  const refuse = (k: string, at: Loc | undefined) =>
    problems.add(`${mod} does not take '${k}' (it takes ${allowed.join(', ')})`, { code: 'BAD_ARGS', loc: at });
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) if (!allowed.includes(k)) refuse(k, keyLoc(value, k) ?? loc);
    return value;
  }
  if (typeof value !== 'string' || !/^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(value)) return { [main]: value };
  const kv = parseKv(value);
  for (const k of Object.keys(kv.args)) if (!allowed.includes(k)) refuse(k, inString(loc, kv.offsets[k]!));
  for (const b of kv.bare)
    problems.add(`${mod}: '${b.text}' is not a key=value option`, { code: 'BAD_ARGS', loc: inString(loc, b.offset) });
  return kv.args;
}
