// The JSON Schema (draft-07) of a YAML inventory in Ansible's shape, as yaml.ts reads it (`kplay schema`):
// top-level keys are groups; a group has only hosts, children and vars; hosts map names (with ranges and :port)
// to their variables; children map group names to groups, nested to any depth. `hosts: name` (a string) is
// taken, as Ansible takes it; a list is not (a host is a key, `host1:`, not `- host1`).
import { defRef as ref, SCHEMA_DRAFT, type JsonSchema } from '../core/json-forms.js';
import { SECTIONS } from './yaml.js';

export function inventorySchema(): JsonSchema {
  const vars: JsonSchema = { description: 'Variables: name: value.', type: ['object', 'null'] };
  const sections: Record<string, JsonSchema> = {
    hosts: {
      description: 'The hosts of the group (name or pattern like node[01:03]:2222), each with its variables.',
      type: ['object', 'string', 'null'],
      additionalProperties: ref('host_vars'),
    },
    children: {
      description: 'Groups inside this group.',
      type: ['object', 'null'],
      additionalProperties: ref('group'),
    },
    vars,
  };
  return {
    $schema: SCHEMA_DRAFT,
    title: 'kplay YAML inventory',
    description: "Groups (usually `all:`), each with hosts, children and vars, in Ansible's YAML form.",
    type: ['object', 'null'],
    not: { type: 'object', required: ['plugin'], description: 'inventory plugin files are not supported' },
    additionalProperties: ref('group'),
    definitions: {
      group: {
        description: 'A group: its hosts, children and vars.',
        type: ['object', 'null'],
        properties: Object.fromEntries(SECTIONS.map((k) => [k, sections[k] ?? {}])),
        additionalProperties: false,
      },
      host_vars: { ...vars, description: "A host's variables (nothing, or a mapping)." },
    },
  };
}
