// `omit`: the variable whose value, given to a module argument (`group: "{{ g | default(omit) }}"`,
// `"{{ x or omit }}"`), leaves that argument out, as if it were not written. Its value is a placeholder text no
// one writes by chance, made anew by each kplay process, as Ansible's is.
import { randomBytes } from 'node:crypto';

export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

/** Rendered arguments without the ones given `omit` (in mappings and lists at any depth). */
export function dropOmitted<T>(v: T): T {
  if (Array.isArray(v)) return v.filter((x) => x !== OMIT).map(dropOmitted) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== OMIT) out[k] = dropOmitted(x);
    return out as T;
  }
  return v;
}
