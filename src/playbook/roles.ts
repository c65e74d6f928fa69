// Roles as Ansible lays them out: <roles>/<name>/{tasks,defaults,vars,handlers,meta,templates,files}.
// Where a role is found, and the name it goes by: role-search.ts.
import { checkVariableNames } from './keyword-contents.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableRoles, findRole } from './role-search.js';
import { didYouMean, type Loc } from '../core/errors.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import { loadYamlFile } from '../core/source.js';
import { inherit, type LoadCtx } from './inherit.js';
import { loadTaskFile, parseTaskList } from './tasks-loader.js';
import { isPlainObject } from '../core/value-utils.js';
import type { Inherited, RoleInstance, TaskNode, Vars } from '../core/types.js';

/** `main.yml`, `main.yaml`, `main` or a folder `main/` of YAML files (merged in name order). */
function readVarsDir(dir: string, base: string, ctx: LoadCtx, names = false): Vars {
  for (const f of [`${base}.yml`, `${base}.yaml`, base]) {
    const p = join(dir, f);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) {
      const out: Vars = {};
      for (const n of readdirSync(p)
        .filter((x) => /\.ya?ml$/.test(x))
        .sort())
        Object.assign(out, readMapping(join(p, n), ctx, names));
      return out;
    }
    return readMapping(p, ctx, names);
  }
  return {};
}

/** A vars file's mapping; `names`: its keys are variables (defaults/, vars/), so each must be a valid name. */
function readMapping(file: string, ctx: LoadCtx, names = false): Vars {
  const data = loadYamlFile(file, { problems: ctx.problems });
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) {
    ctx.problems.add('a vars file must hold a mapping of variable names to values', {
      code: 'VARS',
      loc: locOf(data) ?? { file, line: 1, col: 1 },
    });
    return {};
  }
  if (names) checkVariableNames(data, ctx.problems, 'variable');
  return data;
}

export interface RoleLoad {
  instances: RoleInstance[]; // the role and its dependencies, dependencies first
  tasks: TaskNode[];
}

/** Role entry from `roles:` / meta dependencies: a name or a mapping with `role:` (or `name:`), keywords and params. */
export function parseRoleEntry(
  entry: unknown,
  loc: Loc | undefined,
  ctx: LoadCtx,
): { name: string; entry: Vars } | undefined {
  if (typeof entry === 'string') return { name: entry, entry: {} };
  if (isPlainObject(entry)) {
    const name = entry.role ?? entry.name;
    if (typeof name === 'string') return { name, entry };
    ctx.problems.add("a role entry needs 'role: NAME'", { code: 'PLAYBOOK', loc: locOf(entry) ?? loc });
    return undefined;
  }
  ctx.problems.add(`a role entry must be a name or a mapping, got ${JSON.stringify(entry)}`, { code: 'PLAYBOOK', loc });
  return undefined;
}

/** Load a role: its variables, handlers and tasks, tagged with its own name. Dependencies (meta/main.yml) first. */
export function loadRole(
  name: string,
  loc: Loc | undefined,
  entry: Vars,
  outer: Inherited,
  ctx: LoadCtx,
  seen: Set<string>,
  opts: { tasksFrom?: string; basedir?: string; via?: RoleInstance['via'] } = {},
): RoleLoad {
  const { tasksFrom, basedir } = opts;
  const found = findRole(name, ctx.playbookDir, ctx.problems, basedir);
  if (!('dir' in found)) {
    const near = didYouMean(name, availableRoles(found.searched));
    ctx.problems.add(`role '${name}' not found${near ? ` (did you mean '${near}'?)` : ''}`, {
      code: 'PLAYBOOK',
      loc,
      hint: `searched: ${found.searched.join(', ')}`,
    });
    return { instances: [], tasks: [] };
  }
  const { dir, name: roleName } = found;
  const params: Vars = {};
  for (const [k, v] of Object.entries(entry))
    if (
      !(k in ROLE_ENTRY_KEYWORDS) &&
      k !== 'name' &&
      k !== 'tasks_from' &&
      k !== 'apply' &&
      k !== 'vars_from' &&
      k !== 'defaults_from' &&
      k !== 'handlers_from' &&
      k !== 'public' &&
      k !== 'allow_duplicates'
    )
      params[k] = v;
  const key = `${dir}|${tasksFrom ?? 'main'}|${JSON.stringify(params)}`;
  if (seen.has(key)) return { instances: [], tasks: [] };
  seen.add(key);
  // A role may import itself with another tasks_from (Ansible allows it): the cycle is the same role and file.
  const from = tasksFrom?.replace(/\.ya?ml$/, '');
  const frame = from && from !== 'main' ? `${dir} (tasks_from ${from})` : dir;
  if (ctx.stack.includes(frame)) {
    ctx.problems.add(
      `role dependency cycle: ${[...ctx.stack.filter((s) => !s.endsWith('.yml')), frame].join(' -> ')}`,
      {
        code: 'PLAYBOOK',
        loc,
      },
    );
    return { instances: [], tasks: [] };
  }
  ctx.stack.push(frame);
  try {
    const instances: RoleInstance[] = [];
    const tasks: TaskNode[] = [];
    const inh0 = inherit(outer, entry, [roleName]);
    const meta = readVarsDir(join(dir, 'meta'), 'main', ctx);
    const deps = meta.dependencies;
    if (deps !== undefined && deps !== null && !Array.isArray(deps)) {
      ctx.problems.add(`role '${roleName}': meta dependencies must be a list of roles, got ${JSON.stringify(deps)}`, {
        code: 'PLAYBOOK',
        loc: valueLoc(meta, 'dependencies'),
      });
    }
    if (Array.isArray(deps)) {
      deps.forEach((d, i) => {
        const parsed = parseRoleEntry(d, valueLoc(deps, i), ctx);
        if (!parsed) return;
        const at = valueLoc(deps, i);
        const sub = loadRole(parsed.name, at, parsed.entry, { ...inh0, role: undefined }, ctx, seen, {
          basedir: dirname(dir),
          via: 'dependency',
        });
        instances.push(...sub.instances);
        tasks.push(...sub.tasks);
      });
    }
    const parent = outer.role;
    const role: RoleInstance = {
      name: roleName,
      path: dir,
      params,
      handlers: [],
      ...(opts.via ? { via: opts.via } : {}),
      // as Ansible's include params: only a role reached from another role's task has parents
      ...(parent && opts.via !== 'dependency'
        ? { parents: [{ name: parent.name, path: parent.path }, ...(parent.parents ?? [])] }
        : {}),
      defaults: readVarsDir(
        join(dir, 'defaults'),
        String(entry.defaults_from ?? 'main').replace(/\.ya?ml$/, ''),
        ctx,
        true,
      ),
      vars: readVarsDir(join(dir, 'vars'), String(entry.vars_from ?? 'main').replace(/\.ya?ml$/, ''), ctx, true),
    };
    const inh: Inherited = { ...inh0, role };
    const taskFile = findYaml(join(dir, 'tasks'), tasksFrom ?? 'main');
    if (taskFile) tasks.push(...loadTaskFile(taskFile, loc, inh, ctx));
    else if (tasksFrom)
      ctx.problems.add(`role '${roleName}' has no tasks file '${tasksFrom}'`, {
        code: 'PLAYBOOK',
        loc: keyLoc(entry, 'tasks_from') ?? loc,
      });
    const handlerFile = findYaml(join(dir, 'handlers'), String(entry.handlers_from ?? 'main'));
    if (handlerFile) {
      const data = loadYamlFile(handlerFile, { problems: ctx.problems });
      if (Array.isArray(data)) role.handlers = parseTaskList(data, handlerFile, { ...inh, when: [] }, ctx, true);
    }
    instances.push(role);
    return { instances, tasks };
  } finally {
    ctx.stack.pop();
  }
}

function findYaml(dir: string, base: string): string | undefined {
  const b = base.replace(/\.ya?ml$/, '');
  return [`${b}.yml`, `${b}.yaml`, b].map((f) => join(dir, f)).find((p) => existsSync(p) && statSync(p).isFile());
}
