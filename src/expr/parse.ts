// Parsing of Ansible-style conditions (`inventory_hostname in groups.etcd and x | default(1) > 0`) with the
// maintained `jsep` parser, configured once: word operators (and, or, not, in, not in, is), `|` as a filter pipe
// binding tighter than arithmetic, `~` string concatenation, Python/Jinja literals, `a if c else b`.
// Every token node gets `start` (its offset in the parsed text) so errors point at the exact column.
import jsep from 'jsep';
import { PY_ESCAPES } from '../core/kv.js';
import { gobbleDict, gobbleProperties, syntax, tupleOf, type Node } from './parse-jinja.js';

export type { Node };
type Scope = jsep.HookScope;

/** `not in` is rewritten (outside string literals) to this single token of the same length. */
export const NOT_IN = '!in';
/** Precedence of `and`: `not` binds tighter than this, and looser than everything else. */
const AND_PREC = 2;

const WORD_LITERALS: Record<string, unknown> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
  null: null,
};

const WORD_OPS = new Set(['and', 'or', 'in', 'is', 'if', 'else']);

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  for (const op of ['||', '??', '&&', '^', '&', '===', '!==', '<<', '>>', '>>>']) jsep.removeBinaryOp(op);
  jsep.removeUnaryOp('!');
  jsep.removeUnaryOp('~');
  jsep.addBinaryOp('or', 1);
  jsep.addBinaryOp('and', AND_PREC);
  // Python's comparisons share one precedence and chain (`a < b == c`); eval.ts reads the chain
  for (const op of ['==', '!=', '<', '>', '<=', '>=']) jsep.addBinaryOp(op, 6);
  jsep.addBinaryOp('in', 6);
  jsep.addBinaryOp(NOT_IN, 6);
  jsep.addBinaryOp('~', 9.5);
  jsep.addBinaryOp('//', 10);
  jsep.addBinaryOp('|', 12);
  jsep.addBinaryOp('is', 12);
  // `item.0` (Jinja's index by attribute, common with with_together and with_subelements): a name after `.` may
  // start with a digit. Numbers are read before names, so nothing else changes.
  const parser = (jsep as unknown as { Jsep: { isIdentifierStart(ch: number): boolean } }).Jsep;
  const idStart = parser.isIdentifierStart.bind(parser);
  parser.isIdentifierStart = (ch: number) => idStart(ch) || (ch >= 48 && ch <= 57);
  jsep.hooks.add('gobble-token', gobbleToken);
  jsep.hooks.add('after-expression', gobbleIfElse);
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** Is the word `w` at the current position (and not the start of a longer name)? */
function atWord(p: Scope, w: string): boolean {
  return p.expr.startsWith(w, p.index) && !isIdPart(p.expr.charCodeAt(p.index + w.length) || 0);
}

function gobbleToken(this: Scope, env: { node?: jsep.Expression }): void {
  const start = this.index;
  const c = this.code;
  let node: Node | false | undefined;
  if (atWord(this, 'not')) {
    this.index += 3;
    env.node = { type: 'UnaryExpression', operator: 'not', argument: parseTight(this), prefix: true, start } as Node;
    return;
  }
  if (isIdStart(c)) {
    const id = this.gobbleIdentifier() as Node;
    const name = id.name as string;
    if (WORD_OPS.has(name)) throw syntax(start, `expected a value, found '${name}'`);
    const kw = gobbleKwArg(this, name, start);
    if (kw) {
      env.node = kw;
      return;
    }
    node = Object.hasOwn(WORD_LITERALS, name)
      ? ({ type: 'Literal', value: WORD_LITERALS[name], raw: name } as Node)
      : id;
  } else if (c === 40 /* ( */) {
    try {
      node = this.gobbleGroup();
    } catch (e) {
      if ((e as { description?: string }).description === 'Unclosed (')
        throw syntax(start, "unbalanced parentheses: this '(' is never closed");
      throw e;
    }
    // `()` is Jinja's empty tuple
    node = node ? tupleOf(node as Node, start) : ({ type: 'ArrayExpression', elements: [], start } as Node);
    // a parenthesized comparison is a value, not the start of a chain: `(a == b) == c`
    if (node.type === 'BinaryExpression') node.closed = true;
  } else if (c === 91 /* [ */) {
    try {
      node = this.gobbleArray() as Node;
    } catch (e) {
      if (/^Expected ]/.test(String((e as { description?: string }).description)))
        throw syntax(start, "unbalanced brackets: this '[' is never closed");
      throw e;
    }
  } else if (c === 39 || c === 34) {
    node = this.gobbleStringLiteral() as Node;
    // Jinja reads a string literal's escapes as Python's unicode-escape: `'\d'` stays a backslash and a d. In
    // a playbook value's `{{ }}` Ansible doubles every backslash first, so there a literal is taken as written.
    node.value = rawStrings ? String(node.raw).slice(1, -1) : pyUnescape(String(node.raw).slice(1, -1));
  } else if ((c >= 48 && c <= 57) || c === 46) {
    node = this.gobbleNumericLiteral() as Node;
  } else if (c === 123 /* { */) {
    node = gobbleDict(this, start);
  } else if (c === 42 /* * */ && this.expr.charCodeAt(this.index + 1) !== 42) {
    // `f(a, *xs)`: a list spread into positional arguments (the compile check allows it only there)
    this.index++;
    const argument = this.gobbleToken() as Node | false;
    if (!argument) throw syntax(this.index, "expected a value after '*'");
    env.node = { type: 'Starred', argument, start } as Node;
    return;
  } else return;
  if (node.start === undefined) node.start = start;
  env.node = gobbleProperties(this, node, start);
}

/**
 * `name=value` (a keyword argument, as in `map(attribute='name')`): a `KwArg` node holding the value, which runs
 * to the next `,` or `)`. The parser accepts it anywhere; the compile check allows it only among call arguments.
 */
function gobbleKwArg(p: Scope, name: string, start: number): Node | undefined {
  const after = p.index;
  p.gobbleSpaces();
  if (p.code !== 61 /* = */ || p.expr.charCodeAt(p.index + 1) === 61) {
    p.index = after;
    return undefined;
  }
  const eq = p.index;
  p.index++;
  const value = p.gobbleExpression() as Node | false;
  if (!value) throw syntax(p.index, `expected a value after '${name}='`);
  return { type: 'KwArg', name, value, start, eq } as Node;
}

/** The operand of `not`: a token and every operator binding tighter than `and`. */
function parseTight(p: Scope): Node {
  const first = p.gobbleToken();
  if (!first) throw syntax(p.index, "expected an expression after 'not'");
  const stack: Array<Node | { op: string; prec: number }> = [first];
  const reduce = (): void => {
    const right = stack.pop() as Node;
    const { op } = stack.pop() as { op: string };
    const left = stack.pop() as Node;
    stack.push({ type: 'BinaryExpression', operator: op, left, right });
  };
  for (;;) {
    const save = p.index;
    const op = p.gobbleBinaryOp() as unknown as string | false;
    if (!op) break;
    const prec = jsep.binary_ops[op] ?? 0;
    if (prec <= AND_PREC) {
      p.index = save;
      break;
    }
    while (stack.length > 2 && prec <= (stack[stack.length - 2] as { prec: number }).prec) reduce();
    const right = p.gobbleToken();
    if (!right) throw syntax(p.index, `expected an expression after '${op === NOT_IN ? 'not in' : op}'`);
    stack.push({ op, prec }, right);
  }
  while (stack.length > 1) reduce();
  return stack[0] as Node;
}

/** `a if c else b` (Jinja's inline if); without `else` the value is none. */
function gobbleIfElse(this: Scope, env: { node?: jsep.Expression }): void {
  if (!env.node || !atWord(this, 'if')) return;
  const at = this.index;
  this.index += 2;
  const test = this.gobbleBinaryExpression();
  if (!test) throw syntax(at + 2, "expected a condition after 'if'");
  this.gobbleSpaces();
  let alternate: Node = { type: 'Literal', value: null, raw: 'none', start: this.index };
  if (atWord(this, 'else')) {
    this.index += 4;
    const alt = this.gobbleExpression();
    if (!alt) throw syntax(this.index, "expected an expression after 'else'");
    alternate = alt;
  }
  env.node = {
    type: 'ConditionalExpression',
    test,
    consequent: env.node,
    alternate,
    start: (env.node as Node).start,
  } as Node;
}

/** Python's unicode-escape decoding: `\\n`, `\\x41`, `\\u0041`, `\\101` (octal), a backslash-newline is
 *  nothing, and any other backslash is kept with the character after it. */
function pyUnescape(s: string): string {
  return s.replace(
    /\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-7]{1,3})|([\\'"abfnrtv])|(\n))/g,
    (m, u8, u4, x2, oct, c, nl) => {
      if (nl !== undefined) return '';
      if (c !== undefined) return PY_ESCAPES[c as string]!;
      const n = oct !== undefined ? Number.parseInt(oct as string, 8) : Number.parseInt((u8 ?? u4 ?? x2) as string, 16);
      return n <= 0x10ffff ? String.fromCodePoint(n) : m;
    },
  );
}

export interface SyntaxProblem {
  index: number;
  message: string;
}

/** Rewrite `not in` outside string literals to NOT_IN padded to the same length (columns stay right), and every
 *  Unicode space (a no-break space ...) to a space: they separate words, as in Python's Jinja. */
function rewriteNotIn(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^not\s+in(?![A-Za-z0-9_$])/.exec(src.slice(i, i + 40));
    if (m && (i === 0 || !isIdPart(src.charCodeAt(i - 1)))) {
      out += NOT_IN + ' '.repeat(m[0].length - NOT_IN.length);
      i += m[0].length;
      continue;
    }
    out += /\s/.test(c) ? ' ' : c;
    i++;
  }
  return out;
}

const FRIENDLY: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^Expected expression after (.+)$/, (m) => `missing operand after '${m[1] === NOT_IN ? 'not in' : m[1]}'`],
  [/^Unexpected "(.)"$/, (m) => (m[1] === ')' ? "unbalanced parentheses: unexpected ')'" : `unexpected '${m[1]}'`)],
  [/^Unclosed quote after "(.*)"$/, () => 'unclosed string literal'],
  [/^Expected (.)$/, (m) => `expected '${m[1]}'`],
  [/^missing unaryOp argument$/, () => 'missing operand'],
];

/** How string literals are read by the parse under way (jsep's hooks are global; a parse is synchronous). */
let rawStrings = false;

/** What a parse reads differently: `rawStrings`, string literals without escapes (a playbook value's `{{ }}`,
 *  where Ansible doubles backslashes before Jinja reads them: `'\\1'` is a backslash and a 1). */
export interface ParseOptions {
  rawStrings?: boolean;
}

/** Parse into a jsep tree; on a syntax error returns the offset (in src) and a readable message. */
export function parseExpr(src: string, o: ParseOptions = {}): Node | SyntaxProblem {
  configure();
  const text = rewriteNotIn(src);
  if (text.trim() === '') return { index: 0, message: 'empty expression' };
  rawStrings = o.rawStrings === true;
  try {
    return jsep(text) as Node;
  } catch (e) {
    const err = e as { index?: number; description?: string; message?: string };
    let message = err.description ?? String(err.message);
    for (const [re, f] of FRIENDLY) {
      const m = re.exec(message);
      if (m) {
        message = f(m);
        break;
      }
    }
    return { index: Math.min(err.index ?? 0, src.length), message };
  } finally {
    rawStrings = false;
  }
}

export function isSyntaxProblem(x: Node | SyntaxProblem): x is SyntaxProblem {
  return typeof (x as SyntaxProblem).message === 'string' && (x as Node).type === undefined;
}

/** The offset of a node (its first token) in the parsed text. */
export function startOf(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  if (typeof n.start === 'number') return n.start; // a SliceExpression's `start` is its first part, not a place
  for (const k of ['left', 'object', 'callee', 'argument', 'test']) {
    const s = startOf(n[k] as Node | undefined);
    if (s !== undefined) return s;
  }
  return undefined;
}
