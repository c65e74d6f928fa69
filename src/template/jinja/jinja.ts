// Jinja as template.ts uses it: for template files that are not Handlebars (`.hbs`) and for YAML values holding
// `{% %}` or `{# #}`. Compiled once per text; errors become KplayErrors at file:line:col.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { KplayError, type Loc } from '../../core/errors.js';
import { locInString } from '../../core/string-pos.js';
import { type CompiledJinja, compileJinja, type JinjaProblem } from './compile.js';
import { type JinjaOptions, optionsKey } from '../../core/jinja-options.js';
import { JinjaRenderError, type RenderOptions, renderJinja } from './render.js';
import { withOverrides } from './overrides.js';

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
  /** Folders `{% include %}` looks in after the including file's own (those of the templates including it). */
  searchPath?: string[];
  /** How deep in includes this template is. */
  depth?: number;
  /** Lines above the text in its file (a `#jinja2:` header line). */
  shift?: number;
}

/** Includes nested deeper than this are refused (a template including itself). */
const MAX_INCLUDE_DEPTH = 30;

function locOf(src: string, where: JinjaWhere, p: { offset?: number; line?: number; col?: number }): Loc | undefined {
  if (p.offset === undefined) {
    const line = p.line ?? 1;
    const col = p.col ?? 1;
    if (where.file) return { file: where.file, line: line + (where.shift ?? 0), col };
    let offset = 0;
    for (let i = 1; i < line; i++) offset = src.indexOf('\n', offset) + 1;
    return locInString(where.loc, src, offset + col - 1);
  }
  if (where.file) {
    const before = src.slice(0, p.offset);
    const nl = before.lastIndexOf('\n');
    return { file: where.file, line: before.split('\n').length + (where.shift ?? 0), col: p.offset - nl };
  }
  return locInString(where.loc, src, p.offset);
}

function problemError(src: string, where: JinjaWhere, p: JinjaProblem): KplayError {
  const name = where.file ? ` in template ${where.file}` : where.loc?.file ? ` in ${where.loc.file}` : '';
  return new KplayError(`${p.message}${name}`, { code: 'TEMPLATE', loc: locOf(src, where, p), host: where.host });
}

/** Every problem of a template, before any host is touched. */
export function jinjaProblems(text: string, at: JinjaWhere, options: JinjaOptions = {}): KplayError[] {
  const { src, where, o, problem } = overridden(text, at, options);
  // a `#jinja2:` line kplay cannot read fails the render, as in Ansible (a rescue may expect it)
  if (problem) return [];
  const c = compiled(src, o);
  return Array.isArray(c) ? c.map((p) => problemError(src, where, p)) : [];
}

/** The text without its `#jinja2:` settings line, and the options it sets. */
function overridden(text: string, at: JinjaWhere, options: JinjaOptions) {
  const ov = withOverrides(text, options);
  return { src: ov.src, where: ov.shift ? { ...at, shift: ov.shift } : at, o: ov.o, problem: ov.problem };
}

export function renderJinjaText(text: string, vars: object, at: JinjaWhere, options: JinjaOptions = {}): string {
  const { src, where, o, problem } = overridden(text, at, options);
  if (problem) throw problemError(text, at, { message: problem, line: 1, col: 1 });
  const c = compiled(src, o);
  if (Array.isArray(c)) throw problemError(src, where, c[0]!);
  try {
    return renderJinja(c, vars, renderOptions(src, where, o));
  } catch (e) {
    if (e instanceof JinjaRenderError) throw problemError(src, where, { message: e.message, offset: e.offset });
    throw e;
  }
}

/** How a template renders: its includes and imports found from its folder, its errors placed in it. */
function renderOptions(src: string, where: JinjaWhere, o: JinjaOptions): RenderOptions {
  return {
    newline: o.newline,
    include: includer(where, o),
    load: loader(where, o),
    included: !!where.depth,
    located: (e) => problemError(src, where, { message: e.message, offset: e.offset }),
  };
}

/** Folders an included name is looked for in: the including file's, those of the files including it, and the
 *  role's templates/ folder above them (Ansible's search path for a role's template). */
function searchPathOf(where: JinjaWhere): string[] {
  if (!where.file) return where.searchPath ?? [];
  const own = dirname(resolve(where.file));
  const dirs = [own, ...(where.searchPath ?? [])];
  for (let d = own; dirname(d) !== d; d = dirname(d)) {
    if (basename(d) === 'templates') {
      dirs.push(d);
      break;
    }
  }
  return [...new Set(dirs)];
}

/** The file an included or imported name is, and where that template is, or undefined (none found). */
function find(where: JinjaWhere, name: string): { text: string; where: JinjaWhere } | undefined {
  const depth = (where.depth ?? 0) + 1;
  const searchPath = searchPathOf(where);
  const path = isAbsolute(name) ? name : searchPath.map((d) => join(d, name)).find((p) => isFile(p));
  if (!path || !isFile(path)) return undefined;
  if (depth > MAX_INCLUDE_DEPTH) {
    throw new KplayError(`templates include each other more than ${MAX_INCLUDE_DEPTH} deep`, {
      code: 'TEMPLATE',
      loc: { file: path, line: 1, col: 1 },
      host: where.host,
    });
  }
  return { text: readFileSync(path, 'utf8'), where: { file: path, host: where.host, searchPath, depth } };
}

function includer(where: JinjaWhere, o: JinjaOptions) {
  return (name: string, scope: object): string | undefined => {
    const f = find(where, name);
    return f && renderJinjaText(f.text, scope, f.where, o);
  };
}

function loader(where: JinjaWhere, o: JinjaOptions) {
  return (name: string): { c: CompiledJinja; o: RenderOptions } | undefined => {
    const f = find(where, name);
    if (!f) return undefined;
    const c = compiled(f.text, o);
    if (Array.isArray(c)) throw problemError(f.text, f.where, c[0]!);
    return { c, o: renderOptions(f.text, f.where, o) };
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Top-level variables a template reads (for check mode's uncertain variables). */
export function jinjaVariables(src: string): string[] {
  const c = compiled(src);
  return Array.isArray(c) ? [] : [...c.variables];
}
