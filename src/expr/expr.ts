// Conditions as Ansible users write them (`when:`, `changed_when:`, `failed_when:`, `until:`):
// `inventory_hostname in groups['etcd'] and LB_ROLE == 'master'`, `r is changed`, `x | default(0) | int > 2`.
// compileExpr parses and checks once (syntax, filter and test names, with did-you-mean); evalExpr walks the tree
// safely (see eval.ts). An optional `{{ }}` around a condition is accepted and stripped. Keyword arguments
// (`map(attribute='x')`) are checked against each filter's signature; `ansible.builtin.x` names are `x`.
import { didYouMean, KplayError, type Loc } from '../core/errors.js';
import { ExprEvalError, evaluate, startOf, variablesOf } from './eval.js';
import { keywordNames, type Signature } from './filters-params.js';
import {
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
import { isSyntaxProblem, parseExpr, type Node } from './parse.js';
import { locInString } from '../core/string-pos.js';
import { conditionTruth } from '../core/value-utils.js';

export interface CompiledExpr {
  /** The text as written (with its `{{ }}` if it had one). */
  source: string;
  /** Opaque: the checked tree, where the parsed part starts in `source`, and where `source` is in its file. */
  readonly ast: unknown;
  readonly offset: number;
  readonly loc: Loc | undefined;
}

const LITERAL_TESTS = new Set(['none', 'None', 'null', 'true', 'True', 'false', 'False']);

class CompileProblem extends Error {
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
  if (name.includes('.') && !name.startsWith(BUILTIN_PREFIX)) {
    throw new CompileProblem(
      `unknown ${kind} '${name}' (of the collections, kplay knows ${BUILTIN_PREFIX}* only)`,
      startOf(n),
    );
  }
  if (!known(name)) throw new CompileProblem(unknownName(kind, name), startOf(n));
  if (!isCall) return;
  const args = n.arguments as Node[];
  const byAttr =
    kind === 'filter' &&
    args.length > 0 &&
    args.every((a) => a.type === 'KwArg') &&
    name.replace(BUILTIN_PREFIX, '') === 'map';
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
  if (sig?.pos && sig.kw === undefined && positional.length > sig.pos.length) {
    const n = sig.pos.length;
    throw new CompileProblem(
      `${what} takes at most ${n} argument${n === 1 ? '' : 's'} (${sig.pos.join(', ')}), got ${positional.length}`,
      startOf(positional[n]),
    );
  }
  for (const a of args) {
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

/** Whitelist of node types, and filter/test names checked against the known lists. */
function check(n: Node | null): void {
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
      if (n.computed) check(p);
      return machinery(n.computed ? p.value : p.name, p);
    }
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
    case 'CallExpression': {
      const c = n.callee as Node;
      const name = c.type === 'Identifier' ? (c.name as string) : undefined;
      if (name !== undefined && Object.hasOwn(GLOBALS, name))
        return checkArgs(n.arguments as Node[], { kw: name === 'dict' ? 'any' : [] }, `${name}()`);
      const msg = name
        ? `unknown function '${name}' (functions are used as filters: x | ${FILTERS[name] ? name : 'filter'}(...))`
        : 'calling methods is not allowed; use a filter: x | filter(...)';
      throw new CompileProblem(msg, startOf(n));
    }
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

/** Splits an optional `{{ ... }}` wrapper off: the inner text and where it starts in src. */
function unwrap(src: string): { text: string; offset: number } {
  const m = /^(\s*\{\{)([\s\S]*?)\}\}\s*$/.exec(src);
  if (m && !m[2]!.includes('{{') && !m[2]!.includes('}}')) return { text: m[2]!, offset: m[1]!.length };
  return { text: src, offset: 0 };
}

export function compileExpr(src: string, loc?: Loc): CompiledExpr {
  const { text, offset } = unwrap(String(src));
  const where = (i: number | undefined): Loc | undefined => locInString(loc, src, offset + (i ?? 0));
  const parsed = parseExpr(text);
  if (isSyntaxProblem(parsed)) {
    throw new KplayError(`bad expression '${src.trim()}': ${parsed.message}`, {
      code: 'EXPR',
      loc: where(parsed.index),
    });
  }
  const p = treeProblem(parsed);
  if (p) throw new KplayError(`bad expression '${src.trim()}': ${p.message}`, { code: 'EXPR', loc: where(p.index) });
  return { source: src, ast: parsed, offset, loc };
}

/** compileExpr's checks on a tree built elsewhere (Jinja's, template/jinja/): the first problem, with the
 *  `start` of the node it concerns, or undefined. */
export function treeProblem(tree: unknown): { message: string; index: number | undefined } | undefined {
  try {
    check(tree as Node);
    return undefined;
  } catch (e) {
    if (!(e instanceof CompileProblem)) throw e;
    return { message: e.message, index: e.index };
  }
}

export function evalExpr(e: CompiledExpr, scope: Record<string, unknown>): unknown {
  try {
    return evaluate(e.ast as Node, scope);
  } catch (err) {
    if (err instanceof ExprEvalError) {
      const at = startOf(err.node);
      throw new KplayError(`${err.message} in '${e.source.trim()}'`, {
        code: 'EXPR',
        loc: locInString(e.loc, e.source, e.offset + (at ?? 0)),
      });
    }
    if (err instanceof RangeError)
      throw new KplayError(`expression too deep: '${e.source.trim()}'`, { code: 'EXPR', loc: e.loc });
    throw err;
  }
}

/** What a `when:` may hold: an expression, a YAML bool/number, or a list of them (all must hold). */
export type Condition = CompiledExpr | string | boolean | number | null | undefined | Condition[];

/**
 * A condition's truth. A YAML `when: true` or `when: 0` arrives as a boolean or number and is taken as is;
 * a string is compiled (callers should cache compiled conditions); strings like "false" or "no" are false.
 */
export function evalCondition(e: Condition, scope: Record<string, unknown>, loc?: Loc): boolean {
  if (e === null || e === undefined) return true; // an empty `when:` does not restrict
  if (Array.isArray(e)) return e.every((c) => evalCondition(c, scope, loc)); // `when:` as a list: all must hold
  if (typeof e === 'boolean') return e;
  if (typeof e === 'number') return e !== 0;
  const c = typeof e === 'string' ? compileExpr(e, loc) : e;
  return conditionTruth(evalExpr(c, scope));
}

export function exprVariables(e: CompiledExpr): string[] {
  return [...variablesOf(e.ast as Node, new Set())];
}
