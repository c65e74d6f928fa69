// Filters that reshape lists and dicts, as Ansible playbooks use them on inventory data:
// `groups['etcd'] | union(groups['kube_master'])`, `defaults | combine(overrides, recursive=true)`,
// `item | extract(hostvars, 'ansible_host')`, `names | zip(ips) | community.general.dict`, `x | flatten(1)`.
// Set operations keep the order of first appearance and drop repeats (Ansible's results for hashable items may
// come out in any order; here they are always in the first list's order).
import { dict, FilterError, listArg, type Filter } from './filters-base.js';
import { deepEqual, isPlainObject, ownProp, toText, typeName } from '../core/value-utils.js';

/** Sets a key as an own data property (a key named `__proto__` stays a plain key). */
export function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

const has = (l: unknown[], x: unknown): boolean => l.some((y) => deepEqual(x, y));
const uniq = (l: unknown[]): unknown[] => l.filter((x, i) => l.findIndex((y) => deepEqual(x, y)) === i);

/** `'node1' | extract(hostvars)` is hostvars['node1']; a second argument (a key or a list of keys) goes deeper. */
const extract: Filter = (v, [container, more]) => {
  const step = (obj: unknown, key: unknown, where: string): unknown => {
    const r = ownProp(obj, key);
    if (r === undefined) {
      if (obj === null || typeof obj !== 'object')
        throw new FilterError(`${where} is ${typeName(obj)}, it has no key ${JSON.stringify(key)}`);
      throw new FilterError(`${where} has no key ${JSON.stringify(key)}`);
    }
    return r;
  };
  let out = step(container, v, 'the container');
  const keys = more === undefined ? [] : Array.isArray(more) ? more : [more];
  let where = `[${JSON.stringify(v)}]`;
  for (const k of keys) {
    out = step(out, k, `the container${where}`);
    where += `[${JSON.stringify(k)}]`;
  }
  return out;
};

const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

function mergeLists(a: unknown[], b: unknown[], how: string): unknown[] {
  switch (how) {
    case 'keep':
      return a;
    case 'append':
      return [...a, ...b];
    case 'prepend':
      return [...b, ...a];
    case 'append_rp':
      return [...a.filter((x) => !has(b, x)), ...b];
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !has(b, x))];
    default:
      return b;
  }
}

function merge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  recursive: boolean,
  how: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a)) put(out, k, a[k]);
  for (const k of Object.keys(b)) {
    const x = Object.hasOwn(out, k) ? out[k] : undefined;
    const y = b[k];
    if (recursive && isPlainObject(x) && isPlainObject(y)) put(out, k, merge(x, y, recursive, how));
    else if (Array.isArray(x) && Array.isArray(y)) put(out, k, mergeLists(x, y, how));
    else put(out, k, y);
  }
  return out;
}

/** `a | combine(b, c, recursive=true, list_merge='append')`; a list of dicts (input or argument) is combined first. */
const combine: Filter = (v, args, kw) => {
  const recursive = kw.recursive === true;
  const how = kw.list_merge === undefined ? 'replace' : toText(kw.list_merge);
  if (!LIST_MERGE.includes(how))
    throw new FilterError(`list_merge must be one of ${LIST_MERGE.join(', ')}, got '${how}'`);
  const term = (t: unknown, i: number): Record<string, unknown> => {
    if (isPlainObject(t)) return t;
    if (Array.isArray(t)) return t.map(term).reduce((acc, d) => merge(acc, d, recursive, how), {});
    throw new FilterError(
      `${i < 0 ? 'input' : `argument ${i + 1}`} must be a dict or a list of dicts, got ${typeName(t)}`,
    );
  };
  return [v, ...args].map((t, i) => term(t, i - 1)).reduce((acc, d) => merge(acc, d, recursive, how), {});
};

const NULLISH = new Set([null, undefined, 'None', 'null']);

/**
 * Nested lists flattened (all levels, or `levels`). As Ansible does, none values and the strings 'None' and 'null'
 * are dropped unless skip_nulls=false.
 */
const flatten: Filter = (v, [levels, skipNulls]) => {
  const skip = skipNulls !== false;
  const depth = levels === undefined || levels === null ? Infinity : Number(levels);
  if (Number.isNaN(depth)) throw new FilterError(`levels must be a number, got ${typeName(levels)}`);
  const walk = (l: unknown[], d: number, out: unknown[]): unknown[] => {
    for (const x of l) {
      if (skip && NULLISH.has(x as string)) continue;
      if (Array.isArray(x) && d > 0) walk(x, d - 1, out);
      else out.push(x);
    }
    return out;
  };
  return walk(listArg(v, 'the input'), depth, []);
};

const other = (args: unknown[]): unknown[] => {
  if (args.length === 0) throw new FilterError('needs a second list');
  return listArg(args[0], 'the argument');
};

/** Python's zip: tuples (lists here) of the n-th items, as long as the shortest list. */
const zip: Filter = (v, args) => {
  const ls = [listArg(v, 'the input'), ...args.map((a, i) => listArg(a, `argument ${i + 1}`))];
  const n = Math.min(...ls.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => ls.map((l) => l[i]));
};

const zipLongest: Filter = (v, args, kw) => {
  const ls = [listArg(v, 'the input'), ...args.map((a, i) => listArg(a, `argument ${i + 1}`))];
  const n = Math.max(...ls.map((l) => l.length));
  const fill = kw.fillvalue ?? null;
  return Array.from({ length: n }, (_, i) => ls.map((l) => (i < l.length ? l[i] : fill)));
};

/** `[{key: a, value: 1}] | items2dict` is `{a: 1}`; other field names with key_name= / value_name=. */
const items2dict: Filter = (v, [keyName, valueName]) => {
  const kn = keyName === undefined ? 'key' : toText(keyName);
  const vn = valueName === undefined ? 'value' : toText(valueName);
  const out: Record<string, unknown> = {};
  listArg(v, 'the input').forEach((item, i) => {
    const d = dict(item, 'items2dict');
    if (!Object.hasOwn(d, kn)) throw new FilterError(`item ${i} has no '${kn}'`);
    if (!Object.hasOwn(d, vn)) throw new FilterError(`item ${i} has no '${vn}'`);
    put(out, toText(d[kn]), d[vn]);
  });
  return out;
};

/** A list of [key, value] pairs (what `zip` makes) as a dict; a dict is copied. */
export function pairsToDict(v: unknown): Record<string, unknown> {
  if (isPlainObject(v)) return merge({}, v, false, 'replace');
  const out: Record<string, unknown> = {};
  listArg(v, 'the input').forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2)
      throw new FilterError(`item ${i} must be a [key, value] pair, got ${typeName(p)}`);
    put(out, toText(p[0]), p[1]);
  });
  return out;
}

/** The host variables each kind of address is read from, first set one wins, then the inventory name. */
const ADDRESS_VARS: Record<string, string[]> = {
  access: ['access_ip', 'ip', 'ansible_host'],
  bind: ['ip', 'ansible_host'],
};

/** kplay's own: `groups['etcd'] | host_address(hostvars)`: the address other hosts reach each host at, Kubespray's
 * `access_ip`, else its `ip`, else `ansible_host`, else the inventory name. `host_address(hostvars, 'bind')`: the
 * host's own address, where its services listen (`ip`, else `ansible_host`, else the name). One name, one address. */
const hostAddress: Filter = (v, [hv, use]) => {
  const kind = use === undefined || use === null ? 'access' : use;
  const names = typeof kind === 'string' ? ADDRESS_VARS[kind] : undefined;
  if (!names) throw new FilterError(`the address to give is 'access' or 'bind', not ${JSON.stringify(kind)}`);
  const one = (h: unknown): unknown => {
    const vars = ownProp(hv, h);
    if (vars === undefined) throw new FilterError(`no host ${JSON.stringify(h)} in the hostvars given`);
    for (const n of names) {
      const a = ownProp(vars, n);
      if (a !== undefined && a !== null && a !== '') return a;
    }
    return h;
  };
  return Array.isArray(v) ? v.map(one) : one(v);
};

export const DATA_FILTERS: Record<string, Filter> = {
  host_address: hostAddress,
  extract,
  combine,
  flatten,
  union: (v, args) => uniq([...listArg(v, 'the input'), ...other(args)]),
  intersect: (v, args) => {
    const b = other(args);
    return uniq(listArg(v, 'the input').filter((x) => has(b, x)));
  },
  difference: (v, args) => {
    const b = other(args);
    return uniq(listArg(v, 'the input').filter((x) => !has(b, x)));
  },
  symmetric_difference: (v, args) => {
    const a = listArg(v, 'the input');
    const b = other(args);
    return uniq([...a, ...b]).filter((x) => !(has(a, x) && has(b, x)));
  },
  zip,
  zip_longest: zipLongest,
  items2dict,
  dict: (v) => pairsToDict(v),
};
