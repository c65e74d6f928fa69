// A module's arguments as the JSON Schema of what a playbook may write (`kplay schema`): made from the module's
// own zod schemas (z.toJSONSchema), then widened by the conversions kplay makes before checking a type (the forms
// declared in tasks/lib/schema.ts: yes/no booleans, numbers as strings, comma lists ...), a template in place of
// any typed value, and null for "the default". Argument aliases are properties too; unknown arguments are
// refused unless the module takes any (set_fact).
import { z } from 'zod';
import type { ModuleSpec } from '../tasks/contract.js';
import { ARG_FORM_KEY, argForms, type ArgForm } from '../tasks/lib/schema.js';
import {
  BOOL,
  intForm,
  numberForm,
  orNull,
  orTemplate,
  STR,
  TEMPLATE,
  typesOf,
  type JsonSchema,
} from '../core/json-forms.js';

/** The value a task gives its module key: the argument mapping, or `k=v` text (free form: a command line). */
export function moduleValueSchema(m: ModuleSpec): JsonSchema {
  const zodJson = z.toJSONSchema(z.object(m.args), {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
    metadata: argForms,
  }) as JsonSchema;
  const props = (zodJson.properties ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, p] of Object.entries(props)) properties[name] = orNull(widen(p));
  for (const [alias, canon] of Object.entries(m.argAliases ?? {}))
    if (properties[canon] && !properties[alias]) properties[alias] = properties[canon]!;
  return {
    title: m.name,
    description: m.description,
    // a mapping of arguments; a string is `k=v` text, a free-form command or a template giving the mapping
    type: m.freeForm ? ['object', 'string', 'number', 'null'] : ['object', 'string', 'null'],
    properties,
    additionalProperties: !!m.anyArgs,
  };
}

/** What the schema of one argument (or part of one) accepts once kplay's conversions and templates are in. */
export function widen(node: JsonSchema): JsonSchema {
  const form = node[ARG_FORM_KEY] as ArgForm | undefined;
  const { [ARG_FORM_KEY]: _form, default: _default, ...rest } = node;
  if (form) return byForm(form, rest);
  if (Array.isArray(rest.anyOf)) {
    // a member that is only an anyOf (a template beside a pattern) is spread into this one: one level of errors
    const members = (rest.anyOf as JsonSchema[])
      .map(widen)
      .flatMap((m) => (Array.isArray(m.anyOf) && Object.keys(m).length === 1 ? (m.anyOf as JsonSchema[]) : [m]));
    const open = members.some((x) => acceptsAnyString(x));
    return { ...rest, anyOf: open ? members : [...members, TEMPLATE] };
  }
  const types = typesOf(rest);
  if (!types) return rest;
  const out: JsonSchema = { ...rest };
  if (rest.properties && typeof rest.properties === 'object')
    out.properties = Object.fromEntries(
      Object.entries(rest.properties as Record<string, JsonSchema>).map(([k, v]) => [k, widen(v)]),
    );
  if (rest.additionalProperties && typeof rest.additionalProperties === 'object')
    out.additionalProperties = widen(rest.additionalProperties as JsonSchema);
  if (rest.items && typeof rest.items === 'object') out.items = widen(rest.items as JsonSchema);
  if (types.length === 1 && (types[0] === 'number' || types[0] === 'integer')) {
    const { type: _t, ...bounds } = out;
    return types[0] === 'integer' ? intForm(bounds) : numberForm(bounds);
  }
  return orTemplate(out);
}

function byForm(form: ArgForm, inner: JsonSchema): JsonSchema {
  switch (form) {
    case 'bool':
      return BOOL;
    case 'int': {
      const { type: _t, ...bounds } = inner;
      return intForm(bounds);
    }
    case 'float': {
      const { type: _t, ...bounds } = inner;
      return numberForm(bounds);
    }
    case 'str': {
      // a string's own constraints (a pattern) apply to strings; numbers and booleans are taken as their text
      const { type: _t, ...constraints } = inner;
      return 'pattern' in constraints ? orTemplate({ ...constraints, type: 'string' }) : { ...STR, ...constraints };
    }
    case 'list':
      return listOf(inner, true);
    case 'one-or-list':
      return listOf(inner, false);
    case 'or-bool': {
      const w = widen(inner);
      return { anyOf: [...(Array.isArray(w.anyOf) ? (w.anyOf as JsonSchema[]) : [w]), { type: 'boolean' }] };
    }
  }
}

/** A list, or one item standing for a list of one; with `commas`, a string is a comma-separated list. */
function listOf(arr: JsonSchema, commas: boolean): JsonSchema {
  const item = widen((arr.items as JsonSchema | undefined) ?? {});
  const list: JsonSchema = { type: 'array', items: item };
  if (Object.keys(item).length === 0) return {};
  if (acceptsAnyString(item) && !item.anyOf) {
    // a string item: the list, one string, or (commas) a comma list, which is a string too
    const types = typesOf(item) ?? [];
    return { ...item, type: ['array', ...types], items: item };
  }
  return { anyOf: commas ? [list, { type: 'string' }, item] : [list, item] };
}

/** Does a schema take every string (so a template needs no alternative of its own)? */
function acceptsAnyString(s: JsonSchema): boolean {
  if (Object.keys(s).length === 0) return true;
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).some(acceptsAnyString);
  const t = typesOf(s);
  return !!t?.includes('string') && !('pattern' in s) && !('enum' in s) && !('const' in s) && !('minLength' in s);
}
