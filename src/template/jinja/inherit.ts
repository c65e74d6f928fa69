// Template inheritance (render.ts): `{% extends 'base.j2' %}` renders the parent with the child's blocks in place
// of its own; `{{ super() }}` in a block renders the block it replaces. Each block's chain of definitions runs
// from the most derived template to the base, each rendered by its own template's runner.
import { Callable } from '../../expr/callable.js';
import { below, RECURSE, SUPER } from './macros.js';
import { FilterError } from '../../expr/filters-base.js';
import type { NjNode } from './parse.js';
import { define, JinjaRenderError, type Scope } from './values.js';

/** What renders a block's body: a template's runner, its offsets and how its errors are placed. */
export interface BlockRunner {
  block(n: NjNode, scope: Scope, out: string[], depth: number): void;
  at(lineno: number, colno: number): number;
  located?: ((e: JinjaRenderError) => Error) | undefined;
}

export type Blocks = Map<string, { run: BlockRunner; n: NjNode }[]>;

/** Adds a template's blocks (nested ones too) to the end of their chains. */
export function addBlocks(blocks: Blocks, root: NjNode, run: BlockRunner): void {
  const visit = (n: NjNode): void => {
    if (n.typename === 'Block') {
      const name = (n.name as NjNode).value as string;
      const chain = blocks.get(name) ?? [];
      if (!chain.some((e) => e.run === run)) chain.push({ run, n });
      blocks.set(name, chain);
    }
    for (const x of below(n)) visit(x);
  };
  visit(root);
}

/** The `{% extends %}` of a template: a statement at its top level. */
export function extendsOf(root: NjNode): NjNode | undefined {
  return (root.children as NjNode[]).find((x) => x.typename === 'Extends');
}

/** Renders the `i`th definition of a block, `super()` bound to the next one. */
export function renderBlock(blocks: Blocks, name: string, i: number, scope: Scope, out: string[], depth: number): void {
  const chain = blocks.get(name)!;
  const { run, n } = chain[i]!;
  const inner = Object.create(scope) as Scope;
  const parent = () => {
    if (i + 1 >= chain.length) throw new FilterError(`block '${name}' has no parent block`);
    const text: string[] = [];
    renderBlock(blocks, name, i + 1, scope, text, depth);
    return text.join('');
  };
  define(inner, SUPER, new Callable('super', parent));
  try {
    run.block(n.body as NjNode, inner, out, depth);
  } catch (e) {
    if (e instanceof JinjaRenderError && run.located) throw run.located(e);
    throw e;
  }
}

/** A template's top scope: `super()` and `loop()` there fail at the call (not names a template reads). */
export function outside(scope: Scope): Scope {
  const fail = (what: string) => () => {
    throw new FilterError(what);
  };
  const hidden = (name: string, v: Callable) => Object.defineProperty(scope, name, { value: v, enumerable: false });
  hidden(SUPER, new Callable('super', fail('super() is only for a block that replaces another')));
  hidden(RECURSE, new Callable('loop', fail('loop() is only for a loop marked recursive')));
  return scope;
}
