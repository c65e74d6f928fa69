// The variables an expression tree reads (check mode's uncertain variables, a template's inputs): names, not
// filter, test or attribute names; `lookup('vars', 'x')` reads x.
import { LOOKUP_FUNCTIONS } from './lookups.js';
import type { Node } from './parse.js';

/** Top-level variable names read by a tree (not filter/test names, not attribute names). */
export function variablesOf(n: Node, out: Set<string>): Set<string> {
  switch (n.type) {
    case 'Identifier':
      out.add(n.name as string);
      break;
    case 'MemberExpression': {
      variablesOf(n.object as Node, out);
      const p = n.property as Node;
      if (p.type === 'SliceExpression') {
        for (const k of ['start', 'stop', 'step']) if (p[k]) variablesOf(p[k] as Node, out);
      } else if (n.computed) variablesOf(p, out);
      break;
    }
    case 'BinaryExpression':
      variablesOf(n.left as Node, out);
      if (n.operator === '|' || n.operator === 'is') {
        let r = n.right as Node;
        if (r.type === 'UnaryExpression') r = r.argument as Node;
        if (r.type === 'CallExpression') for (const a of r.arguments as Node[]) variablesOf(a, out);
      } else variablesOf(n.right as Node, out);
      break;
    case 'CallExpression': {
      const c = n.callee as Node;
      if (c.type === 'MemberExpression') variablesOf(c.object as Node, out);
      const args = n.arguments as Node[];
      for (const a of args) variablesOf(a, out);
      // lookup('vars', 'name') reads that variable
      const [kind, ...terms] = args;
      if (c.name !== undefined && LOOKUP_FUNCTIONS.has(c.name as string) && kind?.value === 'vars')
        for (const t of terms) if (t.type === 'Literal' && typeof t.value === 'string') out.add(t.value);
      break;
    }
    case 'ObjectExpression':
      for (const p of n.properties as Node[]) {
        variablesOf(p.key as Node, out);
        variablesOf(p.value as Node, out);
      }
      break;
    case 'KwArg':
      variablesOf(n.value as Node, out);
      break;
    case 'Starred':
      variablesOf(n.argument as Node, out);
      break;
    case 'UnaryExpression':
      variablesOf(n.argument as Node, out);
      break;
    case 'ArrayExpression':
      for (const e of n.elements as Node[]) variablesOf(e, out);
      break;
    case 'ConditionalExpression':
      for (const k of ['test', 'consequent', 'alternate']) variablesOf(n[k] as Node, out);
      break;
  }
  return out;
}
