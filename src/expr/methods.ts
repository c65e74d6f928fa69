// Method calls as Ansible users write them (`s.split(',')`, `name.startswith('kube')`, `d.get('k', 0)`,
// `d.items()`, `'{}:{}'.format(ip, port)`), with Python's semantics, from a whitelist per type. No JavaScript
// method is ever called: each entry here is kplay's own function. Methods that change a list or dict (Jinja lets
// Ansible call them) are refused: an expression here has no side effects.
import { didYouMean } from '../core/errors.js';
import { FilterError, type KwArgs } from './filters-base.js';
import { pyType, strFormat } from './py-format.js';
import { deepEqual, isPlainObject, ownProp, toText } from '../core/value-utils.js';

type Method<T> = (self: T, args: unknown[], kw: KwArgs) => unknown;

const WS = /\s/;

function strArg(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new FilterError(`${what} must be a string, got ${pyType(v)}`);
  return v;
}

function intArg(v: unknown, what: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (!Number.isInteger(v) && typeof v !== 'boolean') throw new FilterError(`${what} must be an integer`);
  return Number(v);
}

function noKw(kw: KwArgs, name: string, allowed: string[] = []): void {
  for (const k of Object.keys(kw))
    if (!allowed.includes(k)) throw new FilterError(`${name}() takes no keyword argument '${k}'`);
}

/** str.split / str.rsplit: on runs of whitespace without a separator, at most maxsplit splits. */
function split(s: string, sepArg: unknown, maxArg: unknown, fromRight: boolean): string[] {
  const max = intArg(maxArg, 'maxsplit', -1);
  if (sepArg !== undefined && sepArg !== null) {
    const sep = strArg(sepArg, 'the separator');
    if (sep === '') throw new FilterError('empty separator');
    const parts = s.split(sep);
    if (max < 0 || parts.length <= max + 1) return parts;
    return fromRight
      ? [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)]
      : [...parts.slice(0, max), parts.slice(max).join(sep)];
  }
  const out: string[] = [];
  let rest = fromRight ? s.trimEnd() : s.trimStart();
  while (rest !== '' && (max < 0 || out.length < max)) {
    const m = fromRight ? /\s+(?=\S*$)/.exec(rest) : /\s+/.exec(rest);
    if (!m) break;
    if (fromRight) {
      out.unshift(rest.slice(m.index + m[0].length));
      rest = rest.slice(0, m.index);
    } else {
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
  }
  if (rest !== '') fromRight ? out.unshift(rest) : out.push(rest);
  return out;
}

function strip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : strArg(chars, 'chars');
  const drop = (c: string): boolean => (set === undefined ? WS.test(c) : set.includes(c));
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  while (left && a < b && drop(cs[a]!)) a++;
  while (right && b > a && drop(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

/** Python's start/end arguments of find, count, startswith...: a window of the string. */
function window(s: string, start: unknown, end: unknown): [number, number] {
  const n = s.length;
  const at = (v: unknown, d: number): number => {
    const i = intArg(v, 'start/end', d);
    return i < 0 ? Math.max(0, n + i) : Math.min(i, n);
  };
  return [at(start, 0), at(end, n)];
}

function affix(s: string, [x, start, end]: unknown[], atEnd: boolean): boolean {
  const [a, b] = window(s, start, end);
  const w = s.slice(a, b);
  const opts = Array.isArray(x) ? x : [x];
  return opts.some((o) => {
    const t = strArg(o, atEnd ? 'endswith()' : 'startswith()');
    return atEnd ? w.endsWith(t) : w.startsWith(t);
  });
}

function find(s: string, [sub, start, end]: unknown[], last: boolean): number {
  const [a, b] = window(s, start, end);
  const t = strArg(sub, 'the substring');
  const w = s.slice(a, b);
  const i = last ? w.lastIndexOf(t) : w.indexOf(t);
  return i < 0 ? -1 : i + a;
}

function countIn(s: string, [sub, start, end]: unknown[]): number {
  const [a, b] = window(s, start, end);
  const t = strArg(sub, 'the substring');
  const w = s.slice(a, b);
  return t === '' ? w.length + 1 : w.split(t).length - 1;
}

const is = (re: RegExp) => (s: string) => s !== '' && re.test(s);

const title = (s: string): string => s.replace(/\p{L}+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());

const STR: Record<string, Method<string>> = {
  split: (s, [sep, max], kw) => split(s, kw.sep ?? sep, kw.maxsplit ?? max, false),
  rsplit: (s, [sep, max], kw) => split(s, kw.sep ?? sep, kw.maxsplit ?? max, true),
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((x, i, a) => i < a.length - 1 || x !== ''),
  strip: (s, [c]) => strip(s, c, true, true),
  lstrip: (s, [c]) => strip(s, c, true, false),
  rstrip: (s, [c]) => strip(s, c, false, true),
  startswith: (s, a) => affix(s, a, false),
  endswith: (s, a) => affix(s, a, true),
  replace: (s, [a, b, n]) => {
    const old = strArg(a, 'old');
    const parts = old === '' ? ['', ...s, ''] : s.split(old);
    const max = intArg(n, 'count', -1);
    if (max < 0 || parts.length - 1 <= max) return parts.join(strArg(b, 'new'));
    return `${parts.slice(0, max + 1).join(strArg(b, 'new'))}${old}${parts.slice(max + 1).join(old)}`;
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title,
  find: (s, a) => find(s, a, false),
  rfind: (s, a) => find(s, a, true),
  index: (s, a) => {
    const i = find(s, a, false);
    if (i < 0) throw new FilterError('substring not found');
    return i;
  },
  rindex: (s, a) => {
    const i = find(s, a, true);
    if (i < 0) throw new FilterError('substring not found');
    return i;
  },
  count: (s, a) => countIn(s, a),
  join: (s, [items]) => {
    if (!Array.isArray(items) && typeof items !== 'string') throw new FilterError('join() needs a list');
    return [...items]
      .map((x, i) => {
        if (typeof x !== 'string')
          throw new FilterError(`sequence item ${i}: expected str instance, ${pyType(x)} found`);
        return x;
      })
      .join(s);
  },
  format: (s, args, kw) => strFormat(s, args, kw),
  zfill: (s, [w]) => {
    const width = intArg(w, 'width', 0);
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  },
  ljust: (s, [w, f]) => s.padEnd(intArg(w, 'width', 0), f === undefined ? ' ' : strArg(f, 'fillchar')),
  rjust: (s, [w, f]) => s.padStart(intArg(w, 'width', 0), f === undefined ? ' ' : strArg(f, 'fillchar')),
  center: (s, [w, f]) => {
    const width = intArg(w, 'width', 0);
    const pad = Math.max(0, width - s.length);
    const c = f === undefined ? ' ' : strArg(f, 'fillchar');
    const left = Math.floor(pad / 2) + (pad & width & 1);
    return c.repeat(left) + s + c.repeat(pad - left);
  },
  partition: (s, [sep]) => {
    const i = s.indexOf(strArg(sep, 'the separator'));
    return i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + (sep as string).length)];
  },
  isdigit: is(/^\d+$/u),
  isnumeric: is(/^\p{N}+$/u),
  isdecimal: is(/^\d+$/u),
  isalpha: is(/^\p{L}+$/u),
  isalnum: is(/^[\p{L}\p{N}]+$/u),
  isspace: is(/^\s+$/u),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  istitle: (s) => /\p{L}/u.test(s) && s === title(s),
};

const LIST: Record<string, Method<unknown[]>> = {
  index: (l, [x, start, end]) => {
    const a = intArg(start, 'start', 0);
    const b = intArg(end, 'end', l.length);
    for (let i = a < 0 ? Math.max(0, l.length + a) : a; i < Math.min(l.length, b < 0 ? l.length + b : b); i++)
      if (deepEqual(l[i], x)) return i;
    throw new FilterError(`${toText(x)} is not in list`);
  },
  count: (l, [x]) => l.filter((y) => deepEqual(x, y)).length,
  copy: (l) => [...l],
};

const DICT: Record<string, Method<Record<string, unknown>>> = {
  get: (d, [k, dflt]) => {
    const v = ownProp(d, toText(k));
    return v === undefined ? (dflt ?? null) : v;
  },
  items: (d) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  copy: (d) => ({ ...d }),
};

/** Python methods that change their list, dict or set. */
const MUTATING = [
  'append',
  'extend',
  'insert',
  'pop',
  'remove',
  'clear',
  'sort',
  'reverse',
  'update',
  'setdefault',
  'popitem',
  'add',
  'discard',
  '__setitem__',
  '__delitem__',
];

const ALL = [...new Set([...Object.keys(STR), ...Object.keys(LIST), ...Object.keys(DICT)])];

/** The compile-time check of a method name: undefined when it is known, else the problem. */
export function methodProblem(name: string): string | undefined {
  if (ALL.includes(name)) return undefined;
  if (MUTATING.includes(name))
    return (
      `method '${name}' changes its value; kplay expressions have no side effects ` + '(make a new value with a filter)'
    );
  const guess = didYouMean(name, ALL);
  if (guess) return `unknown method '${name}' (did you mean '${guess}'?)`;
  return `unknown method '${name}' (kplay has Python's methods of strings, lists and dicts: split, get, items ...)`;
}

/** Call a whitelisted method on a value; an error names the value's Python type as Jinja does. */
export function callMethod(self: unknown, name: string, args: unknown[], kw: KwArgs): unknown {
  let table: Record<string, Method<never>> | undefined;
  if (typeof self === 'string') table = STR;
  else if (Array.isArray(self)) table = LIST;
  else if (isPlainObject(self)) table = DICT;
  const m = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (!m) throw new FilterError(`'${pyType(self)} object' has no method '${name}'`);
  if (!(table === STR && (name === 'format' || name === 'split' || name === 'rsplit'))) noKw(kw, name);
  else if (name !== 'format') noKw(kw, name, ['sep', 'maxsplit']);
  return (m as Method<unknown>)(self, args, kw);
}
