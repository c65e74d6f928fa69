// Everything that can be checked without a host, after the files were read: conditions compile, templates
// parse, template and copy sources exist, handlers named by notify exist. Problems are added, not thrown.
import { existsSync, readdirSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { isTemplated } from '../playbook/module-args.js';
import { didYouMean, type Loc, Problems } from '../core/errors.js';
import { compileExpr } from '../expr/expr.js';
import { findSource, candidates } from '../playbook/lookup-paths.js';
import { valueLoc } from '../core/places.js';
import { checkTemplateFile, checkTemplateSyntax } from '../template/template.js';
import { jinjaOptionsOf } from '../core/jinja-options.js';
import { flatten } from '../playbook/listing.js';
import { toList } from '../playbook/inherit.js';
import { builtins, type ModuleRegistry } from '../tasks/index.js';
import type { Condition, Playbook, Task, TaskNode, Vars } from '../core/types.js';

const CONDITION_KEYS = ['changed_when', 'failed_when', 'until'];

export function validatePlaybook(pb: Playbook, problems: Problems, modules: ModuleRegistry = builtins): void {
  const checkedTemplates = new Set<string>();
  for (const play of pb.plays) {
    const handlerNames = new Set<string>();
    for (const h of flatten(play.handlers)) {
      if (h.name) handlerNames.add(h.name);
      for (const l of toList(h.keywords.listen)) handlerNames.add(l);
    }
    const all = [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers];
    const roles = new Set(play.roles.map((r) => r.path));
    const made = new Set<string>();
    walk(all, problems, (t, into) => {
      if (t.role) roles.add(t.role.path);
      checkNode(t, pb, into, modules, handlerNames, { templates: checkedTemplates, made });
      for (const p of controllerWrites(t)) made.add(p);
    });
    // every Jinja template of the roles a play uses parses, named by the tasks or not (`src: "{{ item }}.j2"`)
    for (const r of roles) {
      for (const f of roleTemplates(r)) {
        if (checkedTemplates.has(f)) continue;
        checkedTemplates.add(f);
        for (const e of checkTemplateFile(f)) problems.push(e);
      }
    }
    checkStrings(play.keywords, play.loc, problems, new Set(['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles']));
  }
}

/** Jinja template files (`.j2`, `.jinja2`, `.jinja`) under a role's templates/ folder. */
function roleTemplates(rolePath: string): string[] {
  const dir = join(rolePath, 'templates');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && JINJA_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const JINJA_FILE = /\.(j2|jinja2?)$/;

/** A handler named by a template ("restart {{ svc }}") may answer to `name` once rendered at run time. */
function templateMatches(template: string, name: string): boolean {
  if (!template.includes('{{')) return false;
  const parts = template.split(/\{\{.*?\}\}/s).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(name);
}

/** Visits every node; the problems of an include's file go to the include (`deferred`), not to the run. */
function walk(nodes: TaskNode[], problems: Problems, fn: (t: TaskNode, into: Problems) => void): void {
  for (const n of nodes) {
    fn(n, problems);
    if (n.kind === 'block') {
      walk(n.block, problems, fn);
      walk(n.rescue, problems, fn);
      walk(n.always, problems, fn);
    } else if (n.kind !== 'task' && n.loaded) {
      const own = new Problems();
      walk(n.loaded, own, fn);
      if (own.size) {
        n.deferred = own.list;
        n.loaded = undefined;
      }
    }
  }
}

/** "file:line:col: include_tasks x.yml: its first problem (N more)" for each include whose file has problems:
 *  said before the run; the hosts that reach such an include fail there, as in Ansible. */
export function deferredWarnings(pb: Playbook): string[] {
  const out: string[] = [];
  const visit = (nodes: TaskNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'block') [n.block, n.rescue, n.always].forEach(visit);
      else if (n.kind !== 'task' && n.loaded) visit(n.loaded);
      else if (n.deferred?.length) {
        const [first, ...rest] = n.deferred;
        const more = rest.length ? ` (and ${rest.length} more)` : '';
        const why = `${locText(first!.loc)}: ${first!.message}${more}`;
        const what =
          n.kind === 'task'
            ? `task ${n.name ?? n.module} fails when it runs`
            : `${n.kind} ${n.target} fails a host that reaches it`;
        out.push(`${locText(n.loc)}: ${what}: ${why}`);
      }
    }
  };
  for (const play of pb.plays) visit([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
  return out;
}

const locText = (l: Loc | undefined): string => (l ? `${l.file}:${l.line}:${l.col}` : '?');

// conditions inherited by many tasks are the same objects: check each once
const seenConditions = new WeakSet<Condition>();

function checkCondition(c: Condition, problems: Problems): void {
  if (typeof c.source !== 'string' || seenConditions.has(c)) return;
  seenConditions.add(c);
  problems.catch(() => compileExpr(c.source as string, c.loc));
}

function checkNode(
  t: TaskNode,
  pb: Playbook,
  problems: Problems,
  modules: ModuleRegistry,
  handlers: Set<string>,
  seen: { templates: Set<string>; made: Set<string> },
): void {
  for (const c of t.when) checkCondition(c, problems);
  for (const k of CONDITION_KEYS) {
    const v = t.keywords[k];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    list.forEach((c, i) =>
      checkCondition({ source: c as string, loc: Array.isArray(v) ? valueLoc(v, i) : valueLoc(t.raw, k) }, problems),
    );
  }
  for (const n of toList(t.keywords.notify)) {
    if (isTemplated(n) || handlers.has(n) || [...handlers].some((h) => templateMatches(h, n))) continue;
    const near = didYouMean(n, handlers);
    problems.add(`notify: no handler named '${n}' in this play${near ? ` (did you mean '${near}'?)` : ''}`, {
      code: 'PLAYBOOK',
      loc: valueLoc(t.raw, 'notify') ?? t.loc,
      task: t.name,
    });
  }
  if (t.kind !== 'task') return;
  // a task whose failure the playbook handles fails when it runs, not before (tasks-loader's `mayFail`)
  const own = t.mayFail ? new Problems() : problems;
  checkStrings(t.args, t.loc, own, new Set(), (k) => t.argLocs(k));
  checkSources(t, pb, own, modules, seen);
  if (own !== problems && own.size) t.deferred = [...(t.deferred ?? []), ...own.list];
}

/** Every templated string parses as a template. */
function checkStrings(
  v: unknown,
  at: Loc | undefined,
  problems: Problems,
  skip: Set<string>,
  locOf?: (k: string) => Loc | undefined,
): void {
  const visit = (x: unknown, loc: Loc | undefined) => {
    if (typeof x === 'string') {
      if (isTemplated(x)) for (const e of checkTemplateSyntax(x, { loc, name: loc?.file ?? 'value' })) problems.push(e);
    } else if (Array.isArray(x)) x.forEach((y, i) => visit(y, valueLoc(x, i) ?? loc));
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) visit(y, valueLoc(x, k) ?? loc);
  };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, y] of Object.entries(v as Vars)) if (!skip.has(k)) visit(y, locOf?.(k) ?? valueLoc(v, k) ?? at);
  }
}

/** The paths a task acting on the controller (delegate_to: localhost, local_action) names as it writes them. */
function controllerWrites(t: TaskNode): string[] {
  if (t.kind !== 'task') return [];
  const to = t.keywords.delegate_to;
  if (t.keywords.local_action === undefined && to !== 'localhost' && to !== '127.0.0.1') return [];
  return ['path', 'dest', 'name']
    .map((k) => t.args[k])
    .filter((v): v is string => typeof v === 'string' && !isTemplated(v))
    .map((v) => normalize(v).replace(/\/+$/, ''));
}

/** A controller file a module names (template's, copy's `src:`) that is not templated must exist now, unless an
 *  earlier task writes it on the controller (it is looked for again when the task runs); a template must parse. */
function checkSources(
  t: Task,
  pb: Playbook,
  problems: Problems,
  modules: ModuleRegistry,
  seen: { templates: Set<string>; made: Set<string> },
): void {
  const source = modules.find(t.module)?.controllerSource?.(t.args);
  const src = source ? t.args[source.arg] : undefined;
  if (!source || typeof src !== 'string' || isTemplated(src)) return;
  const found = findSource(source.kind, src, t.role, pb.dir);
  const bare = normalize(src).replace(/\/+$/, '');
  if (!found && [...seen.made].some((m) => bare === m || bare.startsWith(`${m}/`))) return;
  if (!found) {
    const what = source.kind === 'templates' ? 'template' : `${t.module} source`;
    problems.add(`${what} not found: ${src}`, {
      code: source.kind === 'templates' ? 'TEMPLATE' : 'PLAYBOOK',
      loc: t.argLocs(source.arg),
      task: t.name,
      hint: `looked in: ${candidates(source.kind, src, t.role, pb.dir).join(', ')}`,
    });
    return;
  }
  if (source.kind !== 'templates' || seen.templates.has(found)) return;
  seen.templates.add(found);
  const literal = Object.fromEntries(
    Object.entries(t.args).filter(([, v]) => typeof v !== 'string' || !isTemplated(v)),
  );
  for (const e of checkTemplateFile(found, jinjaOptionsOf(literal))) problems.push(e);
}
