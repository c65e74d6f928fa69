// Tree-walking evaluator for parsed expressions. Only a whitelist of node types is evaluated; member access
// reads own properties of plain data only (never prototypes, `constructor`, `__proto__`, functions), and the
// only calls are the listed filters, tests, Jinja globals (dict, range, now), lookups (lookups.ts, which read
// their context from the scope) and kplay's own Python methods (methods.ts). Nothing here can reach JavaScript
// globals. Keyword arguments (`KwArg` nodes, `map(attribute='x')`) are evaluated into an object without a prototype.
import { FilterError } from './filters-base.js';
import { bare, callFilter, callTest, GLOBALS } from './filters-seq.js';
import { LENIENT_FILTERS } from './filters.js';
import { callLookup, LOOKUP_FUNCTIONS } from './lookups.js';
import { callMethod } from './methods.js';
import { operate } from './operators.js';
import { startOf, type Node } from './parse.js';
import { Callable } from './callable.js';
import { chainOf, COMPARISONS, isChain } from './chain.js';
import { put } from './filters-data.js';
import { pyType } from './py-format.js';
import { slice } from './slice.js';
import { ownProp, scopeGet, toText, truthy, typeName } from '../core/value-utils.js';

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
      throw new ExprEvalError(`'${n.name as string}' is undefined`, n);
    }
    case 'MemberExpression': {
      const obj = ev(n.object as Node, s, lenient);
      if (obj === UNDEF) return UNDEF;
      if ((n.property as Node).type === 'SliceExpression') return sliceOf(obj, n, s);
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
    case 'ObjectExpression':
      return dictOf(n, s);
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
    case 'CallExpression':
      return call(n, s);
    default:
      throw new ExprEvalError(`unsupported expression (${n.type})`, n);
  }
}

/** Python's chained comparison `a < b < c`: `a < b and b < c`, each operand evaluated once, left to right. */
function chain(n: Node, s: object): boolean {
  const { operands, ops } = chainOf(n);
  let a = ev(operands[0]!, s, false);
  for (let i = 0; i < ops.length; i++) {
    const b = ev(operands[i + 1]!, s, false);
    if (!operateAt(ops[i]!, a, b, operands[i]!)) return false;
    a = b;
  }
  return true;
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
  if (COMPARISONS.has(op) && isChain(L)) return chain(n, s);
  return operateAt(op, ev(L, s, false), ev(R, s, false), L);
}

/** A binary operator's value; its error placed at `at`. */
function operateAt(op: string, a: unknown, b: unknown, at: Node): unknown {
  try {
    return operate(op, a, b);
  } catch (e) {
    if (e instanceof FilterError) throw new ExprEvalError(e.message, at);
    throw e;
  }
}

/** Positional and keyword argument values (the compile check put keyword arguments last). */
function evalArgs(args: Node[], s: object): { pos: unknown[]; kw: Record<string, unknown> } {
  const pos: unknown[] = [];
  const kw = Object.create(null) as Record<string, unknown>;
  for (const a of args) {
    if (a.type === 'KwArg') kw[a.name as string] = ev(a.value as Node, s, false);
    else if (a.type === 'Starred') pos.push(...spread(ev(a.argument as Node, s, false), a));
    else pos.push(ev(a, s, false));
  }
  return { pos, kw };
}

/** `*xs`: a list's items (a text's characters, as Python spreads it). */
function spread(v: unknown, n: Node): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  throw new ExprEvalError(`'*' needs a list to spread into the arguments, got ${pyType(v)}`, n);
}

function applyFilter(L: Node, R: Node, s: object): unknown {
  const { name, args } = filterName(R);
  const raw = ev(L, s, LENIENT_FILTERS.has(bare(name)));
  const { pos, kw } = evalArgs(args, s);
  try {
    return callFilter(name, raw === UNDEF ? undefined : raw, pos, kw);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    if (bare(name) === 'mandatory') throw new ExprEvalError(mandatoryMessage(e.message, L), L);
    throw new ExprEvalError(`filter '${name}': ${e.message.replace(/^'[a-z_]+': /, '')}`, R);
  }
}

function mandatoryMessage(m: string, L: Node): string {
  return m === 'a mandatory variable is not defined' ? `mandatory variable '${describe(L)}' is not defined` : m;
}

function applyTest(L: Node, R: Node, s: object): boolean {
  if (R.type === 'UnaryExpression' && R.operator === 'not') return !applyTest(L, R.argument as Node, s);
  const name = R.type === 'Literal' ? String(R.raw).toLowerCase().replace('null', 'none') : filterName(R).name;
  const t = bare(name);
  const raw = ev(L, s, t === 'defined' || t === 'undefined');
  const { pos, kw } = R.type === 'Literal' ? { pos: [], kw: {} } : evalArgs(filterName(R).args, s);
  try {
    return callTest(name, raw === UNDEF ? undefined : raw, pos, kw);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    throw new ExprEvalError(e.message, R.type === 'Literal' ? L : R);
  }
}

/** A macro (`m(x)`, `ns.m(x)`: a Callable in the scope), a global (`range(3)`), a lookup (`lookup('env', 'HOME')`)
 *  or a method (`s.split(',')`); errors at the name. */
function call(n: Node, s: object): unknown {
  const c = n.callee as Node;
  const { pos, kw } = evalArgs(n.arguments as Node[], s);
  let at: Node = n;
  try {
    if (c.type === 'MemberExpression') {
      at = c.property as Node;
      const obj = ev(c.object as Node, s, false);
      const macro = ownProp(obj, (c.property as Node).name);
      if (macro instanceof Callable) return macro.call(pos, kw);
      return callMethod(obj, (c.property as Node).name as string, pos, kw);
    }
    const name = c.name as string;
    const v = scopeGet(s, name);
    if (v instanceof Callable) return v.call(pos, kw);
    if (LOOKUP_FUNCTIONS.has(name)) return callLookup(name, pos, kw, s);
    if (Object.hasOwn(GLOBALS, name)) return GLOBALS[name]!(pos, kw);
    throw new FilterError(v === undefined ? `'${name}' is undefined` : `'${name}' (${pyType(v)}) is not callable`);
  } catch (e) {
    if (e instanceof FilterError) throw new ExprEvalError(e.message, at);
    throw e;
  }
}

/** `{'a': 1, k: v}`: keys are evaluated (a bare name is a variable); each key an own data property. */
function dictOf(n: Node, s: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of n.properties as Node[]) {
    const k = ev(p.key as Node, s, false);
    if (k !== null && typeof k === 'object')
      throw new ExprEvalError(`a dict key cannot be a ${pyType(k)} (unhashable type)`, p.key as Node);
    put(out, toText(k === null ? 'None' : k), ev(p.value as Node, s, false));
  }
  return out;
}

function sliceOf(obj: unknown, n: Node, s: object): unknown {
  const p = n.property as Node;
  const part = (k: string): number | null => {
    const x = p[k] as Node | null;
    if (!x) return null;
    const v = ev(x, s, false);
    if (v === null) return null;
    if (!Number.isInteger(v)) throw new ExprEvalError(`slice indices must be integers or none, got ${pyType(v)}`, x);
    return v as number;
  };
  const [a, b, step] = [part('start'), part('stop'), part('step')];
  if (step === 0) throw new ExprEvalError('slice step cannot be zero', p.step as Node);
  if (typeof obj === 'string') return slice([...obj], a, b, step).join('');
  if (Array.isArray(obj)) return slice(obj, a, b, step);
  throw new ExprEvalError(`'${describe(n.object as Node)}' is ${typeName(obj)}, it cannot be sliced`, n);
}

export { variablesOf } from './variables.js';
export { startOf };
