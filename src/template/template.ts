// Templates. Template files are Jinja (jinja/, as Ansible's) unless named `.hbs`: kplay's own roles use
// Handlebars (noEscape; strictness by kplay's own pass, see ast.ts): `{{lookup hostvars h}}`, `{{default x 'a'}}`,
// `{{join groups.etcd ","}}`, `{{#each groups.etcd}}...{{/each}}`. A YAML string value with `{% %}` or `{# #}`
// is Jinja; one with only `{{ }}` is read here, as Handlebars or as a kplay expression as Ansible users write it
// (`{{ groups['etcd'] | length }}`, `{{ x | default('a') }}`). A YAML value that is one `{{ }}` keeps its type
// (`"{{ groups.etcd }}"` is the list).
import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { KplayError, type Loc } from '../core/errors.js';
import { evalExpr, exprVariables } from '../expr/expr.js';
import { copyPlaces } from '../core/places.js';
import { rememberText } from '../core/source-text.js';
import { locInString } from '../core/string-pos.js';
import { astVariables, evalMustache, TplError, type HNode } from './ast.js';
import { compileHbs, offsetOf, planOf, type Render, type Seg } from './plan.js';
import { isPlainObject } from '../core/value-utils.js';
import { pyStr } from '../core/py-repr.js';
import { typedResult } from './typed-result.js';
import { pyDatetime } from '../expr/filters-py.js';

const pyText = (v: unknown): string => (v === null || v === undefined ? '' : pyStr(v));
import { hasJinjaStatements, jinjaProblems, jinjaVariables, renderJinjaText } from './jinja/jinja.js';
import { doubleValueBackslashes } from './jinja/value-backslashes.js';
import type { JinjaOptions } from '../core/jinja-options.js';

/** Template files named so are Handlebars; every other one is Jinja. */
export const isHandlebarsFile = (path: string): boolean => /\.(hbs|handlebars)$/.test(path);

/** Does a string need rendering at all? */
export const isTemplateText = (s: string): boolean => s.includes('{{') || hasJinjaStatements(s);

export interface RenderCtx {
  vars: Record<string, unknown>;
  host?: string;
}

function fail(
  message: string,
  ctx: RenderCtx | undefined,
  loc: Loc | undefined,
  name: string | undefined,
  hint?: string,
): KplayError {
  return new KplayError(name ? `${message} in ${name}` : message, { code: 'TEMPLATE', loc, host: ctx?.host, hint });
}

function evalSeg(seg: Seg, src: string, ctx: RenderCtx, where?: { loc?: Loc; name?: string }): unknown {
  const name = where?.name ?? where?.loc?.file;
  try {
    if (seg.node) return evalMustache(seg.node, ctx.vars);
    const v = evalExpr(seg.expr!, ctx.vars);
    // Jinja's undefined from a filter (an empty list's first or last) fails where it is used, as in Ansible
    if (v === undefined)
      throw fail(
        `'${src
          .slice(seg.innerStart)
          .replace(/\s*}}[\s\S]*$/, '')
          .trim()}' has no value`,
        ctx,
        where?.loc,
        name,
      );
    return v;
  } catch (e) {
    if (e instanceof TplError) {
      const off = seg.start + offsetOf(src.slice(seg.start), e.line, e.col);
      throw fail(e.message, ctx, locInString(where?.loc, src, off), name, e.hint);
    }
    if (e instanceof KplayError && seg.expr) {
      const inner = src.slice(seg.innerStart);
      const off = seg.innerStart + offsetOf(inner, e.loc?.line ?? 1, e.loc?.col ?? 1);
      throw fail(e.message.replace(/ in '[\s\S]*'$/, ''), ctx, locInString(where?.loc, src, off), name);
    }
    throw e;
  }
}

export function renderString(src: string, ctx: RenderCtx, where?: { loc?: Loc; name?: string }): unknown {
  if (typeof src !== 'string' || !isTemplateText(src)) return src;
  if (hasJinjaStatements(src))
    return typedResult(
      src,
      renderJinjaText(doubleValueBackslashes(src), ctx.vars, { loc: where?.loc, host: ctx.host }),
    );
  const plan = planOf(src);
  const name = where?.name ?? where?.loc?.file;
  if (plan.kind === 'bad') {
    const p = plan.problems[0]!;
    throw fail(p.message, ctx, locInString(where?.loc, src, p.offset), name, p.hint);
  }
  if (plan.kind === 'hbs') {
    try {
      return plan.render(ctx.vars);
    } catch (e) {
      if (!(e instanceof TplError)) throw e;
      throw fail(e.message, ctx, locInString(where?.loc, src, offsetOf(src, e.line, e.col)), name, e.hint);
    }
  }
  if (plan.whole) {
    const seg = plan.parts.find((x): x is Seg => typeof x !== 'string')!;
    const v = evalSeg(seg, src, ctx, where);
    // a lookup that gives None (errors='ignore') renders as '', as in Ansible (where every expression but a lone
    // variable does; kplay keeps other None values, which a module takes as an argument not given)
    if (seg.expr && (v === null || v === undefined) && /\b(lookup|query|q)\s*\(/.test(src)) return '';
    // a text keeps the blanks around it (`"{{ x }}\n"`), as Ansible joins them; other values keep their type
    if (typeof v !== 'string' || plan.parts.length === 1) return v;
    return plan.parts.map((x) => (typeof x === 'string' ? x : v)).join('');
  }
  let out = '';
  // a value inside text prints as Python prints it (`True`, `['a']`), None as nothing: as Ansible's templating
  for (const part of plan.parts) out += typeof part === 'string' ? part : pyText(evalSeg(part, src, ctx, where));
  return typedResult(src, out);
}

export function renderDeep(
  value: unknown,
  ctx: RenderCtx,
  locFor?: (parent: object, key: string | number) => Loc | undefined,
): unknown {
  const walk = (v: unknown, parent: object | undefined, key: string | number): unknown => {
    if (typeof v === 'string')
      return isTemplateText(v) ? renderString(v, ctx, { loc: parent && locFor ? locFor(parent, key) : undefined }) : v;
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x, i) => {
        const r = walk(x, v, i);
        if (r !== x) changed = true;
        return r;
      });
      if (!changed) return v;
      copyPlaces(v, out);
      return out;
    }
    if (isPlainObject(v)) {
      let changed = false;
      const entries = Object.entries(v).map(([k, x]) => {
        const r = walk(x, v, k);
        if (r !== x) changed = true;
        return [k, r] as const;
      });
      if (!changed) return v;
      const out = Object.fromEntries(entries);
      copyPlaces(v, out);
      return out;
    }
    return v;
  };
  return walk(value, undefined, '');
}

const files = new Map<string, { text: string; r: { render: Render; ast: HNode } | TplError[] }>();

const texts = new Map<string, { mtimeMs: number; size: number; text: string }>();

/** A template file's text, read again only when it changed (and remembered for error snippets). */
function fileText(path: string): string {
  const st = statSync(path);
  const hit = texts.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
  const text = readFileSync(path, 'utf8');
  rememberText(path, text);
  texts.set(path, { mtimeMs: st.mtimeMs, size: st.size, text });
  return text;
}

function loadFile(path: string): { render: Render; ast: HNode } | TplError[] {
  const text = fileText(path);
  const hit = files.get(path);
  if (hit?.text === text) return hit.r;
  const r = compileHbs(text);
  files.set(path, { text, r });
  return r;
}

const fileErr = (t: TplError, path: string, host?: string): KplayError =>
  new KplayError(`${t.message} in template ${path}`, {
    code: 'TEMPLATE',
    loc: { file: path, line: t.line, col: t.col },
    host,
    hint: t.hint,
  });

/** What Ansible's template module adds to a Jinja template's variables (they win over the play's). */
function fileVars(path: string, vars: object, dest?: string): object {
  const full = resolve(path);
  let uid: string;
  let mtime = '';
  try {
    const st = statSync(full);
    mtime = pyDatetime(st.mtimeMs);
    uid = String(st.uid);
    uid = userInfo().uid === Number(uid) ? userInfo().username : uid;
  } catch {
    uid = '';
  }
  return Object.create(vars, {
    ansible_managed: { value: 'Ansible managed', enumerable: true },
    template_path: { value: path, enumerable: true },
    template_fullpath: { value: full, enumerable: true },
    template_host: { value: hostname(), enumerable: true },
    template_uid: { value: uid, enumerable: true },
    ...(dest === undefined ? {} : { template_destpath: { value: dest, enumerable: true } }),
    template_mtime: { value: mtime, enumerable: true },
    template_run_date: { value: pyDatetime(Date.now()), enumerable: true },
  }) as object;
}

export function renderTemplateFile(path: string, ctx: RenderCtx, o?: JinjaOptions): string {
  if (!isHandlebarsFile(path))
    return renderJinjaText(fileText(path), fileVars(path, ctx.vars, o?.destPath), { file: path, host: ctx.host }, o);
  const r = loadFile(path);
  if (Array.isArray(r)) throw fileErr(r[0]!, path, ctx.host);
  try {
    return r.render(ctx.vars);
  } catch (e) {
    if (e instanceof TplError) throw fileErr(e, path, ctx.host);
    throw e;
  }
}

/** Parse-only check (no data): syntax errors and unknown helper names, each with its position. */
export function checkTemplateSyntax(
  src: string,
  where: { loc?: Loc; name: string },
  mode: 'value' | 'file' = 'value',
): KplayError[] {
  if (typeof src !== 'string' || !isTemplateText(src)) return [];
  if (hasJinjaStatements(src)) return jinjaProblems(src, { loc: where.loc });
  if (mode === 'file') {
    const r = compileHbs(src);
    if (!Array.isArray(r)) return [];
    return r.map((t) =>
      fail(
        t.message,
        undefined,
        where.loc
          ? locInString(where.loc, src, offsetOf(src, t.line, t.col))
          : { file: where.name, line: t.line, col: t.col },
        where.name,
        t.hint,
      ),
    );
  }
  const plan = planOf(src);
  if (plan.kind !== 'bad') return [];
  return plan.problems.map((p) =>
    fail(p.message, undefined, locInString(where.loc, src, p.offset), where.name, p.hint),
  );
}

export function checkTemplateFile(path: string, o?: JinjaOptions): KplayError[] {
  let r: ReturnType<typeof loadFile>;
  try {
    if (!isHandlebarsFile(path)) return jinjaProblems(fileText(path), { file: path }, o);
    r = loadFile(path);
  } catch (e) {
    return [new KplayError(`cannot read template ${path}: ${(e as Error).message}`, { code: 'NOT_FOUND' })];
  }
  return Array.isArray(r) ? r.map((t) => fileErr(t, path)) : [];
}

/** Top-level variable names a template (or YAML value) reads, best effort. */
export function templateVariables(src: string): string[] {
  if (typeof src !== 'string' || !isTemplateText(src)) return [];
  if (hasJinjaStatements(src)) return jinjaVariables(src);
  const out = new Set<string>();
  const plan = planOf(src);
  if (plan.kind === 'hbs') astVariables(plan.ast.type === 'Program' ? plan.ast : undefined, out);
  if (plan.kind === 'segs') {
    for (const s of plan.parts) {
      if (typeof s === 'string') continue;
      if (s.node) astVariables({ type: 'Program', body: [s.node] }, out);
      else for (const v of exprVariables(s.expr!)) out.add(v);
    }
  }
  return [...out];
}
