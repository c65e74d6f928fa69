// Filters that call other filters and tests by name, and the one entry point for calling any filter or test:
// `groups['kube_master'] | map('extract', hostvars, 'ansible_host') | list`,
// `hostvars | dict2items | selectattr('value.LB_ROLE', 'defined') | map(attribute='key') | list`,
// `ports | select('ge', 1024)`, `users | rejectattr('state', 'equalto', 'absent')`.
// `map` returns a list (Jinja returns a generator, which Ansible users follow with `| list`: that still works).
// Names may carry the `ansible.builtin.` prefix, in a pipe (`x | ansible.builtin.to_json`) or as a string argument.
import { didYouMean } from '../core/errors.js';
import { attrPath, FilterError, list, type Filter, type KwArgs } from './filters-base.js';
import { pairsToDict, put } from './filters-data.js';
import { FILTER_SIGNATURES, foldKwargs, TEST_SIGNATURES } from './filters-params.js';
import { EQUALITY_TESTS } from './filters-text.js';
import { FILTERS, LENIENT_FILTERS, LENIENT_TESTS, TESTS } from './filters.js';
import { NET_COLLECTIONS, NET_FILTERS } from './filters-net.js';
import { now } from './filters-py.js';
import { noteDerived } from '../core/secrets.js';
import { toText, truthy, typeName } from '../core/value-utils.js';

export const BUILTIN_PREFIX = 'ansible.builtin.';

/** The collection prefix a name is written with (`ansible.builtin.`, `ansible.utils.` for ipaddr ...), or ''. */
function prefixOf(name: string): string {
  if (name.startsWith(BUILTIN_PREFIX)) return BUILTIN_PREFIX;
  const p = NET_COLLECTIONS.find((c) => name.startsWith(c));
  return p && Object.hasOwn(NET_FILTERS, name.slice(p.length)) ? p : '';
}

/** A filter or test name without the collection prefix kplay accepts for it; a name with another prefix stays. */
export const bare = (name: string): string => name.slice(prefixOf(name).length);

/** An unknown filter or test name, with a did-you-mean (keeping the prefix it was written with). */
export function unknownName(kind: 'filter' | 'test', name: string): string {
  const prefix = prefixOf(name);
  const guess = didYouMean(bare(name), kind === 'filter' ? filterNames() : testNames());
  return `unknown ${kind} '${name}'${guess ? ` (did you mean '${prefix}${guess}'?)` : ''}`;
}

export const isFilter = (name: string): boolean =>
  Object.hasOwn(FILTERS, bare(name)) || LENIENT_FILTERS.has(bare(name));
export const isTest = (name: string): boolean => Object.hasOwn(TESTS, bare(name)) || LENIENT_TESTS.has(bare(name));
export const filterNames = (): string[] => [...Object.keys(FILTERS), ...LENIENT_FILTERS];
export const testNames = (): string[] => [...Object.keys(TESTS), ...LENIENT_TESTS];
export const filterSignature = (name: string) => FILTER_SIGNATURES[bare(name)];
export const testSignature = (name: string) => TEST_SIGNATURES[bare(name)];

const NO_KW: KwArgs = Object.freeze(Object.create(null) as KwArgs);

/** Call a filter by name; `v` is undefined when the input is an undefined variable (only lenient filters accept it). */
export function callFilter(name: string, v: unknown, args: unknown[], kw: KwArgs = NO_KW): unknown {
  const n = bare(name);
  if (!isFilter(n)) throw new FilterError(unknownName('filter', name));
  const { args: a, rest } = foldKwargs(FILTER_SIGNATURES[n], args, kw);
  // as Jinja's: only an undefined value is replaced (None is a value), or with boolean=true any false one
  if (n === 'default' || n === 'd') return v === undefined || (truthy(a[1]) && !truthy(v)) ? (a[0] ?? '') : v;
  if (n === 'mandatory') {
    if (v === undefined)
      throw new FilterError(a[0] === undefined ? 'a mandatory variable is not defined' : toText(a[0]));
    return v;
  }
  const out = FILTERS[n]!(v, a, rest);
  if (n !== 'ternary') noteDerived(v, out); // ternary picks one of its arguments; it does not transform v
  return out;
}

/** Call a test by name; `v` is undefined for an undefined variable or a missing attribute. */
export function callTest(name: string, v: unknown, args: unknown[], kw: KwArgs = NO_KW): boolean {
  const n = bare(name);
  if (!isTest(n)) throw new FilterError(unknownName('test', name));
  if (n === 'defined' || n === 'undefined') return (v !== undefined) === (n === 'defined');
  const { args: a } = foldKwargs(TEST_SIGNATURES[n], args, kw);
  return TESTS[n]!(v, a);
}

const nameArg = (x: unknown, kind: string): string => {
  if (typeof x !== 'string') throw new FilterError(`the ${kind} name must be a string, got ${typeName(x)}`);
  return x;
};

/** A short item is shown in messages; a long one (a host's variables) is not. */
function shortText(x: unknown): string {
  const t = JSON.stringify(x) ?? 'none';
  return t.length <= 60 ? ` (${t})` : '';
}

/** Errors of a nested filter or test name the item they failed on. */
function perItem<T>(items: unknown[], f: (x: unknown) => T): T[] {
  return items.map((x, i) => {
    try {
      return f(x);
    } catch (e) {
      if (e instanceof FilterError) throw new FilterError(`item ${i}${shortText(x)}: ${e.message}`);
      throw e;
    }
  });
}

/**
 * `map('upper')`, `map('extract', hostvars)`: a filter on each item; `map(attribute='a.b', default=x)`: an
 * attribute.
 */
const map: Filter = (v, args, kw) => {
  const items = list(v, 'map');
  if (args.length === 0 && Object.hasOwn(kw, 'attribute')) {
    for (const k of Object.keys(kw))
      if (k !== 'attribute' && k !== 'default') throw new FilterError(`unexpected keyword argument '${k}'`);
    const hasDefault = Object.hasOwn(kw, 'default');
    return items.map((x, i) => {
      const r = attrPath(x, kw.attribute);
      if (r !== undefined) return r;
      if (hasDefault) return kw.default;
      throw new FilterError(
        `item ${i} has no attribute '${toText(kw.attribute)}' ` +
          `(give a default: map(attribute='${toText(kw.attribute)}', default=''))`,
      );
    });
  }
  if (args.length === 0) throw new FilterError("needs a filter name or attribute='...'");
  const name = nameArg(args[0], 'filter');
  if (!isFilter(name)) throw new FilterError(unknownName('filter', name));
  return perItem(items, (x) => callFilter(name, x, args.slice(1), kw));
};

function selecting(keep: boolean, byAttr: boolean): Filter {
  return (v, args, kw) => {
    const items = list(v, byAttr ? (keep ? 'selectattr' : 'rejectattr') : keep ? 'select' : 'reject');
    if (byAttr && args.length === 0) throw new FilterError('needs an attribute name');
    const rest = byAttr ? args.slice(1) : args;
    const test = rest.length > 0 ? nameArg(rest[0], 'test') : undefined;
    if (test !== undefined && !isTest(test)) throw new FilterError(unknownName('test', test));
    const testArgs = rest.slice(1);
    const ok = perItem(items, (x) => {
      const val = byAttr ? attrPath(x, args[0]) : x;
      if (test === undefined) return truthy(val);
      const t = bare(test);
      if (val === undefined && !LENIENT_TESTS.has(t)) {
        // Jinja's undefined equals nothing and is not none; any other test on it is an error
        if (EQUALITY_TESTS.has(t)) return t === 'ne' || t === '!=';
        if (t === 'none') return false;
        throw new FilterError(`no attribute '${toText(args[0])}'`);
      }
      return callTest(test, val, testArgs, kw);
    });
    return items.filter((_, i) => ok[i] === keep);
  };
}

export const SEQ_FILTERS: Record<string, Filter> = {
  map,
  select: selecting(true, false),
  reject: selecting(false, false),
  selectattr: selecting(true, true),
  rejectattr: selecting(false, true),
};
Object.assign(FILTERS, SEQ_FILTERS);

/** Where a filter takes the name of another filter or test as an argument (checked at compile time when literal). */
export function nameArgument(
  filter: string,
  hasAttributeKw: boolean,
): { index: number; kind: 'filter' | 'test' } | undefined {
  const n = bare(filter);
  if (n === 'map') return hasAttributeKw ? undefined : { index: 0, kind: 'filter' };
  if (n === 'select' || n === 'reject') return { index: 0, kind: 'test' };
  if (n === 'selectattr' || n === 'rejectattr') return { index: 1, kind: 'test' };
  return undefined;
}

/** The dicts `namespace()` made: only their keys a template may set. */
const NAMESPACES = new WeakSet<object>();
export const isNamespace = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && NAMESPACES.has(v);

function dictOf(name: string, args: unknown[], kw: KwArgs): Record<string, unknown> {
  if (args.length > 1) throw new FilterError(`${name}() takes at most 1 positional argument, got ${args.length}`);
  const out = args.length ? pairsToDict(args[0]) : {};
  for (const k of Object.keys(kw)) put(out, k, kw[k]);
  return out;
}

/** Jinja's global functions: `dict(a=1)`, `dict(keys | zip(values))`, `namespace(found=false)`, `range(1, n + 1)`,
 *  `now(utc=true)`. */
const MAX_RANGE = 100000;
export const GLOBALS: Record<string, (args: unknown[], kw: KwArgs) => unknown> = {
  now,
  dict: (args, kw) => dictOf('dict', args, kw),
  // Jinja's namespace(): a dict whose keys `{% set ns.k = v %}` may set (render.ts), marked as one here
  namespace: (args, kw) => {
    const ns = dictOf('namespace', args, kw);
    NAMESPACES.add(ns);
    return ns;
  },
  range: (args, kw) => {
    if (Object.keys(kw).length) throw new FilterError('range() takes no keyword arguments');
    if (args.length < 1 || args.length > 3 || !args.every((a) => Number.isInteger(a)))
      throw new FilterError('range() needs 1 to 3 integers: range(stop), range(start, stop[, step])');
    const [start, stop, step] =
      args.length === 1
        ? [0, args[0] as number, 1]
        : [args[0] as number, args[1] as number, (args[2] as number | undefined) ?? 1];
    if (step === 0) throw new FilterError('range() step must not be zero');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > MAX_RANGE) throw new FilterError(`range() is too long (${n} items, at most ${MAX_RANGE})`);
    return Array.from({ length: n }, (_, i) => start + i * step);
  },
};
