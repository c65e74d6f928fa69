// Ansible's templating turns a rendered text that reads as a Python literal (`[1, 2]`, `{"a": null}`, `True`)
// into that value, as its safe_eval does: literals, lists, dicts, tuples, signs and JSON's null/true/false only
// (no name, call, filter or attribute), and not when the template ends in a filter that makes text (`| string`,
// `| to_json` ...). Anything else stays the text.
import { evalExpr, checkTree } from '../expr/expr.js';
import { isSyntaxProblem, parseExpr } from '../expr/parse.js';
import type { Node } from '../expr/parse-jinja.js';

const TEXT_FILTERS = /\|\s*(?:ansible\.builtin\.)?(?:string|to_json|to_nice_json|to_yaml|to_nice_yaml|ppretty|json)\b/;
const JSON_NAMES: Record<string, unknown> = { null: null, true: true, false: false };

function literalOnly(n: Node | undefined): boolean {
  if (!n) return true;
  switch (n.type) {
    case 'Literal':
      return true;
    case 'Identifier':
      return Object.hasOwn(JSON_NAMES, String(n.name));
    case 'ArrayExpression':
      return (n.elements as Node[]).every((e) => literalOnly(e));
    case 'ObjectExpression':
      return (n.properties as Node[]).every((p) => literalOnly(p.key as Node) && literalOnly(p.value as Node));
    case 'UnaryExpression':
      return (n.operator === '-' || n.operator === '+') && literalOnly(n.argument as Node);
    default:
      return false;
  }
}

/** The value a rendered text stands for, or the text. `src` is the template it came from. */
export function typedResult(src: string, text: string): unknown {
  const looks = (text.startsWith('{') && !text.startsWith('{{')) || text.startsWith('[') || /^(True|False)$/.test(text);
  if (!looks || TEXT_FILTERS.test(src)) return text;
  const tree = parseExpr(text);
  if (isSyntaxProblem(tree) || !literalOnly(tree)) return text;
  try {
    return evalExpr(checkTree(tree, text), { ...JSON_NAMES });
  } catch {
    return text;
  }
}
