// Lookups on the controller, as Ansible runs them: `lookup('env', 'HOME')`, `lookup('file', 'ca.pem')`,
// `lookup('vars', 'name', default='')`, `lookup('template', 'x.j2')`, `lookup('password', '/dev/null')`,
// `lookup('pipe', 'date')` (and lookups-lists.ts: items, dict, nested, lines ...), and `query(...)`/`q(...)`
// (always a list).
// A relative file is looked for as Ansible does: under the role's folder (`files/` or `templates/`, then the
// folder itself), then the playbook's, read from the `role_path` and `playbook_dir` variables; then the current
// folder. `errors='ignore'` turns a failure into none (lookup) or [] (query); `wantlist=True` keeps the list.
// Rendering a template belongs to template/, which expr/ may not import: the layer that builds a task's variables
// hands it in as the scope's lookup context (withLookupContext), data carried by the scope itself.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { didYouMean } from '../core/errors.js';
import { FilterError, type KwArgs } from './filters-base.js';
import { pyType } from './py-format.js';
import { CONFIG_OPTIONS, configLookup } from './lookup-config.js';
import { CSVFILE_OPTIONS, csvfile } from './lookup-csvfile.js';
import { PASSWORD_OPTIONS, passwords } from './lookup-password.js';
import { scopeGet, toText, truthy } from '../core/value-utils.js';
import { MORE_LOOKUPS, type Plugin, runPipe } from './lookups-lists.js';
import { contextOf, lookupDir } from './lookup-context.js';
import { convertedData } from './literal-eval.js';
import type { JinjaOptions } from '../core/jinja-options.js';

export { isolatedScope, LOOKUP_CONTEXT, type LookupContext, withLookupContext } from './lookup-context.js';

/** The folders a relative path is looked for in, each tried with `sub/` first: role, playbook, current folder. */
function searchDirs(scope: object): string[] {
  const dirs = [lookupDir(scope, 'role_path'), contextOf(scope).taskDir, lookupDir(scope, 'playbook_dir')].filter(
    (d): d is string => typeof d === 'string' && d !== '',
  );
  return [...new Set([...dirs.map((d) => resolve(d)), resolve('.')])];
}

function findFile(scope: object, sub: string, name: string, what: string): string {
  if (isAbsolute(name)) {
    if (isFile(name)) return name;
    throw new FilterError(`no ${what} '${name}'`);
  }
  const dirs = searchDirs(scope);
  for (const d of dirs) for (const p of [join(d, sub, name), join(d, name)]) if (isFile(p)) return p;
  throw new FilterError(`no ${what} '${name}' (looked in ${dirs.map((d) => `${d}/${sub}/, ${d}/`).join(', ')})`);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** first_found's candidates in order: names (a text may list several, split on `,` and `;`), and each
 *  `{files, paths}` mapping (or the `files=`/`paths=` options) as every path joined with every file. */
function firstFoundOf(terms: unknown[], o: KwArgs): string[] {
  const words = (v: unknown): string[] =>
    (Array.isArray(v) ? v.flat(Infinity) : v === undefined ? [] : [v]).flatMap((x) =>
      toText(x)
        .split(/[,;]/)
        .map((w) => w.trim())
        .filter(Boolean),
    );
  // paths may also be separated by `:` (Ansible's older form, `paths: a/b:/etc`)
  const paths = (v: unknown): string[] => words(v).flatMap((w) => w.split(':').filter(Boolean));
  const combine = (files: string[], paths: string[]): string[] =>
    paths.length ? paths.flatMap((p) => files.map((f) => (isAbsolute(f) ? f : join(p, f)))) : files;
  const out: string[] = [];
  for (const t of terms.flat(Infinity)) {
    if (t && typeof t === 'object') {
      const m = t as Record<string, unknown>;
      out.push(...combine(words(m.files), paths(m.paths)));
    } else out.push(...combine(words(t), paths(o.paths)));
  }
  if (o.files !== undefined) out.push(...combine(words(o.files), paths(o.paths)));
  return out;
}

function tryFind(scope: object, name: string): string | undefined {
  try {
    return findFile(scope, 'files', name, 'file');
  } catch {
    return undefined;
  }
}

/** Python's `<class 'int'>` of a value, as Ansible's messages name a type. */
const pyClass = (v: unknown): string => `<class '${pyType(v)}'>`;

const names = (terms: unknown[]): string[] =>
  terms.map((t) => {
    if (typeof t !== 'string') throw new FilterError(`the terms must be strings, got ${pyType(t)}`);
    return t;
  });

const TEMPLATE_OPTIONS = [
  'convert_data',
  'template_vars',
  'jinja2_native',
  'variable_start_string',
  'variable_end_string',
  'comment_start_string',
  'comment_end_string',
];

/** lookup('template')'s `template_vars`: variables over the task's. */
function templateVars(scope: object, extra: unknown): object {
  if (extra === undefined || extra === null) return scope;
  if (typeof extra !== 'object' || Array.isArray(extra))
    throw new FilterError(`template_vars must be a dict, got ${pyType(extra)}`);
  const out = Object.create(scope) as object;
  for (const [k, v] of Object.entries(extra))
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function templateOptions(o: KwArgs): JinjaOptions {
  const s = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new FilterError(`${k} must be a string, got ${pyType(v)}`);
    return v;
  };
  return {
    variableStart: s('variable_start_string'),
    variableEnd: s('variable_end_string'),
    commentStart: s('comment_start_string'),
    commentEnd: s('comment_end_string'),
  };
}

const PLUGINS: Record<string, { kw: string[]; run: Plugin }> = {
  env: {
    kw: ['default'],
    run: (terms, o) => names(terms).map((n) => process.env[n] ?? (o.default === undefined ? '' : o.default)),
  },
  file: {
    kw: ['rstrip', 'lstrip'],
    run: (terms, o, scope) =>
      names(terms).map((n) => {
        let text = readFileSync(findFile(scope, 'files', n, 'file'), 'utf8');
        if (o.rstrip !== false) text = text.trimEnd();
        if (o.lstrip === true) text = text.trimStart();
        return text;
      }),
  },
  vars: {
    kw: ['default'],
    run: (terms, o, scope) =>
      terms.map((n) => {
        if (typeof n !== 'string')
          throw new FilterError(`Invalid setting identifier, "${toText(n)}" is not a string, its a ${pyClass(n)}`);
        const v = scopeGet(scope, n);
        if (v !== undefined) return v;
        if (o.default !== undefined) return o.default;
        throw new FilterError(`No variable found with this name: ${n}`);
      }),
  },
  first_found: {
    kw: ['files', 'paths', 'skip'],
    run: (terms, o, scope) => {
      const found = firstFoundOf(terms, o).find((n) => tryFind(scope, n) !== undefined);
      if (found !== undefined) return [tryFind(scope, found)];
      const skipped = terms.some((t) => t !== null && typeof t === 'object' && truthy((t as KwArgs).skip));
      if (truthy(o.skip) || skipped) return [];
      throw new FilterError('No file was found when using first_found.');
    },
  },
  config: { kw: CONFIG_OPTIONS, run: (terms, o, scope) => configLookup(terms, o, scope) },
  csvfile: { kw: CSVFILE_OPTIONS, run: (terms, o, scope) => csvfile(terms, o, (n) => tryFind(scope, n)) },
  password: { kw: PASSWORD_OPTIONS, run: (terms, o, scope) => passwords(terms, o, scope) },
  pipe: {
    kw: [],
    run: (terms, _o, scope) => names(terms).map((cmd) => runPipe(cmd, scope)),
  },
  template: {
    kw: TEMPLATE_OPTIONS,
    run: (terms, o, scope) => {
      const render = contextOf(scope).renderTemplate;
      if (!render) throw new FilterError('templates cannot be rendered here');
      const vars = templateVars(scope, o.template_vars);
      const jo = templateOptions(o);
      return names(terms).map((n) => {
        const text = render(findFile(scope, 'templates', n, 'template'), vars, jo);
        return o.convert_data === false ? text : (convertedData(text)?.value ?? text);
      });
    },
  },
  ...MORE_LOOKUPS,
};

/** `lookup('pipe', cmd)`: the command run by /bin/sh on the controller, in the playbook's folder, as Ansible runs
 *  it; its output without trailing whitespace. A non-zero exit is an error naming the command and the code. */
const COMMON_KW = ['wantlist', 'errors'];
const PREFIX = 'ansible.builtin.';
const bare = (n: string): string => (n.startsWith(PREFIX) ? n.slice(PREFIX.length) : n);

/** The functions that run lookups. */
export const LOOKUP_FUNCTIONS = new Set(['lookup', 'query', 'q']);

/** The compile-time check of a literal plugin name and keyword arguments: undefined when fine. */
export function lookupProblem(plugin: string, kw: string[]): { problem: string; kwIndex?: number } | undefined {
  const p = Object.hasOwn(PLUGINS, bare(plugin)) ? PLUGINS[bare(plugin)] : undefined;
  if (!p) {
    const guess = didYouMean(bare(plugin), Object.keys(PLUGINS));
    const hint = guess ? `did you mean '${guess}'?` : `kplay has ${Object.keys(PLUGINS).join(', ')}`;
    return { problem: `unknown lookup '${plugin}' (${hint})` };
  }
  const allowed = [...p.kw, ...COMMON_KW];
  const i = kw.findIndex((k) => !allowed.includes(k));
  if (i < 0) return undefined;
  const guess = didYouMean(kw[i]!, allowed);
  const hint = guess ? `did you mean '${guess}'?` : `it takes ${allowed.join(', ')}`;
  return { problem: `lookup '${plugin}' has no option '${kw[i]}' (${hint})`, kwIndex: i };
}

/** A lookup's terms, each text holding a template rendered first (Ansible templates them before the lookup). */
function templatedTerms(terms: unknown[], scope: object): unknown[] {
  const render = contextOf(scope).renderText;
  if (!render) return terms;
  return terms.map((t) => (typeof t === 'string' && (t.includes('{{') || t.includes('{%')) ? render(t, scope) : t));
}

/** `lookup(name, terms..., options)`: a list for query/q or wantlist=True, else Ansible's single value. */
export function callLookup(fn: string, args: unknown[], kw: KwArgs, scope: object): unknown {
  if (args.length === 0 || typeof args[0] !== 'string') throw new FilterError(`${fn}() needs a lookup name first`);
  const name = args[0];
  const p = Object.hasOwn(PLUGINS, bare(name)) ? PLUGINS[bare(name)]! : undefined;
  const problem = lookupProblem(name, Object.keys(kw));
  if (!p || problem) throw new FilterError(problem!.problem);
  const wantlist = fn !== 'lookup' || kw.wantlist === true;
  const errors = kw.errors === undefined ? 'strict' : toText(kw.errors);
  if (!['strict', 'warn', 'ignore'].includes(errors))
    throw new FilterError(`errors must be 'strict', 'warn' or 'ignore', got '${errors}'`);
  const opts = Object.create(null) as KwArgs;
  for (const k of Object.keys(kw)) if (!COMMON_KW.includes(k)) opts[k] = kw[k];
  let out: unknown[];
  try {
    out = p.run(templatedTerms(args.slice(1), scope), opts, scope);
  } catch (e) {
    const err = e instanceof FilterError ? e : new FilterError((e as Error).message);
    if (errors === 'strict') throw new FilterError(`lookup '${name}': ${err.message}`);
    return wantlist ? [] : null;
  }
  if (wantlist || out.length === 0) return out;
  if (out.every((x) => typeof x === 'string')) return out.join(',');
  return out.length === 1 ? out[0] : out;
}
