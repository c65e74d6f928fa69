// Jinja as template.ts uses it: for template files that are not Handlebars (`.hbs`) and for YAML values holding
// `{% %}` or `{# #}`. Compiled once per text; errors become KplayErrors at file:line:col.
import { KplayError, type Loc } from '../../core/errors.js';
import { locInString } from '../../core/string-pos.js';
import { type CompiledJinja, compileJinja, type JinjaProblem } from './compile.js';
import { type JinjaOptions, optionsKey } from '../../core/jinja-options.js';
import { JinjaRenderError, renderJinja } from './render.js';

/** Does a YAML string value hold Jinja statements or comments (not only `{{ }}`)? */
export function hasJinjaStatements(s: string): boolean {
  if (s.includes('{%')) return true;
  const c = s.indexOf('{#');
  return c >= 0 && s.indexOf('#}', c + 2) > 0;
}

const cache = new Map<string, CompiledJinja | JinjaProblem[]>();
const MAX_CACHED = 5000;

export function compiled(src: string, o: JinjaOptions = {}): CompiledJinja | JinjaProblem[] {
  const key = `${optionsKey(o)}\0${src}`;
  let c = cache.get(key);
  if (c) return c;
  c = compileJinja(src, o);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, c);
  return c;
}

/** Where a template's text is: a file (positions are its own) or a YAML value at `loc`. */
export interface JinjaWhere {
  file?: string;
  loc?: Loc;
  host?: string;
}

function locOf(src: string, where: JinjaWhere, p: { offset?: number; line?: number; col?: number }): Loc | undefined {
  if (p.offset === undefined) {
    const line = p.line ?? 1;
    const col = p.col ?? 1;
    if (where.file) return { file: where.file, line, col };
    let offset = 0;
    for (let i = 1; i < line; i++) offset = src.indexOf('\n', offset) + 1;
    return locInString(where.loc, src, offset + col - 1);
  }
  if (where.file) {
    const before = src.slice(0, p.offset);
    const nl = before.lastIndexOf('\n');
    return { file: where.file, line: before.split('\n').length, col: p.offset - nl };
  }
  return locInString(where.loc, src, p.offset);
}

function problemError(src: string, where: JinjaWhere, p: JinjaProblem): KplayError {
  const name = where.file ? ` in template ${where.file}` : where.loc?.file ? ` in ${where.loc.file}` : '';
  return new KplayError(`${p.message}${name}`, { code: 'TEMPLATE', loc: locOf(src, where, p), host: where.host });
}

/** Every problem of a template, before any host is touched. */
export function jinjaProblems(src: string, where: JinjaWhere, o: JinjaOptions = {}): KplayError[] {
  const c = compiled(src, o);
  return Array.isArray(c) ? c.map((p) => problemError(src, where, p)) : [];
}

export function renderJinjaText(src: string, vars: object, where: JinjaWhere, o: JinjaOptions = {}): string {
  const c = compiled(src, o);
  if (Array.isArray(c)) throw problemError(src, where, c[0]!);
  try {
    return renderJinja(c, vars, o.newline);
  } catch (e) {
    if (e instanceof JinjaRenderError) throw problemError(src, where, { message: e.message, offset: e.offset });
    throw e;
  }
}

/** Top-level variables a template reads (for check mode's uncertain variables). */
export function jinjaVariables(src: string): string[] {
  const c = compiled(src);
  return Array.isArray(c) ? [] : [...c.variables];
}
