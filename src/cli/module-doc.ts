// What `kplay doc` prints: a module's arguments (type, default, choices, aliases, required), its return
// values and an example; and each module's argument schema as JSON Schema.
import { z } from 'zod';
import type { ModuleSpec } from '../tasks/contract.js';

export function jsonSchema(m: ModuleSpec): Record<string, unknown> {
  const schema = z.toJSONSchema(z.object(m.args), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const required = new Set(m.required ?? []);
  return {
    ...schema,
    title: m.name,
    description: m.description,
    required: [...required],
    additionalProperties: !!m.anyArgs,
  };
}

interface ArgDoc {
  name: string;
  type: string;
  default?: unknown;
  choices?: unknown[];
  aliases: string[];
  required: boolean;
}

function typeOf(p: Record<string, unknown>): { type: string; choices?: unknown[] } {
  if (Array.isArray(p.enum)) return { type: 'str', choices: p.enum };
  if (Array.isArray(p.anyOf))
    return { type: (p.anyOf as Record<string, unknown>[]).map((x) => typeOf(x).type).join(' or ') };
  switch (p.type) {
    case 'string':
      return { type: 'str' };
    case 'boolean':
      return { type: 'bool' };
    case 'integer':
      return { type: 'int' };
    case 'number':
      return { type: 'float' };
    case 'array':
      return { type: 'list' };
    case 'object':
      return { type: 'dict' };
    default:
      return { type: 'raw' };
  }
}

export function argDocs(m: ModuleSpec): ArgDoc[] {
  const props = (jsonSchema(m).properties ?? {}) as Record<string, Record<string, unknown>>;
  const aliases = Object.entries(m.argAliases ?? {});
  return Object.keys(m.args)
    .filter((n) => n !== '_raw_params')
    .map((name) => {
      const p = props[name] ?? {};
      const t = typeOf(p);
      const doc: ArgDoc = {
        name,
        type: t.type,
        aliases: aliases.filter(([, c]) => c === name).map(([a]) => a),
        required: (m.required ?? []).includes(name),
      };
      if (t.choices) doc.choices = t.choices;
      const d = (m.args[name] as z.ZodType).safeParse(undefined);
      if (d.success && d.data !== undefined) doc.default = d.data;
      return doc;
    });
}

export function formatDoc(m: ModuleSpec): string {
  const lines = [
    `> ${m.name.toUpperCase()}${m.aliases?.length ? ` (also: ${m.aliases.join(', ')})` : ''}`,
    '',
    `  ${m.description}`,
    '',
  ];
  if (m.freeForm) lines.push('  Takes a free-form command: `' + m.name + ': <command line>`.', '');
  if (m.controllerOnly) lines.push('  Runs on the controller.', '');
  lines.push('ARGUMENTS:');
  for (const a of argDocs(m)) {
    lines.push(`  ${a.required ? '= ' : '- '}${a.name}  (${a.type})${a.required ? '  required' : ''}`);
    if (a.choices) lines.push(`      choices: ${a.choices.join(', ')}`);
    if (a.default !== undefined) lines.push(`      default: ${JSON.stringify(a.default)}`);
    if (a.aliases.length) lines.push(`      aliases: ${a.aliases.join(', ')}`);
  }
  for (const [name, group] of [
    ['one of these is required', m.requiredOneOf],
    ['cannot be used together', m.mutuallyExclusive],
  ] as const) {
    for (const g of group ?? []) lines.push(`  (${g.join(', ')}: ${name})`);
  }
  for (const [arg, value, needs] of m.requiredIf ?? [])
    lines.push(`  (${arg}=${String(value)} requires ${needs.join(', ')})`);
  if (m.returns && Object.keys(m.returns).length) {
    lines.push('', 'RETURN VALUES (register):');
    for (const [k, v] of Object.entries(m.returns)) lines.push(`  ${k}: ${v}`);
  }
  if (m.example) lines.push('', 'EXAMPLE:', ...m.example.split('\n').map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}
