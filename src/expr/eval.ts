// Tree-walking evaluator for parsed expressions. Only a whitelist of node types is evaluated; member access
// reads own properties of plain data only (never prototypes, `constructor`, `__proto__`, functions), and the
// only calls are the listed filters, tests and Jinja globals (dict, range). Nothing here can reach JavaScript globals.
// Keyword arguments (`KwArg` nodes, `map(attribute='x')`) are evaluated into an object without a prototype.
import { FilterError } from './filters-base.js';
import { callFilter, callTest, GLOBALS } from './filters-seq.js';
import { LENIENT_FILTERS } from './filters.js';
import { startOf, NOT_IN, type Node } from './parse.js';
import { deepEqual, isPlainObject, ownProp, scopeGet, truthy, typeName } from '../core/value-utils.js';

/** Marks "undefined" while evaluating the operand of `is defined` or `| default`. */
const UNDEF: unique symbol = Symbol('undefined');

/** Raised with the node it concerns; the caller turns it into a KplayError with a position. */
export class ExprEvalError extends Error {
  constructor(
    message: string,
    readonly node: Node | undefined,
  ) {
    super(message);
  }
}

/** Readable text of a path node for messages: `hostvars[h].x`. */
export function describe(n: Node): string {
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression') {
    const p = n.property as Node;
    const obj = describe(n.object as Node);
    if (!n.computed) return `${obj}.${p.name as string}`;
    return `${obj}[${p.type === 'Literal' ? JSON.stringify(p.value) : describe(p)}]`;
  }
  if (n.type === 'Literal') return String(n.raw);
  return 'expression';
}

function filterName(n: Node): { name: string; args: Node[] } {
  if (n.type === 'CallExpression') return { name: (n.callee as Node).name as string, args: n.arguments as Node[] };
  return { name: n.name as string, args: [] };
}

export function evaluate(n: Node, scope: object): unknown {
  return ev(n, scope, false);
}

function ev(n: Node, s: object, lenient: boolean): unknown {
  switch (n.type) {
    case 'Literal':
      return n.value;
    case 'Identifier': {
      const v = scopeGet(s, n.name as string);
      if (v !== undefined) return v;
      if (lenient) return UNDEF;
      throw new ExprEvalError(`undefined variable '${n.name as string}'`, n);
    }
    case 'MemberExpression': {
      const obj = ev(n.object as Node, s, lenient);
      if (obj === UNDEF) return UNDEF;
      const key = n.computed ? ev(n.property as Node, s, false) : (n.property as Node).name;
      const v = ownProp(obj, key);
      if (v !== undefined) return v;
      if (lenient) return UNDEF;
      if (obj === null || typeof obj !== 'object') {
        throw new ExprEvalError(
          `'${describe(n.object as Node)}' is ${typeName(obj)}, it has no attribute '${String(key)}'`,
          n,
        );
      }
      throw new ExprEvalError(`'${describe(n.object as Node)}' has no attribute '${String(key)}'`, n);
    }
    case 'ArrayExpression':
      return (n.elements as Node[]).map((e) => ev(e, s, false));
    case 'ConditionalExpression':
      return truthy(ev(n.test as Node, s, false))
        ? ev(n.consequent as Node, s, false)
        : ev(n.alternate as Node, s, false);
    case 'UnaryExpression': {
      const v = ev(n.argument as Node, s, false);
      if (n.operator === 'not') return !truthy(v);
      if (typeof v !== 'number')
        throw new ExprEvalError(`unary '${n.operator as string}' needs a number, got ${typeName(v)}`, n);
      return n.operator === '-' ? -v : v;
    }
    case 'BinaryExpression':
      return binary(n, s);
    case 'CallExpression': {
      const { name, args } = filterName(n);
      const { pos, kw } = evalArgs(args, s);
      try {
        return GLOBALS[name]!(pos, kw);
      } catch (e) {
        if (e instanceof FilterError) throw new ExprEvalError(e.message, n);
        throw e;
      }
    }
    default:
      throw new ExprEvalError(`unsupported expression (${n.type})`, n);
  }
}

function binary(n: Node, s: object): unknown {
  const op = n.operator as string;
  const L = n.left as Node;
  const R = n.right as Node;
  if (op === 'and') {
    const a = ev(L, s, false);
    return truthy(a) ? ev(R, s, false) : a;
  }
  if (op === 'or') {
    const a = ev(L, s, false);
    return truthy(a) ? a : ev(R, s, false);
  }
  if (op === '|') return applyFilter(L, R, s);
  if (op === 'is') return applyTest(L, R, s);
  const a = ev(L, s, false);
  const b = ev(R, s, false);
  try {
    return operate(op, a, b);
  } catch (e) {
    if (e instanceof FilterError) throw new ExprEvalError(e.message, L);
    throw e;
  }
}

/** Positional and keyword argument values (the compile check put keyword arguments last). */
function evalArgs(args: Node[], s: object): { pos: unknown[]; kw: Record<string, unknown> } {
  const pos: unknown[] = [];
  const kw = Object.create(null) as Record<string, unknown>;
  for (const a of args) {
    if (a.type === 'KwArg') kw[a.name as string] = ev(a.value as Node, s, false);
    else pos.push(ev(a, s, false));
  }
  return { pos, kw };
}

const BUILTIN = /^ansible\.builtin\./;

function applyFilter(L: Node, R: Node, s: object): unknown {
  const { name, args } = filterName(R);
  const raw = ev(L, s, LENIENT_FILTERS.has(name.replace(BUILTIN, '')));
  const { pos, kw } = evalArgs(args, s);
  try {
    return callFilter(name, raw === UNDEF ? undefined : raw, pos, kw);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    if (name.replace(BUILTIN, '') === 'mandatory') throw new ExprEvalError(mandatoryMessage(e.message, L), L);
    throw new ExprEvalError(`filter '${name}': ${e.message.replace(/^'[a-z_]+': /, '')}`, R);
  }
}

function mandatoryMessage(m: string, L: Node): string {
  return m === 'a mandatory variable is not defined' ? `mandatory variable '${describe(L)}' is not defined` : m;
}

function applyTest(L: Node, R: Node, s: object): boolean {
  if (R.type === 'UnaryExpression' && R.operator === 'not') return !applyTest(L, R.argument as Node, s);
  const name = R.type === 'Literal' ? String(R.raw).toLowerCase().replace('null', 'none') : filterName(R).name;
  const bare = name.replace(BUILTIN, '');
  const raw = ev(L, s, bare === 'defined' || bare === 'undefined');
  const { pos, kw } = R.type === 'Literal' ? { pos: [], kw: {} } : evalArgs(filterName(R).args, s);
  try {
    return callTest(name, raw === UNDEF ? undefined : raw, pos, kw);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    throw new ExprEvalError(e.message, R.type === 'Literal' ? L : R);
  }
}

function arith(op: string, a: unknown, b: unknown): number {
  if ((typeof a !== 'number' && typeof a !== 'boolean') || (typeof b !== 'number' && typeof b !== 'boolean')) {
    throw new FilterError(`unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}`);
  }
  return op === '-' ? Number(a) - Number(b) : Number(a) * Number(b);
}

function operate(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const ok = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
      if (!ok) throw new FilterError(`cannot compare ${typeName(a)} and ${typeName(b)} with '${op}'`);
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
    }
    case 'in':
    case NOT_IN: {
      const r = contains(b, a);
      return op === 'in' ? r : !r;
    }
    case '~':
      return textOf(a) + textOf(b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean'))
        return Number(a) + Number(b);
      throw new FilterError(`unsupported operand types for +: ${typeName(a)} and ${typeName(b)}`);
    case '-':
      return arith('-', a, b);
    case '*':
      if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
      return arith('*', a, b);
    case '/':
    case '//':
    case '%': {
      const x = arith('*', a, 1);
      const y = arith('*', b, 1);
      if (y === 0) throw new FilterError(op === '%' ? 'modulo by zero' : 'division by zero');
      if (op === '/') return x / y;
      if (op === '//') return Math.floor(x / y);
      return ((x % y) + y) % y;
    }
    case '**':
      return arith('*', a, 1) ** arith('*', b, 1);
    default:
      throw new FilterError(`unknown operator '${op}'`);
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw new FilterError(`'in <string>' needs a string on the left, got ${typeName(item)}`);
    return container.includes(item);
  }
  if (isPlainObject(container)) return Object.hasOwn(container, String(item));
  throw new FilterError(`'in' needs a list, string or dict on the right, got ${typeName(container)}`);
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Top-level variable names read by a tree (not filter/test names, not attribute names). */
export function variablesOf(n: Node, out: Set<string>): Set<string> {
  switch (n.type) {
    case 'Identifier':
      out.add(n.name as string);
      break;
    case 'MemberExpression':
      variablesOf(n.object as Node, out);
      if (n.computed) variablesOf(n.property as Node, out);
      break;
    case 'BinaryExpression':
      variablesOf(n.left as Node, out);
      if (n.operator === '|' || n.operator === 'is') {
        let r = n.right as Node;
        if (r.type === 'UnaryExpression') r = r.argument as Node;
        if (r.type === 'CallExpression') for (const a of r.arguments as Node[]) variablesOf(a, out);
      } else variablesOf(n.right as Node, out);
      break;
    case 'CallExpression':
      for (const a of n.arguments as Node[]) variablesOf(a, out);
      break;
    case 'KwArg':
      variablesOf(n.value as Node, out);
      break;
    case 'UnaryExpression':
      variablesOf(n.argument as Node, out);
      break;
    case 'ArrayExpression':
      for (const e of n.elements as Node[]) variablesOf(e, out);
      break;
    case 'ConditionalExpression':
      for (const k of ['test', 'consequent', 'alternate']) variablesOf(n[k] as Node, out);
      break;
  }
  return out;
}

export { startOf };
