// Runs a compiled Jinja template: statements here, expressions by kplay's own evaluator (src/expr/eval.ts),
// which reads only plain data (no JavaScript object, function or prototype is reachable) and fails on an
// undefined variable unless it is tested (`is defined`) or defaulted (`| default`), as Ansible's strict
// undefined does. Values print as Python prints them (`True`, `None`, `['a', 'b']`); scopes are Jinja's: a
// `{% set %}` inside a loop body does not leak out of it.
import { evaluate, ExprEvalError } from '../../expr/eval.js';
import { truthy } from '../../core/value-utils.js';
import { isNamespace } from '../../expr/filters-seq.js';
import { type CompiledJinja, FILTER_BODY, filterBlock, loopFilter, targets } from './compile.js';
import type { NjNode } from './parse.js';
import { offsetsOf } from './translate.js';
import { bindArguments, callerName, importedAs } from './macros.js';
import { Callable } from '../../expr/callable.js';
import { renderLoop } from './loops.js';
import { addBlocks, type Blocks, extendsOf, outside, renderBlock } from './inherit.js';
import { define, JinjaRenderError, over, pyType, type Scope, startOf, text, trailingNewlines } from './values.js';

export { JinjaRenderError };
import { isolatedScope } from '../../expr/lookups.js';

/** How a render goes: the newline of the template's text; the text of an `{% include %}`d template, rendered
 *  with the scope given (undefined: no such template); `included`: this one is, so its trailing newlines are
 *  Jinja's (one dropped), not put back as Ansible does for the file it writes. */
export interface RenderOptions {
  newline?: string | undefined;
  include?: (name: string, scope: object) => string | undefined;
  included?: boolean;
  /** A template `{% import %}`ed or `{% from %}`ed: compiled, with its own options (undefined: none found). */
  load?: (name: string) => { c: CompiledJinja; o: RenderOptions } | undefined;
  /** An error of this template with its place (a macro of an imported template fails at its own line). */
  located?: (e: JinjaRenderError) => Error;
}

/** Macros calling each other deeper than this are refused (a macro calling itself). */
const MAX_CALLS = 200;
let calls = 0;

export function renderJinja(c: CompiledJinja, vars: object, o: RenderOptions = {}): string {
  const out: string[] = [];
  const newline = o.newline;
  new Runner(c, o).block(c.root, outside(Object.create(vars) as Scope), out, 0);
  const text = out.join('');
  if (o.included) return text;
  const missing = trailingNewlines(c.src) - trailingNewlines(text, newline);
  return missing > 0 ? text + (newline ?? '\n').repeat(missing) : text;
}

class Runner {
  readonly at: (lineno: number, colno: number) => number;

  private readonly newline: string | undefined;

  readonly located: RenderOptions['located'];

  /** The scope of the template's top level. */
  private top: Scope | undefined;

  /** `blocks`: those of the templates extending this one, this one's added after them. */
  constructor(
    private readonly c: CompiledJinja,
    private readonly o: RenderOptions,
    private readonly blocks: Blocks = new Map(),
  ) {
    this.at = offsetsOf(c.src);
    this.newline = o.newline;
    this.located = o.located;
    addBlocks(blocks, c.root, this);
  }

  value(n: NjNode, scope: Scope): unknown {
    const tree = this.c.exprs.get(n);
    if (!tree) throw new JinjaRenderError('expression was not compiled', this.at(n.lineno, n.colno));
    try {
      return evaluate(tree, scope);
    } catch (e) {
      if (e instanceof ExprEvalError) throw new JinjaRenderError(e.message, startOf(e.node, tree));
      throw e;
    }
  }

  /** The template's own text, its line ends made `newline_sequence` (as Jinja does; values keep theirs). */
  private data(s: string): string {
    return this.newline ? s.replace(/\r\n|\r|\n/g, this.newline) : s;
  }

  block(n: NjNode | null | undefined, scope: Scope, out: string[], depth: number): void {
    if (!n) return;
    switch (n.typename) {
      case 'Root':
        this.top ??= scope;
        if (extendsOf(n)) return this.extend(n, scope, out, depth);
        for (const x of n.children as NjNode[]) this.block(x, scope, out, depth);
        return;
      case 'Block':
        // a block sees the template's top-level names, not those of the loop or macro it is in (Jinja's)
        return renderBlock(this.blocks, (n.name as NjNode).value as string, 0, this.top ?? scope, out, depth);
      case 'NodeList':
        for (const x of n.children as NjNode[]) this.block(x, scope, out, depth);
        return;
      case 'Output':
        for (const x of n.children as NjNode[]) {
          if (x.typename === 'TemplateData') out.push(this.data(String(x.value)));
          else if (filterBlock(x)) out.push(text(this.filtered(x, scope, depth)));
          else out.push(text(this.value(x, this.withCallers(x, scope, depth))));
        }
        return;
      case 'If':
        this.block(
          truthy(this.value(n.cond as NjNode, scope)) ? (n.body as NjNode) : (n.else_ as NjNode),
          scope,
          out,
          depth,
        );
        return;
      case 'For':
        return this.loop(n, scope, out, depth);
      case 'Set':
        return this.set(n, scope, depth);
      case 'Include':
        out.push(this.include(n, scope));
        return;
      case 'Macro':
        define(scope, (n.name as NjNode).value as string, this.macro(n, scope, depth));
        return;
      case 'Import':
        for (const name of targets(n.target as NjNode)) define(scope, name, this.module(n, scope));
        return;
      case 'FromImport':
        return this.fromImport(n, scope);
      default:
        throw new JinjaRenderError(`kplay's Jinja does not support ${n.typename}`, this.at(n.lineno, n.colno));
    }
  }

  /** `{% filter f %}body{% endfilter %}`: the body rendered, then given to the filter. */
  private filtered(x: NjNode, scope: Scope, depth: number): unknown {
    const body: string[] = [];
    this.block(filterBlock(x)!.body as NjNode, scope, body, depth);
    return this.value(x, over(scope, { [FILTER_BODY]: body.join('') }));
  }

  /** A macro (or a `{% call %}` block's caller): called, its body renders in a scope over the one it is defined
   *  in, with its arguments bound; it returns the text. */
  private macro(n: NjNode, home: Scope, depth: number): Callable {
    const m = this.c.macros.get(n)!;
    return new Callable(m.name, (pos, kw) => {
      if (calls >= MAX_CALLS)
        throw new JinjaRenderError(`macros call each other more than ${MAX_CALLS} deep`, this.at(n.lineno, n.colno));
      const inner = Object.create(home) as Scope;
      const args = bindArguments(m, pos, kw, (_p, d, bound) => this.value(d, over(home, bound)));
      for (const [k, v] of Object.entries(args)) define(inner, k, v);
      const out: string[] = [];
      calls++;
      try {
        this.block(n.body as NjNode, inner, out, depth);
      } catch (e) {
        if (e instanceof JinjaRenderError && this.o.located) throw this.o.located(e);
        throw e;
      } finally {
        calls--;
      }
      return out.join('');
    });
  }

  /** The scope of an expression passing `{% call %}` blocks: each caller bound to its name. */
  private withCallers(x: NjNode, scope: Scope, depth: number): Scope {
    const callers = this.c.callers.get(x);
    if (!callers) return scope;
    const inner = Object.create(scope) as Scope;
    for (const k of callers) define(inner, callerName(k), this.macro(k, scope, depth));
    return inner;
  }

  /** An imported template's names (top-level `set`s and macros), run with this scope if `with context`. */
  private module(n: NjNode, scope: Scope): Record<string, unknown> {
    const top = Object.create(n.withContext ? scope : isolatedScope(scope)) as Scope;
    this.run(n, scope, (loaded) => new Runner(loaded.c, loaded.o).block(loaded.c.root, top, [], 0));
    const names: Record<string, unknown> = {};
    for (const k of Object.keys(top)) if (!k.startsWith('_')) names[k] = top[k];
    return names;
  }

  /** The template a statement names (its `template`), loaded and run by `f`, its errors placed in it. */
  private run(n: NjNode, scope: Scope, f: (loaded: { c: CompiledJinja; o: RenderOptions }) => void): void {
    const name = this.value(n.template as NjNode, scope);
    const where = this.at(n.lineno, n.colno);
    if (typeof name !== 'string') throw new JinjaRenderError(`a template name is a string, not ${pyType(name)}`, where);
    const loaded = this.o.load?.(name);
    if (!loaded) throw new JinjaRenderError(`template not found: ${name}`, where);
    try {
      f(loaded);
    } catch (e) {
      if (e instanceof JinjaRenderError && loaded.o.located) throw loaded.o.located(e);
      throw e;
    }
  }

  /** A template that `{% extends %}` another: its statements run (what comes before `extends` printed), then the
   *  parent renders with this scope, this template's blocks in place of its own. */
  private extend(root: NjNode, scope: Scope, out: string[], depth: number): void {
    let parent: NjNode | undefined;
    for (const x of root.children as NjNode[]) {
      if (x.typename === 'Extends') parent ??= x;
      else if (x.typename !== 'Block') this.block(x, scope, parent ? [] : out, depth);
    }
    this.run(parent!, scope, (loaded) =>
      new Runner(loaded.c, loaded.o, this.blocks).block(loaded.c.root, scope, out, depth),
    );
  }

  private fromImport(n: NjNode, scope: Scope): void {
    const names = this.module(n, scope);
    for (const x of (n.names as NjNode).children as NjNode[]) {
      const { name, alias } = importedAs(x);
      if (!Object.hasOwn(names, name)) {
        const file = String(this.value(n.template as NjNode, scope));
        throw new JinjaRenderError(
          `the template '${file}' has no macro or variable '${name}'`,
          this.at(x.lineno, x.colno),
        );
      }
      define(scope, alias, names[name]);
    }
  }

  /** `{% include %}`: the named template (or the first found of a list), with this scope unless `without context`. */
  private include(n: NjNode, scope: Scope): string {
    const v = this.value(n.template as NjNode, scope);
    const names = Array.isArray(v) ? v : [v];
    const where = this.at(n.lineno, n.colno);
    for (const name of names) {
      if (typeof name !== 'string')
        throw new JinjaRenderError(`a template name is a string, not ${pyType(name)}`, where);
      const text = this.o.include?.(name, n.withoutContext ? isolatedScope(scope) : scope);
      if (text !== undefined) return text;
    }
    if (n.ignoreMissing) return '';
    throw new JinjaRenderError(`template not found: ${names.map(String).join(', ')}`, where);
  }

  private set(n: NjNode, scope: Scope, depth: number): void {
    let v: unknown;
    if (n.value) v = this.value(n.value as NjNode, scope);
    else {
      const body: string[] = [];
      this.block((n.body as NjNode).body as NjNode, scope, body, depth);
      v = body.join('');
    }
    const t = (n.targets as NjNode[])[0]!;
    if (t.typename === 'LookupVal') {
      const ns = this.value(t.target as NjNode, scope);
      if (!isNamespace(ns))
        throw new JinjaRenderError(
          'can set an attribute only of a namespace()',
          this.at((t.target as NjNode).lineno, (t.target as NjNode).colno),
        );
      define(ns, (t.val as NjNode).value as string, v);
      return;
    }
    const names = (n.targets as NjNode[]).flatMap((x) => targets(x));
    this.bind(names, v, scope, n);
  }

  bind(names: string[], v: unknown, scope: Scope, n: NjNode): void {
    if (names.length === 1) {
      define(scope, names[0]!, v);
      return;
    }
    const items = Array.isArray(v) ? v : typeof v === 'string' ? [...v] : undefined;
    if (!items || items.length !== names.length) {
      const got = items ? `${items.length} values` : pyType(v);
      throw new JinjaRenderError(`cannot unpack ${got} into ${names.length} names`, this.at(n.lineno, n.colno));
    }
    names.forEach((name, i) => define(scope, name, items[i]));
  }

  private loop(n: NjNode, scope: Scope, out: string[], depth: number): void {
    const f = loopFilter(n);
    renderLoop(this, n, this.value(f ? f.items : (n.arr as NjNode), scope), scope, out, depth, 0);
  }
}
