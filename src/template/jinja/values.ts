// The values a Jinja template's statements make and print (render.ts): scopes, the `loop` variable, Python's
// printing and iteration.
import { loopPosition } from '../../core/loop-position.js';
import { pyStr } from '../../core/py-repr.js';
import { deepEqual, isPlainObject } from '../../core/value-utils.js';
import { Callable } from '../../expr/callable.js';
import type { Node } from '../../expr/parse.js';

/** An error while rendering, at an offset of the template's source. */
export class JinjaRenderError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export type Scope = Record<string, unknown>;

/** Jinja's `loop` for the item at `i`: its place, its `depth` (the level of a recursive loop, 0 for
 *  others: Jinja does not count nested loops), and the functions `cycle(a, b)` (the argument for the
 *  item's place, in turn) and `changed(x)` (true when its arguments differ from the last call's, in `state`). */
export function loopVariable(
  items: unknown[],
  i: number,
  level: number,
  at: number,
  state: { last: { v: unknown } | undefined },
): Scope {
  const loop: Scope = { ...loopPosition(items, i), depth: level + 1, depth0: level };
  const cycle = (pos: unknown[]) => {
    if (!pos.length) throw new JinjaRenderError('loop.cycle() needs at least one value', at);
    return pos[i % pos.length];
  };
  const changed = (pos: unknown[]) => {
    const same = state.last !== undefined && deepEqual(state.last.v, pos);
    state.last = { v: pos };
    return !same;
  };
  define(loop, 'cycle', new Callable('cycle', cycle));
  define(loop, 'changed', new Callable('changed', changed));
  return loop;
}

/** What `{{ x }}` prints: None prints nothing (Ansible's finalize), the rest as Python's str(). */
export function text(v: unknown): string {
  return v === null || v === undefined ? '' : pyStr(v);
}

/** What Python's `for` walks: a list, a dict's keys, a string's characters. */
export function iterate(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isPlainObject(v)) return Object.keys(v);
  return undefined;
}

/** A scope over `home` holding `names`. */
export function over(home: Scope, names: Record<string, unknown>): Scope {
  const s = Object.create(home) as Scope;
  for (const [k, v] of Object.entries(names)) define(s, k, v);
  return s;
}

export function define(scope: Scope, name: string, value: unknown): void {
  Object.defineProperty(scope, name, { value, enumerable: true, configurable: true, writable: true });
}

/** Python's name for a value's type, as its errors say it. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}

export function trailingNewlines(s: string, newline?: string): number {
  return newline ? /(?:\r\n|\r|\n)*$/.exec(s)![0].replace(/\r\n/g, '\n').length : /\n*$/.exec(s)![0].length;
}

export function startOf(n: Node | undefined, fallback: Node): number {
  for (let x: Node | undefined = n; x; ) {
    if (typeof x.start === 'number') return x.start;
    x = (x.left ?? x.object ?? x.callee ?? x.argument) as Node | undefined;
  }
  return typeof fallback.start === 'number' ? fallback.start : 0;
}
