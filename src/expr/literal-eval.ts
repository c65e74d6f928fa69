// Python's ast.literal_eval over kplay's expression parser, as Ansible applies it to a template's text that
// looks like data (it starts with `{` or `[`, or is `True`/`False`): JSON's null, true and false are read too.
// Anything but literals (a name, a call, an operator) leaves the text a text.
import { isSyntaxProblem, type Node, parseExpr } from './parse.js';

const NOT_LITERAL: unique symbol = Symbol('not a literal');

function literalOf(n: Node): unknown {
  switch (n.type) {
    case 'Literal':
      return n.value;
    case 'ArrayExpression': {
      const out: unknown[] = [];
      for (const e of n.elements as Node[]) {
        const v = e ? literalOf(e) : NOT_LITERAL;
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out.push(v);
      }
      return out;
    }
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of n.properties as Node[]) {
        const k = literalOf(p.key as Node);
        const v = literalOf(p.value as Node);
        if (k === NOT_LITERAL || v === NOT_LITERAL || (k !== null && typeof k === 'object')) return NOT_LITERAL;
        Object.defineProperty(out, k === null ? 'None' : String(k), {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'UnaryExpression': {
      const v = literalOf(n.argument as Node);
      if (typeof v !== 'number' || (n.operator !== '-' && n.operator !== '+')) return NOT_LITERAL;
      return n.operator === '-' ? -v : v;
    }
    default:
      return NOT_LITERAL;
  }
}

/** The value of a Python literal (`True`, `'x'`, `[1, 2]`), or undefined when the text is not one. */
export function pyLiteral(text: string): { value: unknown } | undefined {
  const tree = parseExpr(text);
  if (isSyntaxProblem(tree)) return undefined;
  const v = literalOf(tree);
  return v === NOT_LITERAL ? undefined : { value: v };
}

/** The data a text holds when Ansible would convert it, or undefined (it stays a text). */
export function convertedData(text: string): { value: unknown } | undefined {
  if (!(text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False')) return undefined;
  return pyLiteral(text);
}
