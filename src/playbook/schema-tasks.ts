// The JSON Schema definitions of tasks, blocks and handlers (`kplay schema`), from the keyword tables
// (keywords.ts: each check carries the JSON Schema of what it accepts) and the module registry: a task is a
// mapping of its keywords and one module key, each name a module answers to (aliases, collection names), whose
// value is that module's arguments (schema-args.ts). Every other key is refused, so a misspelt keyword or
// module is an error at its own path, and a wrong argument at `.../tasks/3/copy/mode`.
import type { ModuleSpec } from '../tasks/contract.js';
import { canonicalModuleName, type ModuleRegistry } from '../tasks/index.js';
import { qualifiedNames } from '../tasks/collections.js';
import { ROLE_OPTIONS, TASKS_OPTIONS } from './include-args.js';
import { LOOP_CONTROL, NAME, RESERVED } from './keyword-contents.js';
import {
  BLOCK_KEYWORDS,
  HANDLER_KEYWORDS,
  INCLUDE_ACTIONS,
  ROLE_ENTRY_KEYWORDS,
  TASK_KEYWORDS,
  type KeywordCheck,
} from './keywords.js';
import { moduleValueSchema } from './schema-args.js';
import { BOOL, defRef as ref, STR, type JsonSchema } from '../core/json-forms.js';

export type Defs = Record<string, JsonSchema>;

/** A variable's name: what `badVariableName` (keyword-contents.ts) accepts. */
export const VARIABLE_NAME: JsonSchema = { pattern: NAME.source, not: { enum: [...RESERVED] } };

/** Keywords whose value holds the module (`action: copy src=a dest=b`): a task with one names no module key. */
const ACTION_KEYWORDS = ['action', 'local_action'];

/** The JSON Schema of each keyword of a table, with the shapes a type check leaves open spelt out. */
export function keywordProperties(table: Record<string, KeywordCheck>, lists: Record<string, JsonSchema> = {}) {
  const out: Record<string, JsonSchema> = {};
  for (const [k, check] of Object.entries(table)) out[k] = lists[k] ?? check.json;
  if (out.vars)
    out.vars = { ...out.vars, propertyNames: VARIABLE_NAME, items: { type: 'object', propertyNames: VARIABLE_NAME } };
  if (out.loop_control) {
    const keys = Object.fromEntries(LOOP_CONTROL.map((k) => [k, {}]));
    out.loop_control = { ...out.loop_control, properties: keys, additionalProperties: false };
  }
  for (const k of ACTION_KEYWORDS)
    if (out[k])
      out[k] = { type: ['string', 'object'], properties: { module: { type: 'string' } }, required: ['module'] };
  return out;
}

interface Actions {
  /** Every key a task may name its module or include with, each with the schema of its value. */
  properties: Record<string, JsonSchema>;
  /** What a task naming the key must hold besides: `args:` is that module's arguments; without `args:`, the
   *  module's mapping holds its required arguments. */
  dependencies: Record<string, JsonSchema>;
}

function actionKeys(modules: ModuleRegistry): Actions {
  const properties: Record<string, JsonSchema> = {};
  const dependencies: Record<string, JsonSchema> = {};
  const add = (key: string, def: string, needs: boolean) => {
    properties[key] = ref(def);
    const then = { properties: { args: ref(def) } };
    dependencies[key] = { if: { required: ['args'] }, then, ...(needs ? { else: needsOf(key, def) } : {}) };
  };
  for (const m of modules.all())
    for (const name of [m.name, ...(m.aliases ?? [])])
      for (const key of [name, ...qualifiedNames(name)])
        if (modules.find(key) === m) add(key, `module.${m.name}`, requiredGroups(m).length > 0);
  for (const inc of INCLUDE_ACTIONS)
    for (const key of [inc, ...qualifiedNames(inc)])
      if (canonicalModuleName(key) === inc) add(key, inc.endsWith('role') ? 'include_role' : 'include_tasks', false);
  return { properties, dependencies };
}

const needsOf = (key: string, def: string): JsonSchema => ({ properties: { [key]: ref(`needs.${def}`) } });

/** The arguments a module must be given (`required`, and one of each `requiredOneOf`), each by any of its names. */
function requiredGroups(m: ModuleSpec): string[][] {
  const names = (n: string) => [n, ...Object.keys(m.argAliases ?? {}).filter((a) => m.argAliases![a] === n)];
  return [...(m.required ?? []).map((n) => [n]), ...(m.requiredOneOf ?? [])].map((g) => g.flatMap(names));
}

/** A module mapping with its required arguments (`copy: {dest: ...}`); text (`k=v`, a command) is checked at load. */
function needsSchema(m: ModuleSpec): JsonSchema {
  const groups = requiredGroups(m);
  const single = groups.filter((g) => g.length === 1).map((g) => g[0]!);
  const anyOf = groups.filter((g) => g.length > 1).map((g) => ({ anyOf: g.map((n) => ({ required: [n] })) }));
  return { required: single, ...(anyOf.length ? { allOf: anyOf } : {}) };
}

function taskSchema(table: Record<string, KeywordCheck>, actions: Actions, what: string) {
  const keywords = keywordProperties(table);
  return {
    description: `A ${what}: its keywords and one module (or include) key.`,
    type: 'object',
    properties: { ...keywords, ...actions.properties },
    dependencies: actions.dependencies,
    additionalProperties: false,
    // only keywords, and none that holds the module: the task names no module
    if: { propertyNames: { enum: Object.keys(keywords).filter((k) => !ACTION_KEYWORDS.includes(k)) } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword
    then: { description: 'a task names a module', not: {} },
  };
}

function blockSchema(items: string): JsonSchema {
  const list = { type: 'array', items: ref(items) };
  return {
    description: 'A block: tasks run together (block), on failure (rescue) and always after (always).',
    type: 'object',
    properties: keywordProperties(BLOCK_KEYWORDS, { block: list, rescue: list, always: list }),
    required: ['block'],
    additionalProperties: false,
  };
}

/** A task or a block, told apart by `block:` so an error is reported against one of them, not both. */
function itemSchema(block: string, task: string): JsonSchema {
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword
  return { type: 'object', if: { required: ['block'] }, then: ref(block), else: ref(task) };
}

/** A role entry (`roles:`, meta dependencies): a name, or a mapping with `role:` (or `name:`), its keywords, the
 *  options of include_role, and any other key as a parameter of the role. */
export function roleEntrySchema(): JsonSchema {
  const options = Object.fromEntries(ROLE_OPTIONS.filter((k) => k !== 'name').map((k) => [k, STR]));
  return {
    type: ['string', 'object'],
    properties: { ...keywordProperties(ROLE_ENTRY_KEYWORDS), ...options, public: BOOL, allow_duplicates: BOOL },
    anyOf: [{ required: ['role'] }, { required: ['name'] }],
  };
}

/** The definitions every schema of task lists shares: modules, includes, tasks, handlers and blocks. */
export function taskDefs(modules: ModuleRegistry): Defs {
  const defs: Defs = {};
  for (const m of modules.all()) {
    defs[`module.${m.name}`] = moduleValueSchema(m);
    if (requiredGroups(m).length) defs[`needs.module.${m.name}`] = needsSchema(m);
  }
  const options = (names: string[]) => ({
    type: ['string', 'object'],
    properties: Object.fromEntries(names.map((k) => [k, k === 'apply' ? { type: 'object' } : STR])),
    additionalProperties: false,
  });
  defs.include_tasks = { description: 'A task file (file:, or its name).', ...options(TASKS_OPTIONS) };
  defs.include_role = { description: 'A role (name:, or its name).', ...options(ROLE_OPTIONS) };
  for (const k of ['public', 'allow_duplicates']) (defs.include_role.properties as Defs)[k] = BOOL;
  const actions = actionKeys(modules);
  defs.task = taskSchema(TASK_KEYWORDS, actions, 'task');
  defs.handler = taskSchema(HANDLER_KEYWORDS, actions, 'handler');
  defs.block = blockSchema('task_or_block');
  defs.handler_block = blockSchema('handler_or_block');
  defs.task_or_block = itemSchema('block', 'task');
  defs.handler_or_block = itemSchema('handler_block', 'handler');
  defs.role_entry = roleEntrySchema();
  return defs;
}
