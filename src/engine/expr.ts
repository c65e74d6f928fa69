// Conditions as Ansible users write them (`when:`, `changed_when:`, `failed_when:`, `until:`):
// `inventory_hostname in groups['etcd'] and LB_ROLE == 'master'`, `r is changed`, `x | default(0) | int > 2`.
// compileExpr parses and checks once (syntax, filter and test names, with did-you-mean); evalExpr walks the tree
// safely (see expr-eval.ts). An optional `{{ }}` around a condition is accepted and stripped.
import { didYouMean, KplayError, type Loc } from './errors.js';
import { EvalError, evaluate, startOf, variablesOf } from './expr-eval.js';
import { FILTERS, LENIENT_FILTERS, LENIENT_TESTS, TESTS } from './expr-filters.js';
import { isSyntaxProblem, parseExpr, type Node } from './expr-parse.js';
import { locInString } from './string-pos.js';
import { conditionTruth } from './value-utils.js';

export interface CompiledExpr {
  /** The text as written (with its `{{ }}` if it had one). */
  source: string;
  /** Opaque: the checked tree, where the parsed part starts in `source`, and where `source` is in its file. */
  readonly ast: unknown;
  readonly offset: number;
  readonly loc: Loc | undefined;
}

const FILTER_NAMES = [...Object.keys(FILTERS), ...LENIENT_FILTERS];
const TEST_NAMES = [...Object.keys(TESTS), ...LENIENT_TESTS];
const LITERAL_TESTS = new Set(['none', 'None', 'null', 'true', 'True', 'false', 'False']);

class CompileProblem extends Error {
  constructor(
    message: string,
    readonly index: number | undefined,
  ) {
    super(message);
  }
}

function unknownName(kind: string, name: string, known: string[]): string {
  const guess = didYouMean(name, known);
  return `unknown ${kind} '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}`;
}

function checkNamed(n: Node, kind: 'filter' | 'test', known: string[]): void {
  const callee = n.type === 'CallExpression' ? (n.callee as Node) : n;
  if (callee.type !== 'Identifier') throw new CompileProblem(`expected a ${kind} name after '${kind === 'filter' ? '|' : 'is'}'`, startOf(n));
  if (!known.includes(callee.name as string)) throw new CompileProblem(unknownName(kind, callee.name as string, known), startOf(callee));
  if (n.type === 'CallExpression') for (const a of n.arguments as Node[]) check(a);
}

/** Whitelist of node types, and filter/test names checked against the known lists. */
function check(n: Node | null): void {
  if (!n) throw new CompileProblem('empty list element', undefined);
  switch (n.type) {
    case 'Literal':
    case 'Identifier':
      return;
    case 'ArrayExpression':
      for (const e of n.elements as Array<Node | null>) check(e);
      return;
    case 'MemberExpression':
      check(n.object as Node);
      if (n.computed) check(n.property as Node);
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
      if (n.operator === '|') return checkNamed(r, 'filter', FILTER_NAMES);
      if (n.operator === 'is') {
        const t = r.type === 'UnaryExpression' && r.operator === 'not' ? (r.argument as Node) : r;
        if (t.type === 'Literal' && LITERAL_TESTS.has(String(t.raw))) return;
        return checkNamed(t, 'test', TEST_NAMES);
      }
      return check(r);
    }
    case 'CallExpression': {
      const c = n.callee as Node;
      const name = c.type === 'Identifier' ? (c.name as string) : c.type === 'MemberExpression' ? undefined : undefined;
      const msg = name
        ? `unknown function '${name}' (functions are used as filters: x | ${FILTERS[name] ? name : 'filter'}(...))`
        : 'calling methods is not allowed; use a filter: x | filter(...)';
      throw new CompileProblem(msg, startOf(n));
    }
    case 'Compound': {
      const second = (n.body as Node[])[1];
      throw new CompileProblem("expected an operator (and, or, ==, in, ...) between two values", startOf(second));
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
    throw new KplayError(`bad expression '${src.trim()}': ${parsed.message}`, { code: 'EXPR', loc: where(parsed.index) });
  }
  try {
    check(parsed);
  } catch (e) {
    if (!(e instanceof CompileProblem)) throw e;
    throw new KplayError(`bad expression '${src.trim()}': ${e.message}`, { code: 'EXPR', loc: where(e.index) });
  }
  return { source: src, ast: parsed, offset, loc };
}

export function evalExpr(e: CompiledExpr, scope: Record<string, unknown>): unknown {
  try {
    return evaluate(e.ast as Node, scope);
  } catch (err) {
    if (err instanceof EvalError) {
      const at = startOf(err.node);
      throw new KplayError(`${err.message} in '${e.source.trim()}'`, { code: 'EXPR', loc: locInString(e.loc, e.source, e.offset + (at ?? 0)) });
    }
    if (err instanceof RangeError) throw new KplayError(`expression too deep: '${e.source.trim()}'`, { code: 'EXPR', loc: e.loc });
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
