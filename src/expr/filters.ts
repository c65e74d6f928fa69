// The filters (`x | default(1)`) and tests (`x is defined`) kplay expressions know: the ones Ansible playbooks
// use most. A filter or test that is not listed here is a compile-time error with a did-you-mean.
// `default`/`d`, `mandatory` and `defined`/`undefined` see undefined values: filters-seq.ts calls them. More
// filters live in filters-data.ts (lists, dicts), filters-text.ts and filters-seq.ts (map, select).
import { stringify as toYaml } from 'yaml';
import { cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, isIp } from './ip-math.js';
import { attrPath, FilterError, list, need, pyRegex, str, type Filter, type Test } from './filters-base.js';
import { DATA_FILTERS } from './filters-data.js';
import { VaultText } from '../core/vault.js';
import { NET_FILTERS } from './filters-net.js';
import { PY_FILTERS } from './filters-py.js';
import { MATH_FILTERS } from './filters-math.js';
import { SET_FILTERS } from './filters-sets.js';
import { URL_FILTERS } from './filters-urls.js';
import { COMPARE_TESTS, TEXT_FILTERS } from './filters-text.js';
import { passwordHash } from './sha-crypt.js';
import { PATH_FILTERS, PATH_TESTS } from './tests-paths.js';
import { compareVersions, version } from './tests-version.js';
import { deepEqual, isPlainObject, toBool, toText, truthy, typeName } from '../core/value-utils.js';
import { pyJson } from '../core/py-repr.js';

export { FilterError, compareVersions };

function toInt(v: unknown, fallback: unknown): unknown {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(v)) return Math.trunc(Number(v));
  return fallback ?? 0;
}

/** Python's float() of a number or text ('1.5', ' 2 ', 'nan', '-inf', 'Infinity'); else the default. */
function toFloat(v: unknown, fallback: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return fallback ?? 0;
  const t = v.trim().toLowerCase();
  const special = /^([-+]?)(nan|inf|infinity)$/.exec(t);
  if (special) return special[2] === 'nan' ? Number.NaN : (special[1] === '-' ? -1 : 1) * Number.POSITIVE_INFINITY;
  return t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t) ? Number(t) : (fallback ?? 0);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FilterError(`cannot compare ${typeName(a)} and ${typeName(b)}`);
}

/** Python's `\1` back-references become JavaScript's `$1`. */
const pyRepl = (s: string): string =>
  s
    .replace(/\$/g, '$$$$')
    .replace(/\\(\d)/g, '$$$1')
    .replace(/\\g<(\d+)>/g, '$$$1');

/** Ansible's regex_search: the first match, or the groups named by `'\\1'` / `'\\g<name>'` arguments as a list;
 *  None without a match. */
const regexSearch: Filter = (v, [re, ...wanted], kw) => {
  const groups = wanted.map((a) => {
    const m = /^\\(?:g<(\S+)>|(\d+))/.exec(toText(a));
    if (!m) throw new FilterError('Unknown argument');
    return m[1] ?? Number(m[2]);
  });
  const m = pyRegex(re, '', truthy(kw.ignorecase), truthy(kw.multiline)).exec(str(v, 'regex_search'));
  if (!m) return null;
  if (!groups.length) return m[0];
  return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? null);
};

export const FILTERS: Record<string, Filter> = {
  bool: (v) => toBool(v),
  length: (v) =>
    typeof v === 'string' || Array.isArray(v)
      ? v.length
      : isPlainObject(v)
        ? Object.keys(v).length
        : need(false, v, 'a list, string or dict', 'length'),
  int: (v, [d]) => toInt(v, d),
  float: (v, [d]) => toFloat(v, d),
  string: (v) => toText(v),
  lower: (v) => str(v, 'lower').toLowerCase(),
  upper: (v) => str(v, 'upper').toUpperCase(),
  capitalize: (v) => str(v, 'capitalize').charAt(0).toUpperCase() + str(v, 'capitalize').slice(1).toLowerCase(),
  trim: (v) => str(v, 'trim').trim(),
  // an empty list has none: undefined, as Jinja's (`[] | first | default(x)` is x)
  first: (v) => list(v, 'first')[0],
  last: (v) => list(v, 'last').at(-1),
  join: (v, [sep]) =>
    list(v, 'join')
      .map(toText)
      .join(sep === undefined ? '' : toText(sep)),
  list: (v) => [...list(v, 'list')],
  sort: (v, [rev, _caseSensitive, attr]) => {
    const by = (x: unknown): unknown => (attr === undefined || attr === null ? x : attrPath(x, attr));
    const out = [...list(v, 'sort')].sort((a, b) => compare(by(a), by(b)));
    return truthy(rev) ? out.reverse() : out;
  },
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...list(v, 'reverse')].reverse()),
  min: (v) => [...list(v, 'min')].sort(compare)[0] ?? null,
  max: (v) => [...list(v, 'max')].sort(compare).at(-1) ?? null,
  sum: (v) =>
    list(v, 'sum').reduce((a: number, b) => a + Number(need(typeof b === 'number', b, 'a list of numbers', 'sum')), 0),
  abs: (v) => Math.abs(need(typeof v === 'number', v as number, 'a number', 'abs')),
  // Jinja's methods: common (Python's round), ceil, floor
  round: (v, [p, method]) => {
    const f = 10 ** Number(p ?? 0);
    const n = need(typeof v === 'number', v as number, 'a number', 'round') * f;
    const how = method === undefined ? 'common' : toText(method);
    if (how === 'ceil') return Math.ceil(n) / f;
    if (how === 'floor') return Math.floor(n) / f;
    if (how !== 'common') throw new FilterError(`round: method must be common, ceil or floor, not '${how}'`);
    return Math.round(n) / f;
  },
  replace: (v, [a, b]) => str(v, 'replace').split(toText(a)).join(toText(b)),
  split: (v, [sep]) => (sep === undefined ? str(v, 'split').trim().split(/\s+/) : str(v, 'split').split(toText(sep))),
  regex_replace: (v, [re, repl, icase, multi]) =>
    str(v, 'regex_replace').replace(pyRegex(re, 'g', icase, multi), pyRepl(toText(repl ?? ''))),
  regex_search: regexSearch,
  ternary: (v, [a, b, n]) => (v === null && n !== undefined ? n : truthy(v) ? a : b),
  to_json: (v, _a, kw) =>
    pyJson(v, { indent: kw.indent === undefined ? undefined : Number(kw.indent), sortKeys: truthy(kw.sort_keys) }),
  to_nice_json: (v, [indent], kw) =>
    pyJson(v, { indent: indent === undefined ? 4 : Number(indent), sortKeys: kw.sort_keys !== false }),
  from_json: (v) => {
    try {
      return JSON.parse(str(v, 'from_json'));
    } catch (e) {
      throw new FilterError(`'from_json': ${(e as Error).message}`);
    }
  },
  to_yaml: (v) => toYaml(v),
  b64encode: (v) => Buffer.from(toText(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(str(v, 'b64decode'), 'base64').toString('utf8'),
  basename: (v) => str(v, 'basename').replace(/\/+$/, '').split('/').at(-1) ?? '',
  dirname: (v) => str(v, 'dirname').replace(/\/[^/]*$/, ''),
  quote: (v) => `'${toText(v).replace(/'/g, `'"'"'`)}'`,
  dict2items: (v) =>
    Object.entries(need(isPlainObject(v), v as object, 'a dict', 'dict2items')).map(([key, value]) => ({ key, value })),
  keys: (v) => Object.keys(need(isPlainObject(v), v as object, 'a dict', 'keys')),
  values: (v) => Object.values(need(isPlainObject(v), v as object, 'a dict', 'values')),
  cidr_host: (v, [n]) => cidrHost(toText(v), n as number),
  cidr_contains: (v, [ip]) => cidrContains(toText(v), toText(ip)),
  cidr_prefix: (v) => cidrPrefix(toText(v)),
  cidr_netmask: (v) => cidrNetmask(toText(v)),
  cidr_network: (v) => cidrNetwork(toText(v)),
};
FILTERS.count = FILTERS.length!;
Object.assign(
  FILTERS,
  DATA_FILTERS,
  TEXT_FILTERS,
  PY_FILTERS,
  NET_FILTERS,
  MATH_FILTERS,
  SET_FILTERS,
  URL_FILTERS,
  PATH_FILTERS,
  {
    password_hash: passwordHash,
  },
);

/** Filters that accept undefined input (implemented in filters-seq.ts). */
export const LENIENT_FILTERS = new Set(['default', 'd', 'mandatory']);

function regs(v: unknown, name: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new FilterError(`The '${name}' test expects a dictionary, got ${typeName(v)}`);
  return v;
}

const failed: Test = (v) => truthy(regs(v, 'failed').failed);
const succeeded: Test = (v) => !truthy(regs(v, 'succeeded').failed);
// a result without `changed` (a loop's) changed when one of its results did
const changed: Test = (v) => {
  const r = regs(v, 'changed');
  if ('changed' in r) return truthy(r.changed);
  return Array.isArray(r.results) && r.results.some((x) => isPlainObject(x) && truthy(x.changed));
};
const skipped: Test = (v) => truthy(regs(v, 'skipped').skipped);
const unreachable: Test = (v) => truthy(regs(v, 'unreachable').unreachable);

/** `convert_bool=True`: Ansible's boolean() for the words it knows (yes/on/1/true..., no/off/0/false...). */
function asBool(v: unknown): unknown {
  const t = typeof v === 'string' ? v.toLowerCase().trim() : v;
  if (t === 1 || ['y', 'yes', 'on', '1', 'true', 't'].includes(t as string)) return true;
  if (t === 0 || ['n', 'no', 'off', '0', 'false', 'f'].includes(t as string)) return false;
  return v;
}

/** Tests on a registered result, by every name Ansible gives them. */
const RESULT_TESTS: Record<string, Test> = {
  failed,
  failure: failed,
  succeeded,
  success: succeeded,
  successful: succeeded,
  changed,
  change: changed,
  skipped,
  skip: skipped,
  unreachable,
  reachable: (v) => !unreachable(v, []),
  // async results carry finished/started as 0 or 1; any other result counts as finished and started
  finished: (v) => !Object.hasOwn(regs(v, 'finished'), 'finished') || Number(regs(v, 'finished').finished) === 1,
  started: (v) => !Object.hasOwn(regs(v, 'started'), 'started') || Number(regs(v, 'started').started) === 1,
};

export const TESTS: Record<string, Test> = {
  none: (v) => v === null,
  ...RESULT_TESTS,
  true: (v) => v === true,
  false: (v) => v === false,
  truthy: (v, [convert]) => truthy(convert === true ? asBool(v) : v),
  falsy: (v, [convert]) => !truthy(convert === true ? asBool(v) : v),
  any: (v) => Array.isArray(v) && v.some((x) => truthy(x)),
  all: (v) => Array.isArray(v) && v.every((x) => truthy(x)),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isPlainObject(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isPlainObject(v),
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, [n]) => Number(v) % Number(n) === 0,
  version,
  version_compare: version,
  match: (v, [re, icase, multi]) => pyRegex(`^(?:${toText(re)})`, '', icase, multi).test(toText(v)),
  search: (v, [re, icase, multi]) => pyRegex(re, '', icase, multi).test(toText(v)),
  regex: (v, [re, icase, multi]) => pyRegex(re, '', icase, multi).test(toText(v)),
  // Jinja's `x in seq`: a list's item, a text's part, a mapping's key
  contains: (v, [x]) =>
    Array.isArray(v)
      ? v.some((y) => deepEqual(x, y))
      : typeof v === 'string'
        ? typeof x === 'string' && v.includes(x)
        : isPlainObject(v) && typeof x === 'string' && Object.hasOwn(v, x),
  subset: (v, [l]) => Array.isArray(v) && Array.isArray(l) && v.every((x) => l.some((y) => deepEqual(x, y))),
  superset: (v, [l]) => Array.isArray(v) && Array.isArray(l) && l.every((x) => v.some((y) => deepEqual(x, y))),
  nan: (v) => typeof v === 'number' && Number.isNaN(v),
  ip: (v) => isIp(v),
  vault_encrypted: (v) => v instanceof VaultText,
  // Paths on the controller, as Ansible's tests (relative paths are from the current folder)
  ...PATH_TESTS,
  ...COMPARE_TESTS,
};
Object.assign(TESTS, { issubset: TESTS.subset, issuperset: TESTS.superset, isnan: TESTS.nan });

/** Tests the evaluator implements itself (they accept undefined input). */
export const LENIENT_TESTS = new Set(['defined', 'undefined']);
