// A value an expression may call: a Jinja macro, `caller` in a `{% call %}` block. The template layer makes them
// (src/template/jinja/); the evaluator calls them with evaluated arguments. The function is a private field:
// nothing an expression reads (an attribute, a key, a method) reaches it.
export type CallableFn = (pos: unknown[], kw: Record<string, unknown>) => unknown;

export class Callable {
  readonly #fn: CallableFn;

  constructor(
    readonly name: string,
    fn: CallableFn,
  ) {
    this.#fn = fn;
    Object.freeze(this);
  }

  call(pos: unknown[], kw: Record<string, unknown>): unknown {
    return this.#fn(pos, kw);
  }

  /** Jinja prints a macro as `<Macro 'name'>`. */
  toString(): string {
    return `<Macro '${this.name}'>`;
  }
}

/** What a macro takes, known when its template is compiled: its parameters and whether its body reads
 *  `varargs`, `kwargs` or `caller` (then it takes more positional arguments, any keyword, or `caller=`). */
export interface MacroSig {
  params: string[];
  varargs: boolean;
  kwargs: boolean;
  caller: boolean;
}

/** Names the Jinja layer makes callable in a template: macros (with their signature, when one is known) and
 *  the names of imported templates (`ns.macro(...)`). */
export interface Callables {
  macros: ReadonlyMap<string, MacroSig | undefined>;
  namespaces: ReadonlySet<string>;
}

export const NO_CALLABLES: Callables = { macros: new Map(), namespaces: new Set() };

interface ArgNode {
  type: string;
  name?: unknown;
}

/** A call's arguments against a macro's signature: the index of the argument at fault and why, or undefined. */
export function macroArgsProblem(
  name: string,
  sig: MacroSig,
  args: ArgNode[],
): { at: number; message: string } | undefined {
  if (args.some((a) => a.type === 'Starred')) return undefined;
  const positional = args.filter((a) => a.type !== 'KwArg').length;
  if (positional > sig.params.length && !sig.varargs) {
    const n = sig.params.length;
    const what = n ? ` (${sig.params.join(', ')})` : '';
    return {
      at: n,
      message: `macro '${name}' takes at most ${n} argument${n === 1 ? '' : 's'}${what}, got ${positional}`,
    };
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.type !== 'KwArg') continue;
    const kw = a.name as string;
    const at = sig.params.indexOf(kw);
    if (at >= 0 && at < positional) return { at: i, message: `macro '${name}' got two values for '${kw}'` };
    if (at < 0 && !sig.kwargs && !(kw === 'caller' && sig.caller))
      return { at: i, message: `macro '${name}' takes no keyword argument '${kw}'` };
  }
  return undefined;
}
