// Jinja's macros as kplay compiles and calls them: `{% macro m(a, b='x') %}`, `{% call m() %}...{% endcall %}`
// (the block is the macro's `caller()`), `{% import 'f' as ns %}` and `{% from 'f' import m as n %}`. What a
// macro takes is known when its template is compiled (a wrong call is a problem before any host is touched);
// its body reads `varargs` (more positional arguments), `kwargs` (any keyword) and `caller` as Jinja's does.
import type { Callables, MacroSig } from '../../expr/callable.js';
import { FilterError } from '../../expr/filters-base.js';
import type { NjNode } from './parse.js';

/** A macro (or a `{% call %}` block's caller) as compiled: its parameters and their default expressions. */
export interface MacroInfo extends MacroSig {
  name: string;
  defaults: Map<string, NjNode>;
}

const kids = (n: unknown): NjNode[] => ((n as NjNode | null)?.children as NjNode[] | undefined) ?? [];

function isNode(x: unknown): x is NjNode {
  return typeof x === 'object' && x !== null && typeof (x as NjNode).typename === 'string';
}

/** The nodes directly below `n` (its fields that are nodes or lists of nodes). */
export function below(n: NjNode): NjNode[] {
  const out: NjNode[] = [];
  for (const v of Object.values(n)) {
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (isNode(x)) out.push(x);
  }
  return out;
}

/** Does a tree read the name (a Symbol anywhere in it)? */
function mentions(n: NjNode, name: string): boolean {
  if (n.typename === 'Symbol' && n.value === name) return true;
  return below(n).some((x) => mentions(x, name));
}

/** A macro's or caller's parameters (`a`, `b=default`); a parameter that is not a name is a problem. */
export function macroInfo(n: NjNode, problem: (message: string, at: NjNode) => void): MacroInfo {
  const params: string[] = [];
  const defaults = new Map<string, NjNode>();
  for (const a of kids(n.args)) {
    if (a.typename === 'Symbol') params.push(a.value as string);
    else if (a.typename === 'KeywordArgs') {
      for (const p of kids(a)) {
        const k = (p.key as NjNode).value as string;
        params.push(k);
        defaults.set(k, p.value as NjNode);
      }
    } else problem("a macro's parameters are names, or name=default", a);
  }
  const body = n.body as NjNode;
  return {
    name: n.typename === 'Caller' ? 'caller' : ((n.name as NjNode).value as string),
    params,
    defaults,
    varargs: mentions(body, 'varargs'),
    kwargs: mentions(body, 'kwargs'),
    caller: mentions(body, 'caller'),
  };
}

/** The name a `{% call %}` block's caller has in the expression it is passed in (not one a template can write). */
/** The name `loop(...)` calls in a loop body: the renderer binds it to a recursive loop's next level. */
export const RECURSE = 'loop@recursive';
/** The name `super()` calls in a block: the renderer binds it to the block it replaces (inherit.ts). */
export const SUPER = 'super@block';

export function callerName(n: NjNode): string {
  return `caller@${n.lineno}:${n.colno}`;
}

/** The `{% call %}` blocks passed in an expression (not those nested in their bodies). */
export function callersIn(n: NjNode): NjNode[] {
  if (n.typename === 'Caller') return [n];
  return below(n).flatMap((x) => callersIn(x));
}

/** What a template makes callable: its macros (anywhere in it), the names it imports from other templates (they
 *  may be macros; what they take is known when they are called), `caller`, and the names of imported templates. */
export function callablesOf(root: NjNode): Callables {
  const macros = new Map<string, MacroSig | undefined>([
    ['caller', undefined],
    [RECURSE, { params: ['items'], varargs: false, kwargs: false, caller: false }],
    [SUPER, { params: [], varargs: false, kwargs: false, caller: false }],
  ]);
  const namespaces = new Set<string>();
  const visit = (n: NjNode): void => {
    if (n.typename === 'Macro') {
      const info = macroInfo(n, () => {});
      macros.set(info.name, macros.has(info.name) ? undefined : info);
    } else if (n.typename === 'FromImport') {
      for (const x of kids(n.names)) macros.set(importedAs(x).alias, undefined);
    } else if (n.typename === 'Import' && (n.target as NjNode).typename === 'Symbol') {
      namespaces.add((n.target as NjNode).value as string);
    }
    for (const x of below(n)) visit(x);
  };
  visit(root);
  return { macros, namespaces };
}

/** `name` or `name as alias` of a `{% from %}` import. */
export function importedAs(x: NjNode): { name: string; alias: string } {
  if (x.typename === 'Pair')
    return { name: (x.key as NjNode).value as string, alias: (x.value as NjNode).value as string };
  return { name: x.value as string, alias: x.value as string };
}

/** The names a call binds in a macro's scope, as Jinja binds them; `fallback` evaluates a parameter's default
 *  (undefined: the parameter is unset, an error only where it is read). */
export function bindArguments(
  m: MacroInfo,
  pos: unknown[],
  kw: Record<string, unknown>,
  fallback: (name: string, expr: NjNode, bound: Record<string, unknown>) => unknown,
): Record<string, unknown> {
  const bound: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (pos.length > m.params.length && !m.varargs) {
    const n = m.params.length;
    throw new FilterError(`macro '${m.name}' takes at most ${n} argument${n === 1 ? '' : 's'}, got ${pos.length}`);
  }
  const extra: Record<string, unknown> = {};
  for (const k of Object.keys(kw)) {
    if (k === 'caller' && m.name !== 'caller') continue;
    const i = m.params.indexOf(k);
    if (i >= 0 && i < pos.length) throw new FilterError(`macro '${m.name}' got two values for '${k}'`);
    if (i < 0 && !m.kwargs) throw new FilterError(`macro '${m.name}' takes no keyword argument '${k}'`);
    if (i < 0) extra[k] = kw[k];
  }
  m.params.forEach((p, i) => {
    if (i < pos.length) bound[p] = pos[i];
    else if (Object.hasOwn(kw, p)) bound[p] = kw[p];
    else {
      const d = m.defaults.get(p);
      bound[p] = d ? fallback(p, d, bound) : undefined;
    }
  });
  if (m.varargs) bound.varargs = pos.slice(m.params.length);
  if (m.kwargs) bound.kwargs = extra;
  if (kw.caller !== undefined && m.name !== 'caller') bound.caller = kw.caller;
  return bound;
}
