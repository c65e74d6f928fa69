// The JSON Schema (draft-07) of the value forms kplay accepts where a playbook expects a type: Ansible's
// bool words, numbers written as strings, and a template (`{{ }}` or `{% %}`, rendered when the task runs) in
// place of any typed value. One schema per form, with the types side by side (`type: [...]`) rather than an
// anyOf where it can, so a validator's error names the value's own path once. Used by the keywords' checks
// (playbook/keywords.ts), the module arguments (playbook/schema-args.ts) and the site's settings for `kplay schema`.
import { BOOL_WORDS } from './value-utils.js';

export type JsonSchema = Record<string, unknown>;

/** kplay's schemas are draft-07's: what Red Hat's YAML extension (yaml-language-server) validates with. */
export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** A reference to one of a schema's own `definitions`. */
export const defRef = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

/** A string holding a template: what `isTemplated` (playbook/module-args.ts) accepts. */
export const TEMPLATE_PATTERN = '\\{\\{|\\{%';
export const TEMPLATE: JsonSchema = { type: 'string', pattern: TEMPLATE_PATTERN };

/** A word in any case: `yes` -> `[yY][eE][sS]`. */
const anyCase = (w: string) =>
  [...w].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');

/** A string that is one of `words`, or a template. */
export function wordsPattern(words: readonly string[], template = true): string {
  const alt = `^\\s*(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*$`;
  return template ? `${alt}|${TEMPLATE_PATTERN}` : alt;
}

/** Ansible's bool: a boolean, 0 or 1, a bool word (yes, On, false ...), or a template. */
export const BOOL: JsonSchema = {
  type: ['boolean', 'integer', 'string'],
  minimum: 0,
  maximum: 1,
  pattern: `^\\s*(${BOOL_WORDS.filter((w) => w)
    .map(anyCase)
    .join('|')})?\\s*$|${TEMPLATE_PATTERN}`,
};

/** A whole number, a string holding one, or a template; `extra` adds bounds (minimum ...). */
export function intForm(extra: JsonSchema = {}): JsonSchema {
  return { ...extra, type: ['integer', 'string'], pattern: `^\\s*-?\\d+\\s*$|${TEMPLATE_PATTERN}` };
}

/** A number, a string holding one, or a template. */
export function numberForm(extra: JsonSchema = {}): JsonSchema {
  return { ...extra, type: ['number', 'string'], pattern: `^\\s*-?(\\d+\\.?\\d*|\\.\\d+)\\s*$|${TEMPLATE_PATTERN}` };
}

/** Ansible's str: numbers and booleans are taken as their text. */
export const STR: JsonSchema = { type: ['string', 'number', 'boolean'] };

/** `schema` (of one JSON type, or several side by side) or a template in its place. */
export function orTemplate(schema: JsonSchema): JsonSchema {
  const types = typesOf(schema);
  if (!types || 'enum' in schema || 'const' in schema || 'anyOf' in schema || 'oneOf' in schema)
    return { anyOf: [schema, TEMPLATE] };
  if (types.includes('string')) return 'pattern' in schema ? { anyOf: [schema, TEMPLATE] } : schema;
  return { ...schema, type: [...types, 'string'], pattern: TEMPLATE_PATTERN };
}

/** `schema` or null (an argument given as `~` keeps its default). */
export function orNull(schema: JsonSchema): JsonSchema {
  const types = typesOf(schema);
  if (Object.keys(schema).length === 0) return schema;
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  if (!types || 'enum' in schema || 'const' in schema || 'oneOf' in schema)
    return { anyOf: [schema, { type: 'null' }] };
  return types.includes('null') ? schema : { ...schema, type: [...types, 'null'] };
}

export function typesOf(schema: JsonSchema): string[] | undefined {
  const t = schema.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? (t as string[]) : undefined;
}
