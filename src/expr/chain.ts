// Python's chained comparisons (`a < b == c` is `a < b and b == c`): which binary nodes form one chain. A
// parenthesized comparison (`closed`, set by the parser) is a value, not part of a chain.
import { NOT_IN, type Node } from './parse.js';

export const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', NOT_IN]);

export const isChain = (n: Node): boolean =>
  n.type === 'BinaryExpression' && COMPARISONS.has(n.operator as string) && !n.closed;

/** A chain's operands and operators, left to right. */
export function chainOf(n: Node): { operands: Node[]; ops: string[] } {
  const operands: Node[] = [];
  const ops: string[] = [];
  let cur: Node = n;
  for (; isChain(cur); cur = cur.left as Node) {
    operands.unshift(cur.right as Node);
    ops.unshift(cur.operator as string);
  }
  operands.unshift(cur);
  return { operands, ops };
}
