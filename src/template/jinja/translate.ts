// Jinja expressions, as nunjucks parses them, into the trees of kplay's own expression engine (src/expr): one
// evaluator, with Python's semantics and its sandbox, serves `when:`, `{{ }}` in YAML values and Jinja templates.
// Every node keeps `start`, its offset in the template text, for errors.
import type { Node } from '../../expr/parse.js';
import { callerName, RECURSE, SUPER } from './macros.js';
import type { NjNode } from './parse.js';

/** Offset in the source of a nunjucks position (0-based line and column). */
export type Offsets = (lineno: number, colno: number) => number;

export function offsetsOf(src: string): Offsets {
  const starts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  return (line, col) => (starts[Math.min(Math.max(line, 0), starts.length - 1)] ?? 0) + Math.max(col, 0);
}

/** A construct kplay's Jinja does not evaluate, at its node. */
export class Unsupported extends Error {
  constructor(
    message: string,
    readonly node: NjNode,
  ) {
    super(message);
  }
}

const BINARY: Record<string, string> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  FloorDiv: '//',
  Mod: '%',
  Pow: '**',
  Concat: '~',
  Or: 'or',
  And: 'and',
  In: 'in',
};

const WORDS: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, none: null };
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

const kids = (n: unknown): NjNode[] => ((n as NjNode | null)?.children as NjNode[] | undefined) ?? [];

export function translate(n: NjNode, at: Offsets): Node {
  const start = at(n.lineno, n.colno);
  const t = (x: unknown): Node => translate(x as NjNode, at);
  const literal = (value: unknown): Node => ({
    type: 'Literal',
    value: value as Node['value'],
    raw: value === null ? 'none' : String(value),
    start,
  });
  switch (n.typename) {
    case 'Literal':
      return literal(n.value);
    case 'Symbol': {
      const name = n.value as string;
      return Object.hasOwn(WORDS, name) ? literal(WORDS[name]) : { type: 'Identifier', name, start };
    }
    case 'Group': {
      const c = kids(n);
      return c.length === 1 ? t(c[0]) : { type: 'ArrayExpression', elements: c.map(t), start };
    }
    case 'Array':
      return { type: 'ArrayExpression', elements: kids(n).map(t), start };
    case 'Dict':
      return {
        type: 'ObjectExpression',
        properties: kids(n).map((p) => ({ type: 'Property', key: t(p.key), value: t(p.value) })),
        start,
      };
    case 'LookupVal':
      return member(n, at, start);
    case 'FunCall': {
      // `loop(xs)` in a recursive loop, `super()` in a block: the renderer binds RECURSE and SUPER
      const name = n.name as NjNode;
      const callee: Node =
        name.typename === 'Symbol' && (name.value === 'loop' || name.value === 'super')
          ? { type: 'Identifier', name: name.value === 'loop' ? RECURSE : SUPER, start }
          : t(name);
      return { type: 'CallExpression', callee, arguments: args(kids(n.args), at), start };
    }
    case 'Filter': {
      const [operand, ...rest] = kids(n.args);
      const name: Node = { type: 'Identifier', name: (n.name as NjNode).value as string, start };
      const right: Node = rest.length
        ? { type: 'CallExpression', callee: name, arguments: args(rest, at), start }
        : name;
      return { type: 'BinaryExpression', operator: '|', left: t(operand), right, start };
    }
    case 'Is':
      return { type: 'BinaryExpression', operator: 'is', left: t(n.left), right: t(n.right), start };
    case 'Not':
      return { type: 'UnaryExpression', operator: 'not', argument: t(n.target), prefix: true, start };
    case 'Neg':
    case 'Pos':
      return {
        type: 'UnaryExpression',
        operator: n.typename === 'Neg' ? '-' : '+',
        argument: t(n.target),
        prefix: true,
        start,
      };
    case 'InlineIf':
      return {
        type: 'ConditionalExpression',
        test: t(n.cond),
        consequent: t(n.body),
        alternate: n.else_ ? t(n.else_) : literal(''),
        start,
      };
    case 'Compare':
      return compare(n, at);
    case 'Caller':
      // a `{% call %}` block: the renderer binds this name to the block's caller (macros.ts)
      return { type: 'Identifier', name: callerName(n), start };
    default:
      if (Object.hasOwn(BINARY, n.typename))
        return { type: 'BinaryExpression', operator: BINARY[n.typename], left: t(n.left), right: t(n.right), start };
      throw new Unsupported(`kplay's Jinja does not evaluate ${n.typename} here`, n);
  }
}

/** `x.name`, `x['k']`, `x.0`, `x[1:3]`. A string key that is a name reads as an attribute. */
function member(n: NjNode, at: Offsets, start: number): Node {
  const object = translate(n.target as NjNode, at);
  const val = n.val as NjNode;
  if (val.typename === 'Slice') {
    const part = (x: unknown): Node | null => {
      const p = x as NjNode;
      return p.typename === 'Literal' && p.value === null ? null : translate(p, at);
    };
    const step = val.step as NjNode;
    // expr's SliceExpression: `start` is the first bound here, not a position
    const property = {
      type: 'SliceExpression',
      start: part(val.start),
      stop: part(val.stop),
      step: step.typename === 'Literal' && step.value === 1 ? null : translate(step, at),
    } as unknown as Node;
    return { type: 'MemberExpression', computed: true, object, property, start };
  }
  if (val.typename === 'Literal' && typeof val.value === 'string' && IDENT.test(val.value)) {
    const property: Node = { type: 'Identifier', name: val.value, start: at(val.lineno, val.colno) };
    return { type: 'MemberExpression', computed: false, object, property, start };
  }
  return { type: 'MemberExpression', computed: true, object, property: translate(val, at), start };
}

/** Positional arguments, then `name=value` ones as KwArg nodes. */
function args(list: NjNode[], at: Offsets): Node[] {
  const out: Node[] = [];
  for (const a of list) {
    if (a.typename !== 'KeywordArgs') {
      out.push(translate(a, at));
      continue;
    }
    for (const p of kids(a)) {
      const key = p.key as NjNode;
      out.push({
        type: 'KwArg',
        name: key.value as string,
        value: translate(p.value as NjNode, at),
        start: at(key.lineno, key.colno),
      });
    }
  }
  return out;
}

/** `a < b < c` is `a < b and b < c`. */
function compare(n: NjNode, at: Offsets): Node {
  let left = translate(n.expr as NjNode, at);
  let out: Node | undefined;
  for (const op of n.ops as NjNode[]) {
    const right = translate(op.expr as NjNode, at);
    const operator = op.type === '===' ? '==' : op.type === '!==' ? '!=' : (op.type as string);
    const one: Node = { type: 'BinaryExpression', operator, left, right, start: left.start, closed: true };
    out = out ? { type: 'BinaryExpression', operator: 'and', left: out, right: one, start: out.start } : one;
    left = right;
  }
  return out ?? left;
}
