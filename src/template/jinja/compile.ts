// A Jinja template, checked once: parsed (parse.ts), every expression translated to kplay's expression trees
// (translate.ts) and checked as `when:` expressions are (names of filters and tests, arguments, object
// machinery, calls of the template's macros: macros.ts), every problem collected with its offset. Statements
// kplay does not run (`{% switch %}`, extensions) are refused here, before any host is touched.
import { variablesOf } from '../../expr/eval.js';
import { treeProblem } from '../../expr/expr.js';
import type { Node } from '../../expr/parse.js';
import type { JinjaOptions } from '../../core/jinja-options.js';
import type { Callables } from '../../expr/callable.js';
import { callablesOf, callerName, callersIn, importedAs, type MacroInfo, macroInfo, RECURSE, SUPER } from './macros.js';
import { JinjaSyntaxError, type NjNode, parseJinja } from './parse.js';
import { type Offsets, offsetsOf, translate, Unsupported } from './translate.js';

export interface JinjaProblem {
  message: string;
  /** Offset in the source, or a 1-based line and column (syntax errors). */
  offset?: number;
  line?: number;
  col?: number;
}

export interface CompiledJinja {
  src: string;
  root: NjNode;
  /** The translated tree of each expression node. */
  exprs: Map<NjNode, Node>;
  /** Variables the template reads that it does not bind itself. */
  variables: Set<string>;
  /** Each macro and `{% call %}` block's caller, and the callers each expression passes. */
  macros: Map<NjNode, MacroInfo>;
  callers: Map<NjNode, NjNode[]>;
  callables: Callables;
}

/** Statement nodes and the fields holding expressions and statements. */
const STATEMENTS: Record<string, { exprs: string[]; body: string[] }> = {
  Root: { exprs: [], body: ['children'] },
  NodeList: { exprs: [], body: ['children'] },
  If: { exprs: ['cond'], body: ['body', 'else_'] },
  For: { exprs: [], body: ['body', 'else_'] },
  Set: { exprs: ['value'], body: ['body'] },
  Capture: { exprs: [], body: ['body'] },
  Include: { exprs: ['template'], body: [] },
  Extends: { exprs: ['template'], body: [] },
  Block: { exprs: [], body: ['body'] },
  Import: { exprs: ['template'], body: [] },
  FromImport: { exprs: ['template'], body: [] },
};

const REFUSED: Record<string, string> = {
  Switch: '{% switch %}',
  CallExtension: 'an extension tag',
};

export function compileJinja(src: string, o: JinjaOptions = {}): CompiledJinja | JinjaProblem[] {
  let root: NjNode;
  try {
    root = parseJinja(src, o);
  } catch (e) {
    if (!(e instanceof JinjaSyntaxError)) throw e;
    return [{ message: e.message, line: e.line, col: e.col }];
  }
  const at = offsetsOf(src);
  const c: CompiledJinja = {
    src,
    root,
    exprs: new Map(),
    variables: new Set(),
    macros: new Map(),
    callers: new Map(),
    callables: callablesOf(root),
  };
  const problems: JinjaProblem[] = [];
  const bound = new Set<string>(['loop', RECURSE, SUPER]);
  walk(root, { c, at, problems, bound }, c.variables);
  for (const b of bound) c.variables.delete(b);
  return problems.length ? problems : c;
}

interface Walk {
  c: CompiledJinja;
  at: Offsets;
  problems: JinjaProblem[];
  /** Names the template binds (for, set, macros, imports). */
  bound: Set<string>;
}

/** A macro or a caller: its defaults and body, the names its body reads that are not its own added to `reads`. */
function macro(n: NjNode, w: Walk, reads: Set<string>): void {
  const m = macroInfo(n, (message, x) => w.problems.push({ message, offset: w.at(x.lineno, x.colno) }));
  w.c.macros.set(n, m);
  for (const d of m.defaults.values()) expr(d, w, reads);
  const inner = new Set<string>();
  walk(n.body as NjNode, w, inner);
  const own = new Set([...m.params, 'varargs', 'kwargs', 'caller']);
  for (const v of inner) if (!own.has(v)) reads.add(v);
  if (n.typename === 'Macro') w.bound.add(m.name);
}

function walk(n: NjNode | null | undefined, w: Walk, reads: Set<string>) {
  if (!n) return;
  const { c, at, problems, bound } = w;
  if (Object.hasOwn(REFUSED, n.typename)) {
    problems.push({ message: `kplay's Jinja does not support ${REFUSED[n.typename]}`, offset: at(n.lineno, n.colno) });
    return;
  }
  if (n.typename === 'Macro') return macro(n, w, reads);
  if (n.typename === 'Output') {
    for (const x of (n.children as NjNode[]) ?? []) {
      if (x.typename === 'TemplateData') continue;
      const callers = callersIn(x);
      for (const k of callers) {
        macro(k, w, reads);
        bound.add(callerName(k));
      }
      if (callers.length) c.callers.set(x, callers);
      expr(x, w, reads);
    }
    return;
  }
  const s = STATEMENTS[n.typename];
  if (!s) {
    problems.push({ message: `kplay's Jinja does not support ${n.typename}`, offset: at(n.lineno, n.colno) });
    return;
  }
  if (n.typename === 'For') for (const name of targets(n.name as NjNode)) bound.add(name);
  if (n.typename === 'Set') for (const t of n.targets as NjNode[]) for (const name of targets(t)) bound.add(name);
  if (n.typename === 'Import') for (const name of targets(n.target as NjNode)) bound.add(name);
  if (n.typename === 'FromImport')
    for (const x of (n.names as NjNode).children as NjNode[]) bound.add(importedAs(x).alias);
  if (n.typename === 'Extends' && (c.root.children as NjNode[]).find((x) => x.typename === 'Extends') !== n)
    problems.push({
      message: '{% extends %} is one statement at the top of a template',
      offset: at(n.lineno, n.colno),
    });
  if (n.typename === 'For') {
    const f = loopFilter(n);
    expr(f ? f.items : (n.arr as NjNode), w, reads);
    if (f) expr(f.cond, w, reads);
  }
  if (n.typename === 'Set') setTargets(n, w, reads);
  for (const f of s.exprs) if (n[f]) expr(n[f] as NjNode, w, reads);
  for (const f of s.body) {
    const v = n[f];
    if (Array.isArray(v)) for (const x of v as NjNode[]) walk(x, w, reads);
    else walk(v as NjNode | null, w, reads);
  }
}

/** Names a `for` or `set` binds: `x`, or `k, v`. */
export function targets(n: NjNode): string[] {
  if (n.typename === 'Symbol') return [n.value as string];
  if (n.typename === 'Array' || n.typename === 'Group')
    return ((n.children as NjNode[]) ?? []).flatMap((x) => targets(x));
  return [];
}

/** `{% for x in xs if cond %}`: nunjucks reads the iterable as an inline `if` without `else`, Jinja as a filter. */
export function loopFilter(n: NjNode): { items: NjNode; cond: NjNode } | undefined {
  const a = n.arr as NjNode;
  if (a.typename !== 'InlineIf' || a.else_) return undefined;
  return { items: a.body as NjNode, cond: a.cond as NjNode };
}

/** `{% set ns.k = v %}`: one target, the attribute of a name (a namespace, checked when it runs). */
function setTargets(n: NjNode, w: Walk, reads: Set<string>): void {
  const ts = n.targets as NjNode[];
  for (const t of ts) {
    if (t.typename !== 'LookupVal') continue;
    const val = t.val as NjNode;
    const ok = ts.length === 1 && (t.target as NjNode).typename === 'Symbol' && typeof val.value === 'string';
    if (!ok) {
      const message = 'only one name or one namespace attribute (ns.name) can be set';
      w.problems.push({ message, offset: w.at((t.target as NjNode).lineno, (t.target as NjNode).colno) });
      return;
    }
    expr(t.target as NjNode, w, reads);
  }
}

/** The name a `{% filter %}` block's rendered body is bound to for its filter's expression. */
export const FILTER_BODY = 'kplay_filter_block_body';

/** `{% filter f(args) | g %}body{% endfilter %}`: nunjucks' Filter nodes, the innermost one's operand the body
 *  (a Capture, parse.ts). */
export function filterBlock(n: NjNode): NjNode | undefined {
  const first = n.typename === 'Filter' ? ((n.args as NjNode).children as NjNode[])[0] : undefined;
  if (!first) return undefined;
  return first.typename === 'Capture' ? first : filterBlock(first);
}

/** The filters of a `{% filter %}` block given FILTER_BODY in place of the body (nunjucks keeps `typename` on
 *  its prototypes, so it is copied). */
function overBody(n: NjNode): NjNode {
  const [first, ...rest] = (n.args as NjNode).children as NjNode[];
  const operand =
    first!.typename === 'Capture'
      ? { typename: 'Symbol', value: FILTER_BODY, lineno: n.lineno, colno: n.colno }
      : overBody(first!);
  return {
    ...n,
    typename: 'Filter',
    args: { ...(n.args as NjNode), typename: 'NodeList', children: [operand, ...rest] },
  };
}

function expr(n: NjNode, w: Walk, reads: Set<string>): void {
  const { c, at, problems } = w;
  let source = n;
  const body = filterBlock(n);
  if (body) {
    walk((body.body as NjNode) ?? null, w, reads);
    source = overBody(n);
  }
  let tree: Node;
  try {
    tree = translate(source, at);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    problems.push({ message: e.message, offset: at(e.node.lineno, e.node.colno) });
    return;
  }
  const p = treeProblem(tree, c.callables);
  if (p) {
    problems.push({ message: p.message, offset: p.index ?? at(n.lineno, n.colno) });
    return;
  }
  c.exprs.set(n, tree);
  if (body) {
    const own = new Set<string>();
    variablesOf(tree, own);
    own.delete(FILTER_BODY);
    for (const x of own) reads.add(x);
  } else variablesOf(tree, reads);
}
