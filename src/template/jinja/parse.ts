// Jinja source to a tree, with nunjucks' lexer and parser (nunjucks is used for parsing only: kplay never runs
// its compiler or runtime, see render.ts). Configured as Ansible configures Jinja: `trim_blocks` on,
// `lstrip_blocks` off, `{%- -%}` whitespace control, `{% raw %}`. Two additions over nunjucks' grammar, for
// what Ansible users write: Python slices (`x[1:]`, from nunjucks' own Jinja compatibility layer) and numeric
// attributes (`item.0`, `x.1.name`).
import nunjucks from 'nunjucks';
import { type JinjaOptions, tagsOf } from '../../core/jinja-options.js';

/** A nunjucks tree node; fields per node type (nunjucks/src/nodes.js). Lines and columns count from 0. */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  [field: string]: unknown;
}

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

interface ParserInstance {
  nextToken(): Token;
  peekToken(): Token;
  skipSymbol(name: string): boolean;
  parseCompare(): NjNode;
  parseExpression(): NjNode;
  parsePrimary(): NjNode;
  fail(msg: string, lineno?: number, colno?: number): never;
  parseAggregate(): NjNode & { children: NjNode[] };
  parseSignature(): NjNode;
  parseAsRoot(): NjNode;
  advanceAfterBlockEnd(name?: string): Token;
  tokens: { str: string; index: number; forward(): void; _extractRegex(re: RegExp): RegExpMatchArray | null };
}

interface Internals {
  lexer: { lex(src: string, opts: object): unknown; TOKEN_INT: string; TOKEN_FLOAT: string; TOKEN_SYMBOL: string };
  parser: { Parser: new (tokens: unknown) => ParserInstance };
  nodes: Record<string, new (lineno: number, colno: number, ...fields: unknown[]) => NjNode>;
  installJinjaCompat(): void;
}

const nj = nunjucks as unknown as Internals;
// Adds slices to nunjucks' parser (its runtime changes are never used by kplay).
nj.installJinjaCompat();

/** A syntax error with its position (1-based line and column). */
export class JinjaSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

const { LookupVal, Literal, FunCall, Is, Not, NodeList, Output, TemplateData, Include, Capture, Filter, For } =
  nj.nodes;
const NjArray = nj.nodes.Array;

/** nunjucks' postfix rule (calls, `[...]`, `.name`) plus `.0`. */
function parsePostfix(this: ParserInstance, start: NjNode): NjNode {
  let node = start;
  for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
    if (tok.type === 'left-paren') node = new FunCall!(tok.lineno, tok.colno, node, this.parseSignature());
    else if (tok.type === 'left-bracket') {
      const lookup = this.parseAggregate();
      if (lookup.children.length > 1) this.fail('invalid index', tok.lineno, tok.colno);
      node = new LookupVal!(tok.lineno, tok.colno, node, lookup.children[0]);
    } else if (tok.type === 'operator' && tok.value === '.') {
      this.nextToken();
      const val = this.nextToken();
      if (val?.type === nj.lexer.TOKEN_SYMBOL) {
        node = new LookupVal!(tok.lineno, tok.colno, node, new Literal!(val.lineno, val.colno, val.value));
      } else if (
        val?.type === nj.lexer.TOKEN_INT ||
        (val?.type === nj.lexer.TOKEN_FLOAT && /^\d+\.\d+$/.test(val.value))
      ) {
        // `x.0` is x[0]; the lexer reads `x.0.1` as x, '.', the float 0.1
        let col = val.colno;
        for (const part of val.value.split('.')) {
          node = new LookupVal!(tok.lineno, tok.colno, node, new Literal!(val.lineno, col, Number(part)));
          col += part.length + 1;
        }
      } else
        this.fail(`expected a name or a number after '.', got '${val?.value ?? 'the end'}'`, tok.lineno, tok.colno);
    } else break;
  }
  return node;
}

/** Tokens that start the one argument a test may take without parentheses (`x is divisibleby 3`). */
const BARE_ARGUMENT = new Set(['int', 'float', 'string', 'symbol', 'boolean', 'none', 'left-bracket', 'left-curly']);
const NOT_AN_ARGUMENT = new Set(['and', 'or', 'else', 'if', 'in', 'not', 'is']);

/** nunjucks' `is` rule, plus Jinja's test argument without parentheses. */
function parseIs(this: ParserInstance): NjNode {
  let node = this.parseCompare();
  if (!this.skipSymbol('is')) return node;
  const not = this.skipSymbol('not');
  let test = this.parseCompare();
  const next = this.peekToken();
  if (
    test.typename === 'Symbol' &&
    next &&
    BARE_ARGUMENT.has(next.type) &&
    !(next.type === 'symbol' && NOT_AN_ARGUMENT.has(next.value))
  ) {
    const arg = this.parsePrimary();
    test = new FunCall!(test.lineno, test.colno, test, new NodeList!(arg.lineno, arg.colno, [arg]));
  }
  node = new Is!(node.lineno, node.colno, node, test);
  return not ? new Not!(node.lineno, node.colno, node) : node;
}

/**
 * `{% raw %}...{% endraw %}` as Jinja reads it: the text between the tags verbatim (a newline right after
 * `{% raw %}` kept), the first `{% endraw %}` ends it, and trim_blocks drops the newline after that tag.
 */
function parseRaw(this: ParserInstance): NjNode {
  const begun = this.advanceAfterBlockEnd();
  const t = this.tokens;
  // the lexer's trim_blocks already dropped a newline after `raw %}`: Jinja keeps that one
  const after = t.str.slice(0, t.index - 1);
  let text = rawTrim && t.str[t.index - 1] === '\n' && after.endsWith(rawBlockEnd) ? '\n' : '';
  const m = t._extractRegex(rawEnd);
  if (!m) this.fail('expected {% endraw %}', begun.lineno, begun.colno);
  text += m[2] ? m[1]!.trimEnd() : m[1]!;
  if (begun.value.startsWith('-')) text = text.trimStart(); // `{% raw -%}`
  if (t.str[t.index] === '\n') t.forward();
  return new Output!(begun.lineno, begun.colno, [new TemplateData!(begun.lineno, begun.colno, text)]);
}

/** The end of a `{% raw %}` block with the block delimiters in effect (set by parseJinja). */
let rawEnd = /^([\s\S]*?)\{%(-?)\s*endraw\s*-?%\}/;
let rawTrim = true;
let rawBlockEnd = '%}';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** nunjucks' `include`, plus Jinja's `ignore missing` then `with context` / `without context` (kept on the node). */
function parseInclude(this: ParserInstance): NjNode {
  const tag = this.nextToken();
  const node = new Include!(tag.lineno, tag.colno);
  node.template = this.parseExpression();
  if (this.skipSymbol('ignore') && this.skipSymbol('missing')) node.ignoreMissing = true;
  if (this.skipSymbol('with')) {
    if (!this.skipSymbol('context')) this.fail("expected 'context' after 'with'", tag.lineno, tag.colno);
  } else if (this.skipSymbol('without')) {
    if (!this.skipSymbol('context')) this.fail("expected 'context' after 'without'", tag.lineno, tag.colno);
    node.withoutContext = true;
  }
  this.advanceAfterBlockEnd(tag.value);
  return node;
}

/** nunjucks' `{% filter f(args) %}`, plus Jinja's chain `{% filter trim | upper %}`: filters over the body, a
 *  Capture as the innermost filter's operand. */
function parseFilterStatement(this: ParserInstance & FilterParsing): NjNode {
  const tag = this.nextToken();
  const parts: [NjNode, NjNode[]][] = [];
  do {
    const name = this.parseFilterName();
    parts.push([name, this.parseFilterArgs(name)]);
  } while (this.skip('pipe'));
  this.advanceAfterBlockEnd(tag.value);
  const [first] = parts[0]!;
  let node: NjNode = new Capture!(first.lineno, first.colno, this.parseUntilBlocks('endfilter'));
  this.advanceAfterBlockEnd();
  for (const [name, args] of parts)
    node = new Filter!(name.lineno, name.colno, name, new NodeList!(name.lineno, name.colno, [node, ...args]));
  return new Output!(first.lineno, first.colno, [node]);
}

interface FilterParsing {
  parseFilterName(): NjNode;
  parseFilterArgs(name: NjNode): NjNode[];
  parseUntilBlocks(...names: string[]): NjNode;
  skip(type: string): boolean;
}

/** nunjucks' `for`, plus Jinja's `recursive` after the items (kept on the node). */
function parseFor(this: ParserInstance & FilterParsing): NjNode {
  const tag = this.nextToken();
  if (tag.value !== 'for') this.fail(`unknown block tag: ${tag.value}`, tag.lineno, tag.colno);
  const node = new For!(tag.lineno, tag.colno);
  let name = this.parsePrimary();
  if (name.typename !== 'Symbol') this.fail('expected a variable name after for', tag.lineno, tag.colno);
  if (this.peekToken().type === 'comma') {
    const names = [name];
    while (this.skip('comma')) names.push(this.parsePrimary());
    name = new NjArray!(name.lineno, name.colno, names);
  }
  node.name = name;
  if (!this.skipSymbol('in')) this.fail("expected 'in' in a for loop", tag.lineno, tag.colno);
  node.arr = this.parseExpression();
  if (this.skipSymbol('recursive')) node.recursive = true;
  this.advanceAfterBlockEnd(tag.value);
  node.body = this.parseUntilBlocks('endfor', 'else');
  if (this.skipSymbol('else')) {
    this.advanceAfterBlockEnd('else');
    node.else_ = this.parseUntilBlocks('endfor');
  }
  this.advanceAfterBlockEnd();
  return node;
}

class Parser extends nj.parser.Parser {}
Object.assign(Parser.prototype, { parsePostfix, parseIs, parseRaw, parseInclude, parseFilterStatement, parseFor });

/** Lexer options: Ansible's defaults are trim_blocks on, lstrip_blocks off. */
function lexOptions(o: JinjaOptions) {
  return { trimBlocks: o.trimBlocks ?? true, lstripBlocks: o.lstripBlocks ?? false, tags: tagsOf(o) };
}

/** nunjucks may report "(unknown path) [Line 3, Column 5]\n  message", 1-based. */
const POSITIONED = /\[Line (\d+), Column (\d+)\]\s*([\s\S]*)$/;

interface Tokenizer {
  nextToken(): Token | null;
}

/** nunjucks' tokens, with Jinja's trim_blocks after a comment too (`{# x #}` drops the newline after it). */
function tokens(src: string, o: JinjaOptions): Tokenizer {
  const t = nj.lexer.lex(src, lexOptions(o)) as Tokenizer;
  const trim = o.trimBlocks ?? true;
  const next = t.nextToken.bind(t);
  let afterComment = false;
  t.nextToken = () => {
    const tok = next();
    if (tok && trim && afterComment && tok.type === 'data' && /^\r?\n/.test(tok.value)) {
      tok.value = tok.value.replace(/^\r?\n/, '');
      tok.lineno += 1;
      tok.colno = 0;
    }
    afterComment = tok?.type === 'comment';
    return tok;
  };
  return t;
}

/** Parses as Jinja does, which drops one newline at the very end of the source (Ansible adds it back). */
export function parseJinja(src: string, o: JinjaOptions = {}): NjNode {
  const text = src.replace(/\r?\n$/, '');
  const tags = tagsOf(o);
  rawTrim = o.trimBlocks ?? true;
  rawBlockEnd = tags.blockEnd;
  rawEnd = new RegExp(`^([\\s\\S]*?)${escapeRe(tags.blockStart)}(-?)\\s*endraw\\s*-?${escapeRe(tags.blockEnd)}`);
  try {
    return new Parser(tokens(text, o)).parseAsRoot();
  } catch (e) {
    const err = e as Error & { lineno?: number; colno?: number };
    const m = POSITIONED.exec(err.message);
    const message = (m ? m[3]! : err.message)
      .replace(/^\s*(Error|Template render error):\s*/i, '')
      .replace(/^parse(?:[A-Z]\w*)?: /, '')
      .trim();
    if (m) throw new JinjaSyntaxError(message, Number(m[1]), Number(m[2]));
    // nunjucks' parser errors carry 1-based positions; at the end of the text they carry none
    if (err.lineno !== undefined) throw new JinjaSyntaxError(message, err.lineno, err.colno ?? 1);
    const lines = text.split('\n');
    throw new JinjaSyntaxError(message, lines.length, lines[lines.length - 1]!.length + 1);
  }
}
