// The parts of Jinja's expression syntax jsep lacks, read by parse.ts's token hook: what follows a token
// (`.name`, `[i]`, Python slices `[1:]` `[::-1]`, calls `s.split(',')`), dict literals `{'a': 1, k: v}` (a bare
// name as a key is the variable, as in Jinja) and tuples `(a, b)` (read as lists). The node shapes are jsep's
// (ObjectExpression/Property as @jsep-plugin/object makes them; a slice is a SliceExpression in a computed
// MemberExpression): the Jinja statement layer translates its own nodes into these.
import type jsep from 'jsep';

export type Node = jsep.Expression & { start?: number };
type Scope = jsep.HookScope;

export function syntax(index: number, message: string): Error & { index: number; description: string } {
  return Object.assign(new Error(message), { index, description: message });
}

const COLON = 58;
const COMMA = 44;
const CBRACK = 93;
const CBRACE = 125;

/** `.name`, `[index]`, `[start:stop:step]` and `(arguments)` after a token, each node with its `start`. */
export function gobbleProperties(p: Scope, node: Node, start: number): Node {
  p.gobbleSpaces();
  for (;;) {
    const c = p.code;
    if (c === 46 /* . */) {
      p.index++;
      p.gobbleSpaces();
      const at = p.index;
      const property = p.gobbleIdentifier() as Node;
      property.start = at;
      node = { type: 'MemberExpression', computed: false, object: node, property, start } as Node;
    } else if (c === 91 /* [ */) {
      const at = p.index;
      p.index++;
      node = { type: 'MemberExpression', computed: true, object: node, property: subscript(p, at), start } as Node;
    } else if (c === 40 /* ( */) {
      p.index++;
      const args = p.gobbleArguments(41) as unknown as Node[];
      node = { type: 'CallExpression', arguments: args, callee: node, start } as Node;
    } else return node;
    p.gobbleSpaces();
  }
}

/** After `[`: an index, or a slice with any of its three parts left out. Consumes the closing `]`. */
function subscript(p: Scope, open: number): Node {
  p.gobbleSpaces();
  const part = (): Node | null => {
    p.gobbleSpaces();
    if (p.code === COLON || p.code === CBRACK) return null;
    const e = p.gobbleExpression() as Node | false;
    if (e) return e;
    if (p.index >= p.expr.length) throw syntax(open, "unbalanced brackets: this '[' is never closed");
    throw syntax(p.index, `unexpected '${p.char}'`);
  };
  const first = part();
  p.gobbleSpaces();
  if (p.code !== COLON) {
    if (!first) throw syntax(p.index, p.code === CBRACK ? 'empty subscript []' : `unexpected '${p.char}'`);
    close(p, open);
    return first;
  }
  p.index++;
  const stop = part();
  p.gobbleSpaces();
  let step: Node | null = null;
  if (p.code === COLON) {
    p.index++;
    step = part();
  }
  close(p, open);
  return { type: 'SliceExpression', start: first, stop, step, at: open } as unknown as Node;
}

function close(p: Scope, open: number): void {
  p.gobbleSpaces();
  if (p.code !== CBRACK) {
    if (p.index >= p.expr.length) throw syntax(open, "unbalanced brackets: this '[' is never closed");
    throw syntax(p.index, `expected ']', found '${p.char}'`);
  }
  p.index++;
}

/** The next character's code after spaces (a call, so TypeScript does not narrow it across reads). */
function at(p: Scope): number {
  p.gobbleSpaces();
  return p.code;
}

/** After `{`: `key: value` pairs separated by commas (a trailing comma is allowed), up to `}`. */
export function gobbleDict(p: Scope, open: number): Node {
  p.index++;
  const properties: Node[] = [];
  for (;;) {
    p.gobbleSpaces();
    if (p.code === CBRACE) break;
    if (p.index >= p.expr.length) throw syntax(open, "unbalanced braces: this '{' is never closed");
    const keyAt = p.index;
    const key = p.gobbleExpression() as Node | false;
    if (!key) throw syntax(p.index, `expected a key, found '${p.char}'`);
    p.gobbleSpaces();
    if (p.code !== COLON) throw syntax(p.index, `expected ':' after a dict key`);
    p.index++;
    const value = p.gobbleExpression() as Node | false;
    if (!value) throw syntax(p.index, "expected a value after ':'");
    properties.push({ type: 'Property', key, value, start: keyAt } as Node);
    if (at(p) === COMMA) {
      p.index++;
      continue;
    }
    if (at(p) !== CBRACE) {
      if (p.index >= p.expr.length) throw syntax(open, "unbalanced braces: this '{' is never closed");
      throw syntax(p.index, `expected ',' or '}' in a dict, found '${p.char}'`);
    }
  }
  p.index++;
  return { type: 'ObjectExpression', properties, start: open } as Node;
}

/** `(a, b)` is a tuple: a list here, as Ansible shows it. */
export function tupleOf(node: Node, start: number): Node {
  if (node.type !== 'SequenceExpression') return node;
  return { type: 'ArrayExpression', elements: node.expressions as Node[], start } as Node;
}
