// `unique` and `groupby` as Jinja's (case-insensitive by default, `attribute=`), unique with Ansible's fallback for
// unhashable items, and Ansible's `rekey_on_member` (a list or dict of dicts keyed by one member), with Ansible's
// error texts.
import { attrPath, FilterError, type Filter } from './filters-base.js';
import { pyType } from './py-format.js';
import { deepEqual, isPlainObject, toText, truthy } from '../core/value-utils.js';
import { put } from './filters-data.js';

/** Python's iteration of a value: a list's items, a string's characters, a dict's keys; else not iterable. */
function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isPlainObject(v)) return Object.keys(v);
  throw new FilterError(`'${pyType(v)}' object is not iterable`);
}

const unhashable = (x: unknown): boolean => Array.isArray(x) || isPlainObject(x);

/**
 * Items in order of first appearance; strings compare lower-cased unless case_sensitive, and `attribute` compares
 * one member of each item. Ansible falls back to its own version for unhashable items, which takes no keyword:
 * given one, the filter fails as Ansible's does.
 */
const unique: Filter = (v, _args, kw) => {
  const items = iterate(v);
  const attr = kw.attribute;
  const withKw = kw.case_sensitive !== undefined || attr !== undefined;
  const keyOf = (x: unknown): unknown => {
    const k = attr === undefined || attr === null ? x : attrPath(x, attr);
    if (withKw && unhashable(k))
      throw new FilterError(
        "Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support " +
          `the parameters supplied. unhashable type: '${pyType(k)}'`,
      );
    return typeof k === 'string' && !truthy(kw.case_sensitive) ? k.toLowerCase() : k;
  };
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const x of items) {
    const k = keyOf(x);
    if (seen.some((s) => deepEqual(s, k))) continue;
    seen.push(k);
    out.push(x);
  }
  return out;
};

/** `list_of_dicts | rekey_on_member('name')`: a dict of the items keyed by their `name`. */
const rekeyOnMember: Filter = (v, [key, duplicates = 'error']) => {
  if (duplicates !== 'error' && duplicates !== 'overwrite')
    throw new FilterError(`duplicates parameter to rekey_on_member has unknown value: ${toText(duplicates)}`);
  let items: unknown[];
  if (isPlainObject(v)) items = Object.values(v);
  else if (Array.isArray(v)) items = v;
  else throw new FilterError('Type is not a valid list, set, or dict');
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (!isPlainObject(item)) throw new FilterError('List item is not a valid dict');
    if (!Object.hasOwn(item, toText(key))) throw new FilterError(`Key ${toText(key)} was not found`);
    const k = toText(item[toText(key)]);
    if (duplicates === 'error' && Object.hasOwn(out, k))
      throw new FilterError(`Key ${k} is not unique, cannot correctly turn into dict`);
    put(out, k, item);
  }
  return out;
};

/** Python's ordering of two sort keys: numbers (and booleans) by value, texts by code point. */
function order(a: unknown, b: unknown): number {
  const num = (x: unknown) => typeof x === 'number' || typeof x === 'boolean';
  if (num(a) && num(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FilterError(`'<' not supported between instances of '${pyType(a)}' and '${pyType(b)}'`);
}

/** Jinja's groupby: [key, items] pairs sorted by the key (texts compared lower-cased unless case_sensitive);
 *  the key shown is the first item's own value. */
const groupby: Filter = (v, [attribute, dflt, caseSensitive]) => {
  const raw = (x: unknown): unknown => attrPath(x, attribute) ?? dflt ?? null;
  const key = (x: unknown): unknown => {
    const k = raw(x);
    return typeof k === 'string' && !truthy(caseSensitive) ? k.toLowerCase() : k;
  };
  const sorted = [...iterate(v)].sort((a, b) => order(key(a), key(b)));
  const out: [unknown, unknown[]][] = [];
  for (const x of sorted) {
    const last = out.at(-1);
    if (last && deepEqual(key(last[1][0]), key(x))) last[1].push(x);
    else out.push([raw(x), [x]]);
  }
  return out;
};

export const SET_FILTERS: Record<string, Filter> = { unique, groupby, rekey_on_member: rekeyOnMember };
