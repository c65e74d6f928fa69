// Conditions as Ansible users write them (`when:`, `changed_when:`, `failed_when:`, `until:`):
// `inventory_hostname in groups['etcd'] and LB_ROLE == 'master'`, `r is changed`, `x | default(0) | int > 2`.
// compileExpr parses and checks once (syntax, filter and test names, with did-you-mean); evalExpr walks the tree
// safely (see eval.ts). An optional `{{ }}` around a condition is accepted and stripped. Keyword arguments
// (`map(attribute='x')`) are checked against each filter's signature; `ansible.builtin.x` names are `x`.
import { KplayError, type Loc } from '../core/errors.js';
import { check, CompileProblem, withCallables } from './check.js';
import { type Callables, NO_CALLABLES } from './callable.js';
import { ExprEvalError, evaluate, startOf, variablesOf } from './eval.js';
import { isSyntaxProblem, parseExpr, type Node, type ParseOptions } from './parse.js';
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

/** Splits an optional `{{ ... }}` wrapper off: the inner text and where it starts in src. */
function unwrap(src: string): { text: string; offset: number } {
  const m = /^(\s*\{\{)([\s\S]*?)\}\}\s*$/.exec(src);
  if (m && !m[2]!.includes('{{') && !m[2]!.includes('}}')) return { text: m[2]!, offset: m[1]!.length };
  return { text: src, offset: 0 };
}

export function compileExpr(src: string, loc?: Loc, o?: ParseOptions): CompiledExpr {
  const { text, offset } = unwrap(String(src));
  const where = (i: number | undefined): Loc | undefined => locInString(loc, src, offset + (i ?? 0));
  const parsed = parseExpr(text, o);
  if (isSyntaxProblem(parsed)) {
    throw new KplayError(`bad expression '${src.trim()}': ${parsed.message}`, {
      code: 'EXPR',
      loc: where(parsed.index),
    });
  }
  return checkTree(parsed, src, loc, offset);
}

/**
 * The checks compileExpr runs, on a tree already built (by parse.ts, or by the Jinja layer from its own parse):
 * node types, filter, test, method and lookup names, keyword arguments, object machinery. Nodes' `start` are
 * offsets in `src` from `offset` (where the expression starts in it); `loc` is where `src` is in its file.
 * A problem is an EXPR error at its position; the tree is returned as a CompiledExpr for evalExpr.
 */
export function checkTree(tree: unknown, src: string, loc?: Loc, offset = 0): CompiledExpr {
  const p = treeProblem(tree);
  if (p)
    throw new KplayError(`bad expression '${src.trim()}': ${p.message}`, {
      code: 'EXPR',
      loc: locInString(loc, src, offset + (p.index ?? 0)),
    });
  return { source: src, ast: tree, offset, loc };
}

/** The same checks, for a caller that reports problems itself (the Jinja layer): the first problem, with the
 *  `start` of the node it concerns, or undefined. */
export function treeProblem(
  tree: unknown,
  callables: Callables = NO_CALLABLES,
): { message: string; index: number | undefined } | undefined {
  try {
    withCallables(callables, () => check(tree as Node));
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
