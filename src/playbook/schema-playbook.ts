// The JSON Schemas `kplay schema` writes for a playbook's files: the playbook (plays and import_playbook
// entries), a task file, a handlers file, a role's defaults/vars and its meta/main.yml. Each is a whole
// document schema (draft-07) holding the definitions it needs (schema-tasks.ts), so an editor or a
// validator reads one file.
import type { ModuleRegistry } from '../tasks/index.js';
import { qualifiedNames } from '../tasks/collections.js';
import { IMPORT_PLAYBOOK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import { NOT_ON_PLAYS } from './play-keywords.js';
import { BOOL, defRef as ref, SCHEMA_DRAFT, type JsonSchema } from '../core/json-forms.js';
import { keywordProperties, taskDefs, VARIABLE_NAME, type Defs } from './schema-tasks.js';
import { VARS_PROMPT_KEYS } from './vars-prompt.js';

/** The names import_playbook answers to. */
const IMPORT_KEYS = ['import_playbook', ...qualifiedNames('import_playbook')];

function playDefs(): Defs {
  const taskList = { type: 'array', items: ref('task_or_block') };
  const prompt: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(
      VARS_PROMPT_KEYS.map((k) => [k, k === 'name' ? { type: 'string', ...VARIABLE_NAME } : {}]),
    ),
    required: ['name'],
    additionalProperties: false,
  };
  const keywords = keywordProperties(PLAY_KEYWORDS, {
    pre_tasks: taskList,
    tasks: taskList,
    post_tasks: taskList,
    handlers: { type: 'array', items: ref('handler_or_block') },
    roles: { type: 'array', items: ref('role_entry') },
    vars_prompt: { type: 'array', items: prompt },
  });
  for (const k of NOT_ON_PLAYS) delete keywords[k];
  const common = keywordProperties(TASK_KEYWORDS);
  return {
    play: {
      description: 'A play: the hosts it runs on, its keywords, roles and tasks.',
      type: 'object',
      properties: keywords,
      required: ['hosts'],
      additionalProperties: false,
    },
    import_playbook: {
      description: 'Another playbook, read in its place.',
      type: 'object',
      properties: {
        ...Object.fromEntries(IMPORT_KEYS.map((k) => [k, { type: 'string' }])),
        ...Object.fromEntries(IMPORT_PLAYBOOK_KEYWORDS.map((k) => [k, common[k] ?? {}])),
      },
      additionalProperties: false,
    },
    play_or_import: {
      type: 'object',
      if: { anyOf: IMPORT_KEYS.map((k) => ({ required: [k] })) },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword
      then: ref('import_playbook'),
      else: ref('play'),
    },
  };
}

/** A mapping of variables (a role's defaults or vars, group_vars, host_vars): any values, names checked. */
export const VARS_FILE: JsonSchema = { type: ['object', 'null'], propertyNames: VARIABLE_NAME };

export interface PlaybookSchemas {
  playbook: JsonSchema;
  tasks: JsonSchema;
  handlers: JsonSchema;
  'role-vars': JsonSchema;
  'role-meta': JsonSchema;
}

/** The schemas of a playbook's files for the modules of `modules` (the built-in ones and any library/ ones). */
export function playbookSchemas(modules: ModuleRegistry): PlaybookSchemas {
  const defs = { ...taskDefs(modules), ...playDefs() };
  const doc = (title: string, description: string, body: JsonSchema, own: Defs | null = defs) => ({
    $schema: SCHEMA_DRAFT,
    title,
    description,
    ...body,
    ...(own ? { definitions: own } : {}),
  });
  return {
    playbook: doc('kplay playbook', 'A list of plays and import_playbook entries.', {
      type: 'array',
      items: ref('play_or_import'),
    }),
    tasks: doc("kplay task file (a role's tasks/, include_tasks)", 'A list of tasks and blocks.', {
      type: ['array', 'null'],
      items: ref('task_or_block'),
    }),
    handlers: doc("kplay handlers file (a role's handlers/)", 'A list of handlers and blocks.', {
      type: ['array', 'null'],
      items: ref('handler_or_block'),
    }),
    'role-vars': doc("kplay role variables (a role's defaults/ and vars/)", 'A mapping of variables.', VARS_FILE, null),
    'role-meta': doc(
      "kplay role meta (a role's meta/main.yml)",
      "The role's dependencies, run before it.",
      {
        type: ['object', 'null'],
        properties: {
          dependencies: { type: ['array', 'null'], items: ref('role_entry') },
          allow_duplicates: BOOL,
        },
      },
      { role_entry: defs.role_entry! },
    ),
  };
}
