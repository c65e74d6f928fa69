// The filters (`x | default(1)`) and tests (`x is defined`) kplay expressions know: the ones Ansible playbooks
// use most. A filter or test that is not listed here is a compile-time error with a did-you-mean.
// `default`/`d`, `mandatory` and `defined`/`undefined` see undefined values: filters-seq.ts calls them. More
// filters live in filters-data.ts (lists, dicts), filters-text.ts and filters-seq.ts (map, select).
import { stringify as toYaml } from 'yaml';
import { cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, isIp } from './ip-math.js';
import { attrPath, FilterError, list, need, pyRegex, str, type Filter, type Test } from './filters-base.js';
import { DATA_FILTERS } from './filters-data.js';
import { NET_FILTERS } from './filters-net.js';
import { PY_FILTERS } from './filters-py.js';
import { MATH_FILTERS } from './filters-math.js';
import { COMPARE_TESTS, TEXT_FILTERS } from './filters-text.js';
import { passwordHash } from './sha-crypt.js';
import { PATH_TESTS } from './tests-paths.js';
import { deepEqual, isPlainObject, toBool, toText, truthy, typeName } from '../core/value-utils.js';
import { pyJson } from '../core/py-repr.js';

export { FilterError };

function toInt(v: unknown, fallback: unknown): unknown {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(v)) return Math.trunc(Number(v));
  return fallback ?? 0;
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

export const FILTERS: Record<string, Filter> = {
  bool: (v) => toBool(v),
  length: (v) =>
    typeof v === 'string' || Array.isArray(v)
      ? v.length
      : isPlainObject(v)
        ? Object.keys(v).length
        : need(false, v, 'a list, string or dict', 'length'),
  int: (v, [d]) => toInt(v, d),
  float: (v, [d]) =>
    typeof v === 'number'
      ? v
      : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))
        ? Number(v)
        : (d ?? 0),
  string: (v) => toText(v),
  lower: (v) => str(v, 'lower').toLowerCase(),
  upper: (v) => str(v, 'upper').toUpperCase(),
  capitalize: (v) => str(v, 'capitalize').charAt(0).toUpperCase() + str(v, 'capitalize').slice(1).toLowerCase(),
  trim: (v) => str(v, 'trim').trim(),
  first: (v) => list(v, 'first')[0] ?? null,
  last: (v) => list(v, 'last').at(-1) ?? null,
  join: (v, [sep]) =>
    list(v, 'join')
      .map(toText)
      .join(sep === undefined ? '' : toText(sep)),
  list: (v) => [...list(v, 'list')],
  unique: (v) => list(v, 'unique').filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i),
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
  round: (v, [p]) => {
    const f = 10 ** Number(p ?? 0);
    return Math.round(need(typeof v === 'number', v as number, 'a number', 'round') * f) / f;
  },
  replace: (v, [a, b]) => str(v, 'replace').split(toText(a)).join(toText(b)),
  split: (v, [sep]) => (sep === undefined ? str(v, 'split').trim().split(/\s+/) : str(v, 'split').split(toText(sep))),
  regex_replace: (v, [re, repl, icase, multi]) =>
    str(v, 'regex_replace').replace(pyRegex(re, 'g', icase, multi), pyRepl(toText(repl ?? ''))),
  regex_search: (v, [re]) => pyRegex(re, '').exec(str(v, 'regex_search'))?.[0] ?? null,
  ternary: (v, [a, b, n]) => (v === null && n !== undefined ? n : truthy(v) ? a : b),
  to_json: (v) => pyJson(v),
  to_nice_json: (v, [indent]) => pyJson(v, { indent: indent === undefined ? 4 : Number(indent), sortKeys: true }),
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
Object.assign(FILTERS, DATA_FILTERS, TEXT_FILTERS, PY_FILTERS, NET_FILTERS, MATH_FILTERS, {
  password_hash: passwordHash,
});

/** Filters that accept undefined input (implemented in filters-seq.ts). */
export const LENIENT_FILTERS = new Set(['default', 'd', 'mandatory']);

function regs(v: unknown, name: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new FilterError(`test '${name}' needs a registered result (a dict), got ${typeName(v)}`);
  return v;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

/** Compare versions like `v1.29.3` and `1.30`: numeric parts numerically, others as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split(/[.+-]/);
  const pb = b.replace(/^v/i, '').split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const c = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

const version: Test = (v, [other, op]) => {
  const f = VERSION_OPS[op === undefined ? '==' : toText(op)];
  if (!f) throw new FilterError(`test 'version': unknown comparison '${toText(op)}' (use <, <=, >, >=, ==, !=)`);
  return f(compareVersions(toText(v), toText(other)));
};

const failed: Test = (v) => truthy(regs(v, 'failed').failed);
const succeeded: Test = (v) => !truthy(regs(v, 'succeeded').failed);
const changed: Test = (v) => truthy(regs(v, 'changed').changed);
const skipped: Test = (v) => truthy(regs(v, 'skipped').skipped);
const unreachable: Test = (v) => truthy(regs(v, 'unreachable').unreachable);

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
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
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
  contains: (v, [x]) => Array.isArray(v) && v.some((y) => deepEqual(x, y)),
  subset: (v, [l]) => Array.isArray(v) && Array.isArray(l) && v.every((x) => l.some((y) => deepEqual(x, y))),
  superset: (v, [l]) => Array.isArray(v) && Array.isArray(l) && l.every((x) => v.some((y) => deepEqual(x, y))),
  ip: (v) => isIp(v),
  ...PATH_TESTS,
  ...COMPARE_TESTS,
};

export const LENIENT_TESTS = new Set(['defined', 'undefined']);
