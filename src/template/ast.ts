// Work on parsed Handlebars templates: the strictness pass (every variable read goes through `__chk`, every
// kplay helper call through `__call`, so an undefined variable or a helper failure names its line and column),
// a small evaluator for one `{{ }}` that keeps the value's type, and the list of variables a template reads.
import { didYouMean } from '../core/errors.js';
import { BUILTIN_HELPERS, callHelper, HELPERS, HelperError, LENIENT_FIRST } from './helpers.js';
import { ownProp, scopeGet, toText, typeName } from '../core/value-utils.js';

export interface HLoc {
  start: { line: number; column: number };
}
export interface HNode {
  type: string;
  loc?: HLoc;
  // biome-ignore lint/suspicious/noExplicitAny: Handlebars AST nodes are untyped here
  [k: string]: any;
}

/** A problem at a line (1-based) and column (1-based) of the parsed text. */
export class TplError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const at = (n: HNode | undefined): [number, number] => [n?.loc?.start.line ?? 1, (n?.loc?.start.column ?? 0) + 1];
const KNOWN = [...Object.keys(HELPERS), ...BUILTIN_HELPERS];
export const isHelperName = (name: string): boolean => Object.hasOwn(HELPERS, name) || BUILTIN_HELPERS.has(name);

export function unknownHelper(name: string, n: HNode): TplError {
  const guess = didYouMean(name, KNOWN);
  return new TplError(`unknown helper '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}`, ...at(n));
}

const path = (name: string, loc?: HLoc): HNode => ({
  type: 'PathExpression',
  data: false,
  depth: 0,
  parts: [name],
  original: name,
  loc,
});
const lit = (v: string | number, loc?: HLoc): HNode =>
  typeof v === 'string'
    ? { type: 'StringLiteral', value: v, original: v, loc }
    : { type: 'NumberLiteral', value: v, original: v, loc };

function checked(p: HNode): HNode {
  if (p.type === 'SubExpression') return (call(p, []), p);
  if (p.type !== 'PathExpression' || p.parts.length === 0) return p;
  const [line, col] = at(p);
  return {
    type: 'SubExpression',
    path: path('__chk', p.loc),
    params: [p, lit(p.original, p.loc), lit(line), lit(col)],
    loc: p.loc,
  };
}

function wrapArgs(n: HNode, lenientFirst: boolean): void {
  n.params = (n.params as HNode[]).map((p, i) =>
    i === 0 && lenientFirst ? (p.type === 'SubExpression' ? checked(p) : p) : checked(p),
  );
  if (n.hash) for (const pair of n.hash.pairs as HNode[]) pair.value = checked(pair.value);
}

/** Rewrites a mustache or subexpression in place; problems (unknown helpers) are collected. */
function call(n: HNode, problems: TplError[]): void {
  const p = n.path as HNode;
  const noArgs = n.params.length === 0 && !n.hash;
  const out = n.type === 'MustacheStatement'; // printed: lists and dicts as JSON, not [object Object]
  if (p.type !== 'PathExpression') return;
  const name = p.parts[0] as string;
  const simple = p.parts.length === 1 && !p.data && p.depth === 0;
  if (noArgs && !(simple && isHelperName(name))) {
    if (p.parts.length === 0 && !out) return; // (this) as an argument
    n.params = [p, lit(p.original), ...at(p).map((x) => lit(x))];
    n.path = path(out ? '__out' : '__chk', p.loc);
    return;
  }
  if (!simple || !isHelperName(name)) return void problems.push(unknownHelper(p.original, p));
  if (name === 'log') return wrapArgs(n, false);
  wrapArgs(n, LENIENT_FIRST.has(name));
  n.params = [lit(name), ...at(p).map((x) => lit(x)), ...n.params];
  n.path = path(out ? '__callout' : '__call', p.loc);
}

const BLOCKS = new Set(['if', 'unless', 'each', 'with']);

/** The strictness pass over a whole template (mutates the AST). */
export function makeStrict(prog: HNode, problems: TplError[]): void {
  for (const st of prog.body as HNode[]) {
    if (st.type === 'MustacheStatement') call(st, problems);
    else if (st.type === 'BlockStatement') {
      const name = st.path.original as string;
      if (!BLOCKS.has(name))
        problems.push(
          HELPERS[name]
            ? new TplError(`'${name}' is not a block helper; write {{${name} ...}}`, ...at(st.path))
            : unknownHelper(name, st.path),
        );
      else wrapArgs(st, false);
      if (st.program) makeStrict(st.program, problems);
      if (st.inverse) makeStrict(st.inverse, problems);
    } else if (st.type === 'PartialStatement' || st.type === 'PartialBlockStatement') {
      problems.push(new TplError('partials ({{> name}}) are not supported', ...at(st)));
    } else if (st.type === 'Decorator' || st.type === 'DecoratorBlock') {
      problems.push(new TplError('decorators are not supported', ...at(st)));
    }
  }
}

const MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths (and `lookup` keys) that name JavaScript's object machinery, anywhere in a parsed template. */
export function machineryIn(n: unknown, out: TplError[] = []): TplError[] {
  if (!n || typeof n !== 'object') return out;
  if (Array.isArray(n)) {
    for (const x of n) machineryIn(x, out);
    return out;
  }
  const node = n as HNode;
  const bad = (name: string, where: HNode) =>
    out.push(new TplError(`'${name}' is not a name kplay reads (it is object machinery in JavaScript)`, ...at(where)));
  if (node.type === 'PathExpression')
    for (const part of node.parts as string[]) if (MACHINERY.has(part)) bad(part, node);
  if (node.type === 'StringLiteral' && MACHINERY.has(node.value as string)) bad(node.value as string, node);
  for (const [k, v] of Object.entries(node)) if (k !== 'loc' && v && typeof v === 'object') machineryIn(v, out);
  return out;
}

/** Undefined-variable error for a path, naming the first missing part. */
export function missing(original: string, context: unknown, line: number, col: number, root?: unknown): TplError {
  const parts = original.replace(/^this[./]/, '').split(/[./]/);
  let cur: unknown = context;
  let i = 0;
  for (; i < parts.length; i++) {
    const next: unknown = i === 0 && typeof cur === 'object' && cur ? scopeGet(cur, parts[0]!) : ownProp(cur, parts[i]);
    if (next === undefined) break;
    cur = next;
  }
  const head = parts[0]!;
  const hint =
    root && root !== context && typeof root === 'object' && scopeGet(root, head) !== undefined
      ? 'inside {{#each}} or {{#with}} names are looked up in the current item; ' +
        `write @root.${original} or ../${original}`
      : undefined;
  if (i === 0 || i >= parts.length) return new TplError(`'${i === 0 ? head : original}' is undefined`, line, col, hint);
  const have = parts.slice(0, i).join('.');
  return new TplError(`'${have}' (${typeName(cur)}) has no attribute '${parts[i]}'`, line, col, hint);
}

/** Runtime side of the strictness pass: registered into the Handlebars environment. */
export const RUNTIME_HELPERS = {
  __chk(
    this: unknown,
    value: unknown,
    name: string,
    line: number,
    col: number,
    opts: { data?: { root?: unknown } },
  ): unknown {
    if (value !== undefined) return value;
    throw missing(name, this, line, col, opts?.data?.root);
  },
  __out(
    this: unknown,
    value: unknown,
    name: string,
    line: number,
    col: number,
    opts: { data?: { root?: unknown } },
  ): string {
    if (value !== undefined) return toText(value);
    throw missing(name, this, line, col, opts?.data?.root);
  },
  __callout(name: string, line: number, col: number, ...rest: unknown[]): string {
    return toText(RUNTIME_HELPERS.__call(name, line, col, ...rest));
  },
  __call(name: string, line: number, col: number, ...rest: unknown[]): unknown {
    const opts = rest.pop() as { hash?: Record<string, unknown> };
    try {
      if (name === 'lookup') return ownProp(rest[0], rest[1]);
      return callHelper(name, rest, opts?.hash ?? {});
    } catch (e) {
      if (e instanceof HelperError) throw new TplError(e.message, line, col);
      throw e;
    }
  },
};

/** Evaluates one parsed `{{ }}` against vars, keeping the type of what it yields. */
export function evalMustache(n: HNode, vars: Record<string, unknown>, lenient = false): unknown {
  switch (n.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return n.value;
    case 'NullLiteral':
      return null;
    case 'UndefinedLiteral':
      return undefined;
    case 'PathExpression':
      return lookup(n, vars, lenient);
    case 'MustacheStatement':
    case 'SubExpression': {
      const p = n.path as HNode;
      if (p.type !== 'PathExpression') return evalMustache(p, vars);
      const name = p.parts[0] as string;
      if (n.params.length === 0 && !n.hash && !(p.parts.length === 1 && isHelperName(name)))
        return lookup(p, vars, lenient);
      if (p.parts.length !== 1 || !isHelperName(name) || (BUILTIN_HELPERS.has(name) && name !== 'lookup'))
        throw unknownHelper(p.original, p);
      const args = (n.params as HNode[]).map((a, i) => evalMustache(a, vars, i === 0 && LENIENT_FIRST.has(name)));
      if (name === 'lookup') return ownProp(args[0], args[1]);
      const hash: Record<string, unknown> = {};
      for (const pair of (n.hash?.pairs ?? []) as HNode[]) hash[pair.key] = evalMustache(pair.value, vars);
      try {
        return callHelper(name, args, hash);
      } catch (e) {
        if (e instanceof HelperError) throw new TplError(e.message, ...at(p));
        throw e;
      }
    }
    default:
      throw new TplError(`unsupported template syntax (${n.type})`, ...at(n));
  }
}

function lookup(p: HNode, vars: Record<string, unknown>, lenient: boolean): unknown {
  let parts = p.parts as string[];
  if (p.data) {
    if (parts[0] !== 'root')
      throw new TplError(`'@${p.original.replace(/^@/, '')}' is only available inside {{#each}}`, ...at(p));
    parts = parts.slice(1);
  }
  let cur: unknown = vars;
  for (let i = 0; i < parts.length; i++) {
    cur = i === 0 ? scopeGet(vars, parts[0]!) : ownProp(cur, parts[i]);
    if (cur === undefined) {
      if (lenient) return undefined;
      throw missing(parts.join('.'), vars, ...at(p));
    }
  }
  return cur;
}

/** Top-level names a template reads (best effort: names inside #each/#with refer to the item and are skipped). */
export function astVariables(n: HNode | undefined, out: Set<string>, depth = 0, bound: string[] = []): void {
  if (!n) return;
  if (n.type === 'PathExpression') {
    const parts = n.parts as string[];
    if (n.data && parts[0] === 'root' && parts[1]) out.add(parts[1]);
    else if (!n.data && parts.length && n.depth >= depth && !bound.includes(parts[0]!)) out.add(parts[0]!);
    return;
  }
  if (n.type === 'Program') return void (n.body as HNode[]).forEach((s) => astVariables(s, out, depth, bound));
  if (['MustacheStatement', 'SubExpression', 'BlockStatement'].includes(n.type)) {
    const p = n.path as HNode;
    const isCall =
      n.type === 'BlockStatement' ||
      n.params.length > 0 ||
      n.hash ||
      (p.parts?.length === 1 && isHelperName(p.parts[0]));
    if (!isCall) astVariables(p, out, depth, bound);
    for (const a of n.params as HNode[]) astVariables(a, out, depth, bound);
    for (const pair of (n.hash?.pairs ?? []) as HNode[]) astVariables(pair.value, out, depth, bound);
    if (n.type === 'BlockStatement') {
      const inner = n.path.original === 'each' || n.path.original === 'with' ? depth + 1 : depth;
      astVariables(n.program, out, inner, [...bound, ...((n.program?.blockParams as string[]) ?? [])]);
      astVariables(n.inverse, out, depth, bound);
    }
  }
}

/** Unknown helpers inside subexpressions of a single mustache. */
export function helperProblemOf(n: HNode): TplError | undefined {
  for (const a of [...(n.params ?? []), ...((n.hash?.pairs ?? []) as HNode[]).map((x) => x.value)] as HNode[]) {
    if (a.type !== 'SubExpression') continue;
    const p = a.path as HNode;
    if (p.type === 'PathExpression' && !(p.parts.length === 1 && isHelperName(p.parts[0])))
      return unknownHelper(p.original, p);
    const inner = helperProblemOf(a);
    if (inner) return inner;
  }
  return undefined;
}
