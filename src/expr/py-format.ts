// Python's text forms, as Ansible's Jinja produces them: str() and repr() of values (`True`, `None`,
// `['a', 1]`, `{'k': 1}`), str.format (`'{}-{}'.format(a, b)`, `{0}`, `{name}`, `{:>5}`, `{:.2f}`) and
// %-formatting (`'%s-%d' % (a, b)`, `'%(k)s' % d`). A JavaScript number that is whole prints as an int.
import { FilterError } from './filters-base.js';
import { isPlainObject, ownProp, typeName } from '../core/value-utils.js';

/** Python's type names, for messages and type_debug. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}

function quoteRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

function numText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return quoteRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .map((k) => `${quoteRepr(k)}: ${pyRepr(v[k])}`)
      .join(', ')}}`;
  return pyStr(v);
}

export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return numText(v);
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  group: boolean;
  precision: number | undefined;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function parseSpec(text: string): Spec {
  const m = SPEC.exec(text);
  if (!m) throw new FilterError(`invalid format specifier '${text}'`);
  return {
    fill: m[1] ?? (m[5] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[5] ? '=' : ''),
    sign: m[3] ?? '-',
    alt: m[4] !== undefined,
    zero: m[5] !== undefined,
    width: m[6] === undefined ? 0 : Number(m[6]),
    group: m[7] !== undefined,
    precision: m[8] === undefined ? undefined : Number(m[8]),
    type: m[9] ?? '',
  };
}

const asNumber = (v: unknown, t: string): number => {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  throw new FilterError(`format '${t}' needs a number, got ${pyType(v)}`);
};

/** One value laid out by a format spec (Python's format mini-language, the common parts). */
export function formatValue(v: unknown, specText: string): string {
  const s = parseSpec(specText);
  let body: string;
  let numeric = true;
  switch (s.type) {
    case 'd':
    case 'n':
      if (typeof v === 'number' && !Number.isInteger(v)) throw new FilterError("format 'd' needs an integer");
      body = String(Math.abs(asNumber(v, s.type)));
      break;
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      const n = Math.trunc(Math.abs(asNumber(v, s.type)));
      body = n.toString(s.type === 'o' ? 8 : s.type === 'b' ? 2 : 16);
      if (s.type === 'X') body = body.toUpperCase();
      if (s.alt) body = `0${s.type}${body}`;
      break;
    }
    case 'f':
    case 'F':
    case '%':
      body = (Math.abs(asNumber(v, s.type)) * (s.type === '%' ? 100 : 1)).toFixed(s.precision ?? 6);
      if (s.type === '%') body += '%';
      break;
    case 'e':
    case 'E': {
      body = Math.abs(asNumber(v, s.type))
        .toExponential(s.precision ?? 6)
        .replace(/e([+-])(\d)$/, 'e$10$2');
      if (s.type === 'E') body = body.toUpperCase();
      break;
    }
    case 'c':
      body = String.fromCodePoint(asNumber(v, 'c'));
      numeric = false;
      break;
    default:
      numeric = typeof v === 'number' && s.type !== 's';
      if (numeric)
        body = s.precision === undefined ? numText(Math.abs(Number(v))) : Math.abs(Number(v)).toFixed(s.precision);
      else {
        body = pyStr(v);
        if (s.precision !== undefined) body = body.slice(0, s.precision);
      }
  }
  let sign = '';
  if (numeric) {
    const neg = Number(v) < 0;
    sign = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
    if (s.group) body = body.replace(/^\d+/, (d) => d.replace(/\B(?=(\d{3})+$)/g, ','));
  }
  const len = [...sign, ...body].length;
  const pad = Math.max(0, s.width - len);
  const align = s.align || (numeric ? '>' : '<');
  if (align === '=') return sign + s.fill.repeat(pad) + body;
  const text = sign + body;
  if (align === '<') return text + s.fill.repeat(pad);
  if (align === '^') return s.fill.repeat(Math.floor(pad / 2)) + text + s.fill.repeat(Math.ceil(pad / 2));
  return s.fill.repeat(pad) + text;
}

/** str.format: `{}` (next argument), `{0}`, `{name}`, `{0[1]}`/`{a.b}` lookups, `!r`/`!s`, `:spec`, `{{ }}`. */
export function strFormat(template: string, args: unknown[], kw: Record<string, unknown>): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (field === undefined) throw new FilterError(`single '${m}' encountered in format string`);
    const fm = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]+\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!fm) throw new FilterError(`bad format field '{${field}}'`);
    const [, head, path, conv, spec] = fm;
    let v: unknown;
    if (head === '') {
      if (auto < 0) throw new FilterError('cannot switch from manual field numbering to automatic');
      v = argAt(args, auto++);
    } else if (/^\d+$/.test(head!)) {
      if (auto > 0) throw new FilterError('cannot switch from automatic field numbering to manual');
      auto = -1;
      v = argAt(args, Number(head));
    } else {
      if (!Object.hasOwn(kw, head!)) throw new FilterError(`format has no argument named '${head}'`);
      v = kw[head!];
    }
    for (const step of path!.match(/\.[^.[]+|\[[^\]]+\]/g) ?? []) {
      const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1);
      const next = ownProp(v, Array.isArray(v) && /^\d+$/.test(key) ? Number(key) : key);
      if (next === undefined) throw new FilterError(`${typeName(v)} has no item '${key}'`);
      v = next;
    }
    if (conv === 'r' || conv === 'a') v = pyRepr(v);
    else if (conv === 's') v = pyStr(v);
    return formatValue(v, spec ?? '');
  });
}

function argAt(args: unknown[], i: number): unknown {
  if (i >= args.length) throw new FilterError(`format needs argument ${i}, it was given ${args.length}`);
  return args[i];
}

const PERCENT = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

/**
 * `'%s-%d' % (a, b)`: a tuple is a list here, so a list on the right gives the arguments; as one exception a list
 * given to a format with a single conversion is that one value (`'%s' % names`), as Python prints a list.
 */
export function percentFormat(template: string, right: unknown): string {
  const specs = [...template.matchAll(PERCENT)].filter((m) => m[5] !== '%');
  const named = specs.some((m) => m[1] !== undefined);
  let args: unknown[] = [right];
  if (Array.isArray(right) && !(specs.length === 1 && right.length !== 1)) args = right;
  let i = 0;
  const out = template.replace(PERCENT, (_m, key: string | undefined, flags: string, width, prec, type: string) => {
    if (type === '%') return '%';
    let v: unknown;
    if (key !== undefined) {
      if (!isPlainObject(right)) throw new FilterError('format requires a mapping');
      if (!Object.hasOwn(right, key)) throw new FilterError(`no key '${key}' for %(${key})${type}`);
      v = right[key];
    } else {
      if (i >= args.length) throw new FilterError('not enough arguments for format string');
      v = args[i++];
    }
    if (type === 'r' || type === 'a') v = pyRepr(v);
    if (type === 'i' || type === 'u' || type === 'd') {
      v = Math.trunc(asNumber(v, `%${type}`));
      type = 'd';
    }
    const align = flags.includes('-') ? '<' : flags.includes('0') && type !== 's' && type !== 'r' ? '=' : '>';
    const fill = align === '=' ? '0' : ' ';
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const t = type === 'r' || type === 'a' || type === 's' ? 's' : type;
    const p = prec === undefined ? '' : `.${prec}`;
    return formatValue(v, `${fill}${align}${sign}${flags.includes('#') ? '#' : ''}${width ?? ''}${p}${t}`);
  });
  if (!named && i < args.length) throw new FilterError('not all arguments converted during string formatting');
  return out;
}
