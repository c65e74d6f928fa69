// The JSON Schema of a site's settings (group_vars/all.yml, host_vars, kubeasz's config.yml; `kplay schema`): the
// variables kplay-defaults declares (playbooks/roles/kplay-defaults/defaults/main.yml), each described by its
// comment there and typed loosely by its default (a boolean takes Ansible's bool words, a number a numeric
// string, either a template). A site sets its own variables too: any other name is taken.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { BOOL, numberForm, SCHEMA_DRAFT, TEMPLATE_PATTERN, type JsonSchema } from '../core/json-forms.js';

/** A section's heading in the defaults file: `# ---- kplay's own ----`. */
const HEADING = /^-{3,}.*-{3,}$/;

interface Described {
  text: string;
  section: string;
}

/** A variable's comment: on its line, else the paragraph above it, else the heading of its section (a comment
 *  above the variable before it may tell of that one alone). */
function describe(key: Node, value: Node | null, last: Described): Described {
  const before = key.commentBefore ?? '';
  const lines = (before.split(/\n\s*\n/).pop() ?? '').split('\n').map((l) => l.trim());
  const heading = before
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => HEADING.test(l))
    .pop();
  const section = heading ? heading.replace(/^-+\s*|\s*-+$/g, '') : last.section;
  const own = value?.comment?.trim() || lines.filter((l) => l && !HEADING.test(l)).join(' ');
  return { text: own || section, section };
}

/** The schema a default's value suggests, loose enough for what a site writes instead. */
function typeOf(value: unknown): JsonSchema {
  if (typeof value === 'boolean') return BOOL;
  if (typeof value === 'number') return numberForm();
  if (Array.isArray(value)) return { type: ['array', 'string'], pattern: TEMPLATE_PATTERN };
  if (value && typeof value === 'object') return { type: ['object', 'string'], pattern: TEMPLATE_PATTERN };
  return {};
}

/** The settings schema from kplay-defaults' defaults file (its path: `defaultsFile`). */
export function siteVarsSchema(defaultsFile: string): JsonSchema {
  const doc = parseDocument(readFileSync(defaultsFile, 'utf8'), { version: '1.1' });
  const properties: Record<string, JsonSchema> = {};
  let d: Described = { text: '', section: '' };
  if (isMap(doc.contents))
    for (const pair of doc.contents.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const value = pair.value as Node | null;
      d = describe(pair.key as Node, value, d);
      const def = value ? value.toJSON() : null;
      properties[String((pair.key as { value: unknown }).value)] = {
        ...typeOf(def),
        ...(d.text ? { description: d.text } : {}),
        default: def,
      };
    }
  return {
    $schema: SCHEMA_DRAFT,
    title: 'kplay site settings',
    description:
      "A site's variables (group_vars/, host_vars/, config.yml): kplay-defaults' settings, described, and the " +
      "site's own.",
    type: ['object', 'null'],
    properties,
    additionalProperties: true,
  };
}
