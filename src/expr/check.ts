// The compile-time check of an expression tree: a whitelist of node types, filter, test, method and lookup names
// checked against the known lists (with did-you-mean), keyword arguments against signatures, and names of
// JavaScript's object machinery refused. It runs on trees from parse.ts and on trees the Jinja layer builds.
import { didYouMean } from '../core/errors.js';
import { type Callables, macroArgsProblem, NO_CALLABLES } from './callable.js';
import { keywordNames, type Signature } from './filters-params.js';
import {
  bare,
  BUILTIN_PREFIX,
  filterSignature,
  GLOBALS,
  isFilter,
  isTest,
  nameArgument,
  testSignature,
  unknownName,
} from './filters-seq.js';
import { FILTERS } from './filters.js';
import { LOOKUP_FUNCTIONS, lookupProblem } from './lookups.js';
import { methodProblem } from './methods.js';
import { startOf, type Node } from './parse.js';

const LITERAL_TESTS = new Set(['none', 'None', 'null', 'true', 'True', 'false', 'False']);

export class CompileProblem extends Error {
  constructor(
    message: string,
    readonly index: number | undefined,
  ) {
    super(message);
  }
}

/** `ansible.builtin.to_json` (parsed as attribute access) as one dotted name, or undefined. */
function dottedName(n: Node): string | undefined {
  if (n.type === 'Identifier') return n.name as string;
  if (n.type !== 'MemberExpression' || n.computed) return undefined;
  const left = dottedName(n.object as Node);
  return left === undefined ? undefined : `${left}.${(n.property as Node).name as string}`;
}

function checkNamed(n: Node, kind: 'filter' | 'test'): void {
  const isCall = n.type === 'CallExpression';
  const callee = isCall ? (n.callee as Node) : n;
  const name = dottedName(callee);
  if (name === undefined)
    throw new CompileProblem(`expected a ${kind} name after '${kind === 'filter' ? '|' : 'is'}'`, startOf(n));
  if (callee.type !== 'Identifier') {
    // the evaluator reads one name: the dotted chain becomes one identifier
    const id: Node = { type: 'Identifier', name, start: startOf(callee) };
    if (isCall) n.callee = id;
    else {
      for (const k of Object.keys(n)) delete n[k];
      Object.assign(n, id);
    }
  }
  const known = kind === 'filter' ? isFilter : isTest;
  if (name.includes('.') && bare(name) === name) {
    throw new CompileProblem(
      `unknown ${kind} '${name}' (of the collections, kplay knows ${BUILTIN_PREFIX}*, and ansible.utils.* or ` +
        'ansible.netcommon.* for ipaddr, ipv4, ipv6, ipmath and nthhost)',
      startOf(n),
    );
  }
  if (!known(name)) throw new CompileProblem(unknownName(kind, name), startOf(n));
  if (!isCall) return;
  const args = n.arguments as Node[];
  const byAttr = kind === 'filter' && args.length > 0 && args.every((a) => a.type === 'KwArg') && bare(name) === 'map';
  const sig = byAttr ? MAP_BY_ATTRIBUTE : kind === 'filter' ? filterSignature(name) : testSignature(name);
  checkArgs(args, sig, `${kind} '${name}'`);
  if (kind !== 'filter') return;
  const at = nameArgument(
    name,
    args.some((a) => a.type === 'KwArg' && a.name === 'attribute'),
  );
  const lit = at && (args[at.index] as Node | undefined);
  if (!at || lit?.type !== 'Literal' || typeof lit.value !== 'string') return;
  // `map('regex_replace', pattern='^', replacement='x')`: the keyword arguments belong to the named filter or test
  if (!(at.kind === 'filter' ? isFilter : isTest)(lit.value))
    throw new CompileProblem(unknownName(at.kind, lit.value), startOf(lit));
  const inner = at.kind === 'filter' ? filterSignature(lit.value) : testSignature(lit.value);
  checkArgs(
    args.filter((a) => a.type === 'KwArg'),
    inner,
    `${at.kind} '${lit.value}'`,
  );
}

/** `map(attribute='a.b', default='')`: with no positional argument map takes these two only. */
const MAP_BY_ATTRIBUTE: Signature = { kw: ['attribute', 'default'] };

/** Call arguments: keyword ones after the positional ones, each name once and known to the signature. */
function checkArgs(args: Node[], sig: Signature | undefined, what: string): void {
  const seen = new Set<string>();
  const names = keywordNames(sig);
  // a filter or test that declares its positional parameters takes no more than those
  const positional = args.filter((a) => a.type !== 'KwArg');
  const starred = args.some((a) => a.type === 'Starred');
  if (sig?.pos && sig.kw === undefined && !starred && positional.length > sig.pos.length) {
    const n = sig.pos.length;
    throw new CompileProblem(
      `${what} takes at most ${n} argument${n === 1 ? '' : 's'} (${sig.pos.join(', ')}), got ${positional.length}`,
      startOf(positional[n]),
    );
  }
  for (const a of args) {
    // `*xs` may follow keyword arguments, as in Python
    if (a.type === 'Starred') {
      check(a.argument as Node);
      continue;
    }
    if (a.type !== 'KwArg') {
      if (seen.size) throw new CompileProblem('a positional argument cannot follow a keyword argument', startOf(a));
      check(a);
      continue;
    }
    const name = a.name as string;
    if (seen.has(name)) throw new CompileProblem(`keyword argument '${name}' is given twice`, startOf(a));
    seen.add(name);
    if (names && !names.includes(name)) {
      const guess = didYouMean(name, names);
      const hint = guess
        ? ` (did you mean '${guess}'?)`
        : names.length
          ? ` (it takes ${names.join(', ')})`
          : ' (it takes none)';
      throw new CompileProblem(`${what} has no keyword argument '${name}'${hint}`, startOf(a));
    }
    check(a.value as Node);
  }
}

/** Names of JavaScript's object machinery: never a variable or an attribute (refused before any run). */
export const MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);

function machinery(name: unknown, n: Node): void {
  if (typeof name === 'string' && MACHINERY.has(name))
    throw new CompileProblem(`'${name}' is not a name kplay reads (it is object machinery in JavaScript)`, startOf(n));
}

/** The macros and imported templates of the template being checked (set by withCallables). */
let callables: Callables = NO_CALLABLES;

/** Runs `f` with the names a Jinja template makes callable. */
export function withCallables<T>(c: Callables, f: () => T): T {
  const before = callables;
  callables = c;
  try {
    return f();
  } finally {
    callables = before;
  }
}

/** Whitelist of node types, and filter/test names checked against the known lists. */
export function check(n: Node | null): void {
  if (!n) throw new CompileProblem('empty list element', undefined);
  switch (n.type) {
    case 'Literal':
      return;
    case 'Identifier':
      return machinery(n.name, n);
    case 'ArrayExpression':
      for (const e of n.elements as Array<Node | null>) check(e);
      return;
    case 'MemberExpression': {
      check(n.object as Node);
      const p = n.property as Node;
      if (p.type === 'SliceExpression') {
        for (const k of ['start', 'stop', 'step']) if (p[k]) check(p[k] as Node);
        return;
      }
      if (n.computed) check(p);
      return machinery(n.computed ? p.value : p.name, p);
    }
    case 'ObjectExpression':
      for (const p of n.properties as Node[]) {
        check(p.key as Node);
        check(p.value as Node);
      }
      return;
    case 'UnaryExpression':
      check(n.argument as Node);
      return;
    case 'ConditionalExpression':
      check(n.test as Node);
      check(n.consequent as Node);
      check(n.alternate as Node);
      return;
    case 'BinaryExpression': {
      check(n.left as Node);
      const r = n.right as Node;
      if (n.operator === '|') return checkNamed(r, 'filter');
      if (n.operator === 'is') {
        const t = r.type === 'UnaryExpression' && r.operator === 'not' ? (r.argument as Node) : r;
        if (t.type === 'Literal' && LITERAL_TESTS.has(String(t.raw))) return;
        return checkNamed(t, 'test');
      }
      return check(r);
    }
    case 'KwArg':
      throw new CompileProblem(
        `unexpected '=': use '==' to compare ('${n.name as string}=value' is only for filter and test arguments)`,
        n.eq as number,
      );
    case 'Starred':
      throw new CompileProblem("'*' spreads a list only into a call's arguments: f(*xs)", startOf(n));
    case 'CallExpression':
      return checkCall(n);
    case 'Compound': {
      const second = (n.body as Node[])[1];
      throw new CompileProblem('expected an operator (and, or, ==, in, ...) between two values', startOf(second));
    }
    case 'SequenceExpression':
      throw new CompileProblem("unexpected ','", startOf((n.expressions as Node[])[1]));
    case 'ThisExpression':
      throw new CompileProblem("'this' is not available", undefined);
    default:
      throw new CompileProblem(`unsupported syntax (${n.type})`, startOf(n));
  }
}

const GLOBAL_SIGNATURES: Record<string, Signature> = {
  dict: { kw: 'any' },
  namespace: { kw: 'any' },
  range: { kw: [] },
  now: { pos: ['utc', 'fmt'] },
};

/** A Jinja global (`range(3)`), a lookup (`lookup('env', 'HOME')`) or a whitelisted method (`s.split(',')`). */
function checkCall(n: Node): void {
  const c = n.callee as Node;
  const args = n.arguments as Node[];
  if (c.type === 'MemberExpression' && !c.computed) {
    check(c.object as Node);
    const o = c.object as Node;
    // `ns.m(x)`: a macro of an imported template
    if (o.type === 'Identifier' && callables.namespaces.has(o.name as string))
      return checkArgs(args, { kw: 'any' }, `macro '${(c.property as Node).name as string}'`);
    const p = c.property as Node;
    // a Jinja loop's own functions (src/template/jinja/render.ts)
    if (o.type === 'Identifier' && o.name === 'loop' && (p.name === 'cycle' || p.name === 'changed'))
      return checkArgs(args, { kw: [] }, `loop.${p.name}()`);
    machinery(p.name, p);
    const problem = methodProblem(p.name as string);
    if (problem) throw new CompileProblem(problem, startOf(p));
    return checkArgs(args, { kw: 'any' }, `method '${p.name as string}'`);
  }
  const name = c.type === 'Identifier' ? (c.name as string) : undefined;
  if (name !== undefined && callables.macros.has(name)) return checkMacroCall(name, args);
  if (name !== undefined && LOOKUP_FUNCTIONS.has(name)) return checkLookup(n, name, args);
  if (name !== undefined && Object.hasOwn(GLOBALS, name)) return checkArgs(args, GLOBAL_SIGNATURES[name], `${name}()`);
  const msg = name
    ? `unknown function '${name}' (functions are used as filters: x | ${FILTERS[name] ? name : 'filter'}(...))`
    : "only a method can be called here (s.split(','), d.get('k')); other values are used with filters: x | f(...)";
  throw new CompileProblem(msg, startOf(n));
}

/** A call of a macro of this template: its arguments against what it takes. */
function checkMacroCall(name: string, args: Node[]): void {
  const sig = callables.macros.get(name);
  const p = sig && macroArgsProblem(name, sig, args);
  if (p) throw new CompileProblem(p.message, startOf(args[p.at]));
  checkArgs(args, { kw: 'any' }, `macro '${name}'`);
}

function checkLookup(n: Node, fn: string, args: Node[]): void {
  checkArgs(args, { kw: 'any' }, `${fn}()`);
  const first = args[0];
  if (!first || first.type === 'KwArg') throw new CompileProblem(`${fn}() needs a lookup name first`, startOf(n));
  if (first.type !== 'Literal' || typeof first.value !== 'string') return;
  const kws = args.filter((a) => a.type === 'KwArg');
  const p = lookupProblem(
    first.value,
    kws.map((a) => a.name as string),
  );
  if (p) throw new CompileProblem(p.problem, startOf(p.kwIndex === undefined ? first : kws[p.kwIndex]));
}
