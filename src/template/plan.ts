// Template preparation: a YAML string value becomes a plan (literal text and `{{ }}` segments, each a single
// Handlebars mustache or a kplay expression), or a whole Handlebars template when it has blocks; template files
// are compiled after kplay's strictness pass (ast.ts). Plans are cached by source text.
import Handlebars from 'handlebars';
import type { KplayError, Loc } from '../core/errors.js';
import { stdio } from '../core/output.js';
import { toText } from '../core/value-utils.js';
import { compileExpr, type CompiledExpr } from '../expr/expr.js';
import {
  helperProblemOf,
  isHelperName,
  machineryIn,
  makeStrict,
  RUNTIME_HELPERS,
  TplError,
  unknownHelper,
  type HNode,
} from './ast.js';

const hb = Handlebars.create();
hb.registerHelper(RUNTIME_HELPERS as unknown as Handlebars.HelperDeclareSpec);
// Handlebars' own `log` writes to the console (stdout, unredacted): ours goes to stderr through redaction, so
// it neither shows a secret nor breaks --json. `level="debug"` stays quiet, as in Handlebars.
hb.registerHelper('log', (...args: unknown[]) => {
  const opts = args.pop() as { hash?: { level?: unknown } } | undefined;
  if (String(opts?.hash?.level ?? 'info').toLowerCase() !== 'debug')
    stdio.error(`[template log] ${args.map((a) => toText(a)).join(' ')}`);
  return '';
});
export type Render = (vars: unknown) => string;

export interface Seg {
  start: number; // offset of '{{' in the source
  node?: HNode; // one Handlebars mustache, evaluated by evalMustache
  expr?: CompiledExpr; // or a kplay expression
  innerStart: number;
}
export type Plan =
  | { kind: 'segs'; parts: Array<string | Seg>; whole: boolean }
  | { kind: 'hbs'; render: Render; ast: HNode }
  | { kind: 'bad'; problems: Array<{ message: string; offset: number; hint?: string | undefined }> };

const FAKE: Loc = { file: '', line: 1, col: 1 };
// `{{{raw}}}` is Handlebars; `{{ {'a': 1} }}` (a space before the brace) is a Jinja dict
const BLOCKY = /\{\{\s*[#^/>!~&]|\{\{\{|\{\{\s*else\b|~\}\}/;

export function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + col - 1;
}

/** Offset of a `{{` that is never closed (before the next `{{`), or -1. */
function unclosed(src: string): number {
  for (let i = src.indexOf('{{'); i >= 0; ) {
    const close = src.indexOf('}}', i + 2);
    const next = src.indexOf('{{', i + 2);
    if (close < 0 || (next >= 0 && next < close && src[i + 2] !== '{')) return i;
    i = src.indexOf('{{', close + 2);
  }
  return -1;
}

/** Offset of the innermost `{{#block}}` that is never closed by its `{{/block}}`, or -1. */
function unclosedBlock(src: string): number {
  const open: Array<{ name: string; at: number }> = [];
  const re = /\{\{~?\s*([#/])\s*([^\s}~]+)/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[1] === '#') open.push({ name: m[2]!, at: m.index });
    else if (open.length && open[open.length - 1]!.name === m[2]) open.pop();
  }
  return open.length ? open[open.length - 1]!.at : -1;
}

/** A Handlebars parse error as a TplError with line and column. */
function syntaxError(e: unknown, src: string): TplError {
  const err = e as Error & { lineNumber?: number; column?: number };
  const m = /^Parse error on line \d+:[\s\S]*got '([^']+)'/.exec(err.message);
  if (m) {
    const yl = (hb as unknown as { Parser: { lexer: { yylloc: { first_line: number; first_column: number } } } }).Parser
      .lexer.yylloc;
    const what: Record<string, string> = {
      EOF: 'unexpected end of template (is a {{#block}} not closed?)',
      INVALID: 'invalid character inside {{ }}',
    };
    const msg = what[m[1]!] ?? `template syntax error: unexpected ${m[1]!.toLowerCase().replace(/_/g, ' ')}`;
    // the end of the template is no help: point at the block that is not closed
    const block = m[1] === 'EOF' ? unclosedBlock(src) : -1;
    if (block >= 0) {
      const before = src.slice(0, block);
      const name = /\{\{~?\s*#\s*([^\s}~]+)/.exec(src.slice(block))![1];
      return new TplError(
        `{{#${name}}} is never closed (no {{/${name}}})`,
        before.split('\n').length,
        block - before.lastIndexOf('\n'),
      );
    }
    return new TplError(msg, yl.first_line, yl.first_column + 1);
  }
  return new TplError(
    `template syntax error: ${err.message.replace(/ - \d+:\d+$/, '')}`,
    err.lineNumber ?? 1,
    (err.column ?? 0) + 1,
  );
}

const EXPR_HINT =
  "Ansible-style expressions ({{ x | filter }}, a['b']) work only in YAML values; " +
  "templates use helpers: {{default x 'a'}}, {{lookup hostvars h}}";

/** Parses and prepares a full Handlebars template; problems are TplErrors relative to src. */
export function compileHbs(src: string): { render: Render; ast: HNode } | TplError[] {
  const u = unclosed(src);
  if (u >= 0) {
    const before = src.slice(0, u);
    return [new TplError("unclosed '{{'", before.split('\n').length, u - before.lastIndexOf('\n'))];
  }
  let ast: HNode;
  try {
    ast = hb.parse(src) as unknown as HNode;
  } catch (e) {
    const t = syntaxError(e, src);
    return [/\||\[|==/.test(src) ? new TplError(t.message, t.line, t.col, EXPR_HINT) : t];
  }
  const problems: TplError[] = machineryIn(ast);
  const copy = JSON.parse(JSON.stringify(ast)) as HNode;
  makeStrict(ast, problems);
  if (problems.length) return problems;
  const fn = hb.compile(ast as unknown as string, { noEscape: true, strict: false });
  return { render: (vars) => fn(vars), ast: copy };
}

function planSegment(src: string, start: number, end: number): Seg | { message: string; offset: number } {
  const innerStart = start + 2;
  const inner = src.slice(innerStart, end);
  let m: HNode | undefined;
  try {
    const ast = hb.parse(src.slice(start, end + 2)) as unknown as HNode;
    if (ast.body.length === 1 && ast.body[0].type === 'MustacheStatement') m = ast.body[0] as HNode;
  } catch {
    m = undefined;
  }
  const p = m?.path as HNode | undefined;
  const noArgs = m && m.params.length === 0 && !m.hash;
  // A literal followed by more words (`'a' in tags`), or words like `or`/`is` among a helper's arguments
  // (`not x or y`), make an expression, not a Handlebars call.
  const opWord = (m?.params as HNode[] | undefined)?.some(
    (q: HNode) => q.type === 'PathExpression' && EXPR_WORDS.has(String(q.original)),
  );
  // `{{ [a, b] }}` is a list (Ansible), not Handlebars' `[segment literal]` path
  const list = inner.trimStart().startsWith('[');
  // Jinja's word literals (`None`, `True`) are values, not variable names
  const word = p?.type === 'PathExpression' && /^(None|none|True|False)$/.test(String(p.original));
  if (
    m &&
    p &&
    !opWord &&
    !list &&
    !word &&
    (noArgs || (p.type === 'PathExpression' && p.parts.length === 1 && isHelperName(p.parts[0])))
  ) {
    const bad = machineryIn(m)[0] ?? helperProblemOf(m);
    if (bad) return { message: bad.message, offset: start + offsetOf(src.slice(start), bad.line, bad.col) };
    return { start, node: m, innerStart };
  }
  try {
    // a playbook value's `{{ }}`: string literals as written (Ansible doubles their backslashes before Jinja)
    return { start, expr: compileExpr(inner, FAKE, { rawStrings: true }), innerStart };
  } catch (e) {
    if (m && p)
      return { message: unknownHelper(p.original, p).message, offset: start + offsetOf(src.slice(start), ...lc(p)) };
    const k = e as KplayError;
    return { message: k.message, offset: innerStart + offsetOf(inner, k.loc?.line ?? 1, k.loc?.col ?? 1) };
  }
}

const EXPR_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

const lc = (n: HNode): [number, number] => [n.loc?.start.line ?? 1, (n.loc?.start.column ?? 0) + 1];

function makePlan(src: string): Plan {
  if (BLOCKY.test(src)) {
    const r = compileHbs(src);
    if (Array.isArray(r))
      return {
        kind: 'bad',
        problems: r.map((t) => ({ message: t.message, hint: t.hint, offset: offsetOf(src, t.line, t.col) })),
      };
    return { kind: 'hbs', ...r };
  }
  const parts: Array<string | Seg> = [];
  const problems: Array<{ message: string; offset: number }> = [];
  let i = 0;
  for (let open = src.indexOf('{{'); open >= 0; open = src.indexOf('{{', i)) {
    const close = closeOf(src, open + 2);
    if (close < 0) {
      problems.push({ message: "unclosed '{{'", offset: open });
      break;
    }
    if (open > i) parts.push(src.slice(i, open));
    const seg = planSegment(src, open, close);
    if ('message' in seg) problems.push(seg);
    else parts.push(seg);
    i = close + 2;
  }
  if (problems.length) return { kind: 'bad', problems };
  if (i < src.length) parts.push(src.slice(i));
  const segs = parts.filter((x) => typeof x !== 'string');
  const whole = segs.length === 1 && parts.every((x) => typeof x !== 'string' || x.trim() === '');
  return { kind: 'segs', parts, whole };
}

/** Where the `}}` closing an expression is: a `}}` or `{{` inside a quoted string is text of the string, and a
 *  `}` closing a dict's brace is the dict's, as Jinja's lexer reads them (`lookup('pipe', '{{ x }} -v')`);
 *  -1 when nothing closes it or a `{{` opens first. */
export function closeOf(src: string, from: number): number {
  let quote = '';
  let depth = 0; // braces of a dict literal: `{{ {'a': {'b': 1}} }}` closes at the last `}}`
  for (let i = from; i < src.length - 1; i++) {
    const ch = src[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '}' && src[i + 1] === '}' && depth === 0) return i;
    else if (ch === '{' && src[i + 1] === '{') return -1;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
  }
  return -1;
}

const plans = new Map<string, Plan>();
export function planOf(src: string): Plan {
  let p = plans.get(src);
  if (!p) {
    if (plans.size > 20000) plans.clear();
    p = makePlan(src);
    plans.set(src, p);
  }
  return p;
}
