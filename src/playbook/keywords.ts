// The keywords of plays, blocks, tasks and role entries, with the type each value must have.
// A value that is a template (`{{ }}`) is taken as it is and checked at run time.
import { boolWord } from '../core/value-utils.js';
import type { TaskKeywords, Vars } from '../core/types.js';
import { isTemplated } from './module-args.js';
import { BOOL, TEMPLATE_PATTERN, wordsPattern, type JsonSchema } from '../core/json-forms.js';

/** Returns what is wrong with a keyword's value, or undefined; `json` is the JSON Schema of what it accepts
 *  (`kplay schema`: schema-tasks.ts), written beside the check so the two stay one declaration. */
export type KeywordCheck = ((v: unknown) => string | undefined) & { json: JsonSchema };

const typed = (check: (v: unknown) => string | undefined, json: JsonSchema): KeywordCheck =>
  Object.assign(check, { json });
/** A check accepting one of `words` (or a template, with `template`). */
const oneOf = (words: string[], template: boolean, why: (v: unknown) => string): KeywordCheck =>
  typed((v) => (words.includes(String(v)) || (template && isTemplated(v)) ? undefined : why(v)), {
    type: 'string',
    pattern: wordsPattern(words, template),
  });

const bool = typed(
  (v) =>
    boolWord(v) !== undefined || isTemplated(v)
      ? undefined
      : `expected a boolean (true/false, yes/no), got ${JSON.stringify(v)}`,
  BOOL,
);
const int = typed(
  (v) =>
    (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
    isTemplated(v) ||
    (typeof v === 'string' && /^\d+$/.test(v))
      ? undefined
      : `expected a whole number, got ${JSON.stringify(v)}`,
  { type: ['integer', 'string'], minimum: 0, pattern: `^\\d+$|${TEMPLATE_PATTERN}` },
);
const seconds = typed(
  (v) =>
    (typeof v === 'number' && v >= 0) || isTemplated(v) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v))
      ? undefined
      : `expected a number of seconds, got ${JSON.stringify(v)}`,
  { type: ['number', 'string'], minimum: 0, pattern: `^\\d+(\\.\\d+)?$|${TEMPLATE_PATTERN}` },
);
const STR_JSON = { type: ['string', 'number'] };
const str = typed(
  (v) => (typeof v === 'string' || typeof v === 'number' ? undefined : `expected a string, got ${JSON.stringify(v)}`),
  STR_JSON,
);
const strOrList = typed(
  (v) =>
    typeof v === 'string' ||
    typeof v === 'number' ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'))
      ? undefined
      : `expected a string or a list of strings, got ${JSON.stringify(v)}`,
  { type: ['string', 'number', 'array'], items: STR_JSON },
);
const MAPPING_JSON = { type: ['object', 'null', 'string'], pattern: TEMPLATE_PATTERN };
const mapping = typed(
  (v) =>
    (v && typeof v === 'object' && !Array.isArray(v)) || v === null || isTemplated(v)
      ? undefined
      : `expected a mapping, got ${JSON.stringify(v)}`,
  MAPPING_JSON,
);
const condition = typed(
  (v) =>
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'boolean'))
      ? undefined
      : `expected a condition or a list of conditions, got ${JSON.stringify(v)}`,
  { type: ['string', 'boolean', 'number', 'array'], items: { type: ['string', 'boolean'] } },
);
const list = typed(
  (v) =>
    Array.isArray(v) || isTemplated(v)
      ? undefined
      : `expected a list or a template giving one, got ${JSON.stringify(v)}`,
  { type: ['array', 'string'], pattern: TEMPLATE_PATTERN },
);
const identifier = typed(
  (v) =>
    typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)
      ? undefined
      : `expected a variable name, got ${JSON.stringify(v)}`,
  { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
);
const any = typed(() => undefined, {});
const percent = typed(
  (v) =>
    (typeof v === 'number' && v >= 0 && v <= 100) || isTemplated(v)
      ? undefined
      : `expected a percentage from 0 to 100, got ${JSON.stringify(v)}`,
  { type: ['number', 'string'], minimum: 0, maximum: 100, pattern: TEMPLATE_PATTERN },
);

/** Keywords a task, block and play share. */
const COMMON: Record<string, KeywordCheck> = {
  // `name:` left empty is no name, as in Ansible
  name: typed((v) => (v === null ? undefined : str(v)), { type: ['string', 'number', 'null'] }),
  when: condition,
  tags: strOrList,
  become: bool,
  become_user: str,
  // su is taken: its become is a no-op when the login user is the user to become, and fails when run otherwise
  become_method: oneOf(['sudo', 'su'], true, (v) => `only 'sudo' and 'su' are known, got ${JSON.stringify(v)}`),
  become_flags: str,
  environment: mapping,
  vars: typed(
    (v) =>
      mapping(v) === undefined || (Array.isArray(v) && v.every((m) => m && typeof m === 'object' && !Array.isArray(m)))
        ? undefined
        : `expected a mapping or a list of mappings, got ${JSON.stringify(v)}`,
    { type: ['object', 'null', 'string', 'array'], pattern: TEMPLATE_PATTERN, items: { type: 'object' } },
  ),
  ignore_errors: bool,
  ignore_unreachable: bool,
  any_errors_fatal: bool,
  run_once: bool,
  delegate_to: str,
  connection: oneOf(
    ['local', 'ssh', 'smart', 'paramiko'],
    true,
    (v) => `expected 'local' or 'ssh' (kplay connects with ssh, or runs on the controller), got ${JSON.stringify(v)}`,
  ),
  delegate_facts: bool,
  check_mode: bool,
  diff: bool,
  no_log: bool,
  throttle: int,
  timeout: int,
  remote_user: str,
  port: int,
  collections: any,
  module_defaults: mapping,
  debugger: str,
};

export const TASK_KEYWORDS: Record<string, KeywordCheck> = {
  ...COMMON,
  loop: list,
  loop_control: mapping,
  with_items: list,
  with_list: list,
  with_dict: mapping,
  with_indexed_items: list,
  with_together: list,
  with_nested: list,
  with_flattened: list,
  with_sequence: typed(
    (v) =>
      typeof v === 'string' || typeof v === 'number'
        ? undefined
        : `expected a sequence spec string, got ${JSON.stringify(v)}`,
    STR_JSON,
  ),
  with_subelements: list,
  with_fileglob: strOrList,
  with_first_found: typed((v) => (Array.isArray(v) ? undefined : mapping(v)), {
    ...MAPPING_JSON,
    type: ['array', ...MAPPING_JSON.type],
  }),
  with_lines: strOrList,
  with_random_choice: list,
  register: identifier,
  notify: strOrList,
  changed_when: condition,
  failed_when: condition,
  until: condition,
  retries: int,
  // async: seconds the task may run (0: not async); poll: seconds between checks (0: started, not waited for)
  async: int,
  poll: int,
  delay: seconds,
  args: mapping,
  action: any,
  local_action: any,
};

export const HANDLER_KEYWORDS: Record<string, KeywordCheck> = { ...TASK_KEYWORDS, listen: strOrList };

export const BLOCK_KEYWORDS: Record<string, KeywordCheck> = {
  ...COMMON,
  block: list,
  rescue: list,
  always: list,
  notify: strOrList,
};

/** One batch of `serial`: a number, or a percentage (play-keywords.ts checks the string's form too). */
const SERIAL_ONE = { type: ['number', 'string'], minimum: 0, pattern: '^\\s*(\\d+%?|\\{\\{.*\\}\\})\\s*$' };

export const PLAY_KEYWORDS: Record<string, KeywordCheck> = {
  ...COMMON,
  hosts: strOrList,
  vars_files: strOrList,
  vars_prompt: list,
  roles: list,
  pre_tasks: list,
  tasks: list,
  post_tasks: list,
  handlers: list,
  serial: typed(
    (v) =>
      typeof v === 'number' ||
      typeof v === 'string' ||
      (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string'))
        ? undefined
        : `expected a number, a percentage or a list of them, got ${JSON.stringify(v)}`,
    { anyOf: [SERIAL_ONE, { type: 'array', items: SERIAL_ONE }] },
  ),
  strategy: oneOf(['linear', 'free'], true, (v) => `expected 'linear' or 'free', got ${JSON.stringify(v)}`),
  gather_facts: bool,
  gather_subset: strOrList,
  max_fail_percentage: percent,
  force_handlers: bool,
  order: oneOf(
    ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'],
    false,
    (v) => `unknown order ${JSON.stringify(v)}`,
  ),
  forks: int,
};

/** What an import_playbook entry takes beside its file. */
export const IMPORT_PLAYBOOK_KEYWORDS = ['name', 'when', 'tags', 'vars'];

export const ROLE_ENTRY_KEYWORDS: Record<string, KeywordCheck> = { ...COMMON, role: str };

export const INCLUDE_ACTIONS = new Set(['include_tasks', 'import_tasks', 'include_role', 'import_role']);

/** Keywords kplay reads but does not support (yet): a clear error beats silently ignoring them. */
export const UNSUPPORTED: Record<string, string> = {
  include: "'include' was removed from Ansible; use include_tasks or import_tasks",
};

/** Keywords with fields of their own on a task (name, tags, vars, when). */
const OWN_FIELDS = new Set(['name', 'vars', 'tags', 'when']);

/** A task's or block's keywords from its mapping, in the typed form the executor reads. Their values passed
 *  the checks of `table` (a value that did not is a problem reported before the run). */
export function taskKeywords(raw: Vars, table: Record<string, KeywordCheck>): TaskKeywords {
  const out: TaskKeywords = {};
  for (const k of Object.keys(table)) if (raw[k] !== undefined && !OWN_FIELDS.has(k)) out[k] = raw[k];
  return out;
}
