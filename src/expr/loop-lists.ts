// The lists Ansible's loop lookups make from their terms (items, list, dict, indexed_items, together, nested,
// flattened, subelements): one function each, shared by the `with_<name>` loop keywords (exec/loops.ts) and by
// `lookup('<name>', ...)`/`query(...)` (lookups.ts). A value a lookup cannot loop over throws a ListError, with
// the keyword's name in its message.
import { toBool } from '../core/value-utils.js';
import { pyStr } from '../core/py-repr.js';
import { FilterError } from './filters-base.js';

export class ListError extends FilterError {}

type Vars = Record<string, unknown>;

const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const isMap = (v: unknown): v is Vars => !!v && typeof v === 'object' && !Array.isArray(v);

function list(key: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new ListError(`${key} expects a list, got ${show(v)}`);
  return v;
}

/** Ansible's words for a loop given no list at all. */
const EMPTY_MESSAGES: Record<string, string> = {
  together: 'with_together requires at least one element in each list',
  nested: 'with_nested requires at least one element in the nested list',
};

/** Lists of lists: each term a list (a single value counts as a list of one). */
function lists(key: string, v: unknown): unknown[][] {
  const terms = list(key, v);
  if (terms.length === 0)
    throw new ListError(EMPTY_MESSAGES[/together|nested/.exec(key)?.[0] ?? ''] ?? `${key} needs at least one list`);
  return terms.map((x) => (Array.isArray(x) ? x : [x]));
}

export function flattenAll(v: unknown[]): unknown[] {
  return v.flatMap((x) => (Array.isArray(x) ? flattenAll(x) : [x]));
}

function subelements(v: unknown): unknown[] {
  const terms = list('with_subelements', v);
  const [first, path, flags] = terms;
  // Ansible's words for terms it cannot use
  const bad = (why = '') => new ListError(`subelements lookup expects a list of two or three items, ${why}`);
  if (terms.length < 2 || terms.length > 3) throw bad();
  if (typeof path !== 'string') throw bad('first a dict or a list, second a string pointing to the subkey');
  if (flags !== undefined && (!isMap(flags) || Object.keys(flags).some((k) => k !== 'skip_missing')))
    throw bad("the optional third item must be a dict with flags ('skip_missing',)");
  // a mapping's values are the elements; a mapping that a skipped task registered gives none
  if (isMap(first) && first.skipped !== undefined && first.skipped !== false) return [];
  const parents = isMap(first) ? Object.values(first) : first;
  const skip = toBool(flags?.skip_missing);
  const keys = path.split('.');
  const out: unknown[] = [];
  // a single value counts as a list of one, as Ansible makes a list of the first term
  for (const parent of Array.isArray(parents) ? parents : [parents]) {
    if (!isMap(parent)) throw new ListError(`subelements lookup expects a dictionary, got '${pyStr(parent)}'`);
    if (parent.skipped === true) continue; // an item a registered loop skipped
    const copy = structuredClone(parent) as Vars;
    let at: Vars = copy;
    let sub: unknown[] | undefined;
    for (const [i, k] of keys.entries()) {
      if (!(k in at)) {
        if (skip) break;
        throw new ListError(`could not find '${k}' key in iterated item '${pyStr(at)}'`);
      }
      const next = at[k];
      if (i < keys.length - 1) {
        if (!isMap(next)) {
          if (skip) break;
          throw new ListError(`the key ${k} should point to a dictionary, got '${pyStr(next)}'`);
        }
        at = next;
      } else {
        if (!Array.isArray(next)) throw new ListError(`the key ${k} should point to a list, got '${pyStr(next)}'`);
        sub = next;
        delete at[k];
      }
    }
    for (const x of sub ?? []) out.push([copy, x]);
  }
  return out;
}

function together(v: unknown): unknown[] {
  const terms = lists('with_together', v);
  const n = Math.max(...terms.map((t) => t.length));
  return Array.from({ length: n }, (_, i) => terms.map((t) => (i < t.length ? t[i] : null)));
}

function nested(v: unknown): unknown[] {
  return lists('with_nested', v).reduce<unknown[][]>((acc, t) => acc.flatMap((a) => t.map((x) => [...a, x])), [[]]);
}

export type ListFn = (v: unknown, key: string) => unknown[];

/** By lookup name: the items `with_<name>: v` loops over. */
export const LIST_LOOKUPS: Record<string, ListFn> = {
  items: (v, key) => list(key, v).flat(1),
  list: (v, key) => list(key, v),
  dict: (v, key) => {
    if (!isMap(v)) throw new ListError(`${key} expects a dict (a mapping), got ${show(v)}`);
    return Object.entries(v).map(([k, value]) => ({ key: k, value }));
  },
  indexed_items: (v, key) =>
    list(key, v)
      .flat(1)
      .map((x, i) => [i, x]),
  together: (v) => together(v),
  nested: (v) => nested(v),
  flattened: (v, key) => flattenAll(list(key, v)),
  subelements: (v) => subelements(v),
};
