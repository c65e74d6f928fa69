// Argument types with Ansible's conversions (yes/no booleans, numeric strings, comma lists, octal modes),
// and defineModule / defineTask, which declare a module against the contract (../contract.ts).
import { z } from 'zod';
import { boolWord } from '../../core/value-utils.js';
import type {
  ArgsOf,
  ArgsShape,
  ControllerModule,
  FactReader,
  FileRead,
  HostView,
  ModuleSpec,
  Plan,
  TaskModule,
  Vars,
} from '../contract.js';

/** Which conversion an argument's schema makes before its type is checked (a z.preprocess), so that the JSON
 *  Schema of `kplay schema` accepts what the conversion accepts (playbook/schema-args.ts): Ansible's bool, int,
 *  float, str and list; `one-or-list` a value or a list of them (no comma split); `or-bool` the type or a boolean.
 *  The key is written into `z.toJSONSchema`'s output when `argForms` is its `metadata`; the schemas made from
 *  these (`.optional()`, `.refine()`) carry it too. A new z.preprocess in a module declares its form here. */
export type ArgForm = 'bool' | 'int' | 'float' | 'str' | 'list' | 'one-or-list' | 'or-bool';
export const ARG_FORM_KEY = 'x-kplay-form';
export const argForms = z.registry<{ [ARG_FORM_KEY]: ArgForm }>();

export function withForm<T extends z.ZodType>(schema: T, form: ArgForm): T {
  argForms.add(schema, { [ARG_FORM_KEY]: form });
  return schema;
}

/** Ansible's `bool`: true/false, yes/no, on/off, 1/0, as booleans or strings. */
export function abool() {
  return withForm(
    z.preprocess((v) => boolWord(v) ?? v, z.boolean()),
    'bool',
  );
}

/** Ansible's `int`: a number or a string holding one. */
export function aint() {
  return withForm(
    z.preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v), z.number().int()),
    'int',
  );
}

/** Ansible's `str`: numbers and booleans are turned into strings, as Ansible does (with a warning there). */
export function astr() {
  return withForm(
    z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string()),
    'str',
  );
}

/** An argument that names a path: a string that is not empty. An empty path (a template that rendered to
 * nothing) would mean "here" to a shell or to the controller's file reads: `copy: {src: ''}` once copied the
 * working folder. It is refused before anything is sent. */
export function apath(empty = 'must not be empty: it names a path') {
  const schema = astr().refine((v) => v.trim() !== '', empty);
  PATHS.add(schema);
  return schema;
}

/** The schemas apath() made: which arguments name paths on the host. */
const PATHS = new WeakSet<object>();

/** Does an argument's schema (under .optional() / .default()) name a path? */
export function isPathArg(schema: z.ZodType): boolean {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s; i++) {
    if (PATHS.has(s as object)) return true;
    s = (s as { _zod?: { def?: { innerType?: unknown } } })._zod?.def?.innerType;
  }
  return false;
}

/** What a task may touch, from its arguments alone, when its plan could not be made in check mode: every path
 *  it names, and what is under it (a module may declare better with `pendingTouches`). */
export function pathTouches(spec: ModuleSpec, args: Vars): string[] {
  return Object.entries(spec.args).flatMap(([k, schema]) => {
    const v = args[k];
    if (typeof v !== 'string' || !isPathArg(schema) || !v.startsWith('/')) return [];
    const p = v.replace(/\/+$/, '') || '/';
    return [`file:${p}`, `file:${p}/`];
  });
}

/** Ansible's `list`: a list, or a comma-separated string, or a single value. */
export function alist<T extends z.ZodType>(item: T) {
  const schema = z.preprocess((v) => {
    if (Array.isArray(v)) return v;
    if (typeof v === 'string')
      return v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    if (v === null || v === undefined) return v;
    return [v];
  }, z.array(item));
  return withForm(schema, 'list');
}

/** A file mode: an octal string ('0644', 'u=rw,g=r,o=r', 'preserve') or a number (YAML 1.1 reads 0644 as 420). */
export function amode() {
  return z.union([
    z.number().int().min(0).max(0o7777),
    z
      .string()
      .regex(
        /^(0?[0-7]{3,4}|preserve|([ugoa]*[-+=][rwxXstugo]*,?)+)$/,
        'mode must be octal like "0644", symbolic like "u=rw,g=r", or "preserve"',
      ),
  ]);
}

export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

export function defineModule(spec: ModuleSpec): ModuleSpec {
  return spec;
}

/** A controller module: its declaration plus `runOnController`, which answers with data (contract.ts). */
export function defineController(spec: Omit<ControllerModule, 'controllerOnly'>): ControllerModule {
  return { ...spec, controllerOnly: true };
}

/** A host module: its declaration plus the `plan` that reads the host and returns changes as data (contract.ts). */
export function defineTask<const S extends ArgsShape>(
  spec: Omit<ModuleSpec, 'args'> & {
    args: S;
    converges?: boolean;
    plan(args: ArgsOf<S>, host: HostView, facts: FactReader): Promise<Plan>;
    pendingTouches?(args: ArgsOf<S>): string[];
    loopReads?(args: Vars): FileRead[];
  },
): TaskModule<ArgsOf<S>> {
  return spec;
}
