// The names a piece of playbook text may read, found by their words: every identifier inside `{{ }}` and
// `{% %}` of a template or YAML value, and every identifier of a bare expression (`when:`, `that:` ...).
// It errs on the side of "read" on purpose: `hostvars[h]['LB_ROLE']`, `map(attribute='k8s_nodename')` and
// `lookup('vars', 'x')` read names that are strings, not variables, and a Handlebars helper call reads the
// same way; a word of a message inside an expression counts too. So the linter never calls a setting the
// playbook reads unknown; it may miss a typo that happens to be a word of some expression.

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
const DELIMITED = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;

/** Keys whose string values are bare expressions (no `{{ }}`), as Ansible reads them. */
const BARE = new Set(['when', 'changed_when', 'failed_when', 'until', 'that']);

export function namesInExpression(text: string, into: Set<string>): void {
  for (const w of text.match(WORD) ?? []) into.add(w);
}

export function namesInTemplate(text: string, into: Set<string>): void {
  for (const m of text.matchAll(DELIMITED)) namesInExpression(m[1] ?? m[2] ?? '', into);
}

/** What a loaded YAML value reads and defines: every string under it, and the keys of its `vars:` mappings. */
export function walkYaml(value: unknown, key: string | undefined, out: NameSets, depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    if (key !== undefined && (BARE.has(key) || (key.startsWith('with_') && !value.includes('{{'))))
      namesInExpression(value, out.read);
    else namesInTemplate(value, out.read);
  } else if (Array.isArray(value)) {
    for (const v of value) walkYaml(v, key, out, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'vars' && typeof v === 'object' && v !== null && !Array.isArray(v))
        for (const name of Object.keys(v)) out.defined.add(name);
      walkYaml(v, k, out, depth + 1);
    }
  }
}

/** Names the playbook gives a value to (defaults, vars) and names it reads anywhere. */
export interface NameSets {
  defined: Set<string>;
  read: Set<string>;
}

export const emptyNames = (): NameSets => ({ defined: new Set(), read: new Set() });
