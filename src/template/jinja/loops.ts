// A Jinja `for` loop (render.ts): `for x in xs if cond` filters first, so `loop` counts the items kept; a loop
// marked `recursive` renders its next level where the body calls `loop(children)`.
import { Callable } from '../../expr/callable.js';
import { FilterError } from '../../expr/filters-base.js';
import { truthy } from '../../core/value-utils.js';
import { loopFilter, targets } from './compile.js';
import { RECURSE } from './macros.js';
import type { NjNode } from './parse.js';
import { define, iterate, JinjaRenderError, loopVariable, pyType, type Scope } from './values.js';

/** What runs a loop: its template's runner. */
export interface LoopRunner {
  value(n: NjNode, scope: Scope): unknown;
  bind(names: string[], v: unknown, scope: Scope, n: NjNode): void;
  block(n: NjNode | null | undefined, scope: Scope, out: string[], depth: number): void;
  at(lineno: number, colno: number): number;
}

/** Loops nested deeper than this are refused (a guard for hostile templates). */
const MAX_DEPTH = 100;

/** One level of a loop over `seq` (a recursive loop's `loop(xs)` renders the next one, its text returned). */
export function renderLoop(
  r: LoopRunner,
  n: NjNode,
  seq: unknown,
  scope: Scope,
  out: string[],
  depth: number,
  level: number,
): void {
  const where = r.at(n.lineno, n.colno);
  if (depth >= MAX_DEPTH) throw new JinjaRenderError('loops nested too deep', where);
  const f = loopFilter(n);
  let items = iterate(seq);
  if (!items) throw new JinjaRenderError(`'${pyType(seq)}' object is not iterable`, where);
  const names = targets(n.name as NjNode);
  const bound = (item: unknown): Scope => {
    const inner = Object.create(scope) as Scope;
    r.bind(names, item, inner, n);
    return inner;
  };
  if (f) items = items.filter((item) => truthy(r.value(f.cond, bound(item))));
  if (!items.length) {
    r.block(n.else_ as NjNode, scope, out, depth);
    return;
  }
  const recurse = new Callable('loop', (pos) => {
    if (!n.recursive) throw new FilterError('loop() is only for a loop marked recursive');
    const text: string[] = [];
    renderLoop(r, n, pos[0], scope, text, depth + 1, level + 1);
    return text.join('');
  });
  const changed = { last: undefined as { v: unknown } | undefined };
  const all = items;
  all.forEach((item, i) => {
    const inner = bound(item);
    define(inner, 'loop', loopVariable(all, i, level, where, changed));
    define(inner, RECURSE, recurse);
    r.block(n.body as NjNode, inner, out, depth + 1);
  });
}
