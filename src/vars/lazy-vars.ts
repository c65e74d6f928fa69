// Variables whose values are templates (`cluster_dir: "{{ base_dir }}/clusters/x"`) are rendered when read,
// against the same set of variables, as Ansible does: a getter per templated variable, cached once rendered,
// with a guard against a variable that refers to itself.
import { KplayError } from '../core/errors.js';
import { isResult } from '../core/results.js';
import { renderDeep } from '../template/template.js';
import { valueLoc } from '../core/places.js';
import type { Vars } from '../core/types.js';

const rawOf = new WeakMap<Vars, { raw: Vars; host: string | undefined; data: ReadonlySet<string> | undefined }>();

/**
 * Make every templated top-level value of `vars` render lazily within `vars` (in place; returns it). The names
 * in `data` (gathered facts) and registered results (core/results.ts) are never templated again, whatever text
 * they hold.
 */
export function lazyRender(vars: Vars, host: string | undefined, data?: ReadonlySet<string>): Vars {
  rawOf.set(vars, { raw: { ...vars }, host, data });
  const active = new Set<string>();
  for (const [k, raw] of Object.entries(vars)) {
    if (data?.has(k) || isResult(raw) || !hasTemplate(raw, 0)) continue;
    let done = false;
    let value: unknown;
    Object.defineProperty(vars, k, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (done) return value;
        if (active.has(k))
          throw new KplayError(`variable '${k}' refers to itself (through ${[...active].join(' -> ')})`, {
            code: 'TEMPLATE',
            host,
          });
        active.add(k);
        try {
          value = renderDeep(raw, { vars, host }, valueLoc);
          done = true;
          return value;
        } finally {
          active.delete(k);
        }
      },
      set: (v: unknown) => {
        value = v;
        done = true;
      },
    });
  }
  return vars;
}

/**
 * The same variables with more on top (a loop item, a registered result), as a new object whose templated
 * values render against the new set: `{ ...vars }` would render every variable at once.
 */
export function extendVars(vars: Vars, extra: Vars): Vars {
  const r = rawOf.get(vars);
  if (!r) return { ...vars, ...extra };
  return lazyRender({ ...r.raw, ...extra }, r.host, r.data);
}

// A variable's value that is a list or mapping is the same object for every task and host that reads it (values
// are never changed in place): whether it holds a template is looked for once.
const templated = new WeakMap<object, boolean>();

/** Does a plain value hold a template? Never calls getters (hostvars are getters), never goes deep forever. */
function hasTemplate(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%');
  if (depth > 20 || v === null || typeof v !== 'object') return false;
  if (depth === 0) {
    let t = templated.get(v);
    if (t === undefined) templated.set(v, (t = hasTemplateIn(v, depth)));
    return t;
  }
  return hasTemplateIn(v, depth);
}

function hasTemplateIn(v: object, depth: number): boolean {
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, depth + 1));
  for (const d of Object.values(Object.getOwnPropertyDescriptors(v))) {
    if ('value' in d && hasTemplate(d.value, depth + 1)) return true;
  }
  return false;
}
