// Task lists read from YAML: tasks, blocks, imports and includes, each task's module and arguments resolved
// against the registry, keywords checked; every problem found is recorded with its position.
import { checkKeywordContents, checkSetVarNames } from './keyword-contents.js';
import { dirname, resolve } from 'node:path';
import { checkArgs, isTemplated } from './module-args.js';
import { didYouMean, KplayError, type Loc, Problems } from '../core/errors.js';
import {
  BLOCK_KEYWORDS,
  HANDLER_KEYWORDS,
  INCLUDE_ACTIONS,
  TASK_KEYWORDS,
  UNSUPPORTED,
  type KeywordCheck,
  taskKeywords,
} from './keywords.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import { loadYamlFile } from '../core/source.js';
import { canonicalModuleName } from '../tasks/index.js';
import type { Block, Include, Inherited, Task, TaskNode, Vars } from '../core/types.js';
import { existsSync } from 'node:fs';
import { isPlainObject, toBool } from '../core/value-utils.js';
import { findAction, moduleArgs } from './task-action.js';
import { includeOptions } from './include-args.js';
import { mergeModuleDefaults, withModuleDefaults } from './module-defaults.js';
import { type LoadCtx, toList, conditions, inherit, ownVars, unique } from './inherit.js';

/** Read a file of tasks. A missing file or one that is not a list is recorded as a problem. */
export function loadTaskFile(
  file: string,
  loc: Loc | undefined,
  inh: Inherited,
  ctx: LoadCtx,
  handlers = false,
): TaskNode[] {
  if (ctx.stack.includes(file)) {
    ctx.problems.add(`import cycle: ${[...ctx.stack, file].join(' -> ')}`, { code: 'PLAYBOOK', loc });
    return [];
  }
  if (!existsSync(file)) {
    ctx.problems.add(`tasks file not found: ${file}`, { code: 'PLAYBOOK', loc });
    return [];
  }
  const data = loadYamlFile(file, { problems: ctx.problems });
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) {
    ctx.problems.add('a tasks file must hold a list of tasks', {
      code: 'PLAYBOOK',
      loc: locOf(data) ?? { file, line: 1, col: 1 },
    });
    return [];
  }
  ctx.stack.push(file);
  try {
    return parseTaskList(data, file, inh, ctx, handlers);
  } finally {
    ctx.stack.pop();
  }
}

export function parseTaskList(
  list: unknown[],
  file: string,
  inh: Inherited,
  ctx: LoadCtx,
  handlers = false,
): TaskNode[] {
  const out: TaskNode[] = [];
  list.forEach((raw, i) => {
    if (!isPlainObject(raw)) {
      ctx.problems.add(`a task must be a mapping, got ${JSON.stringify(raw)}`, {
        code: 'PLAYBOOK',
        loc: valueLoc(list, i),
      });
      return;
    }
    out.push(...parseTask(raw, file, inh, ctx, handlers));
  });
  return out;
}

function checkKeywords(
  raw: Vars,
  table: Record<string, KeywordCheck>,
  skip: Set<string>,
  ctx: LoadCtx,
  what: string,
): void {
  for (const [k, v] of Object.entries(raw)) {
    if (skip.has(k)) continue;
    if (k in UNSUPPORTED) {
      ctx.problems.add(`'${k}' is not supported: ${UNSUPPORTED[k]}`, { code: 'UNKNOWN_KEYWORD', loc: keyLoc(raw, k) });
      continue;
    }
    const check = table[k];
    if (!check) {
      const near = didYouMean(k, Object.keys(table));
      ctx.problems.add(`unknown ${what} keyword '${k}'${near ? ` (did you mean '${near}'?)` : ''}`, {
        code: 'UNKNOWN_KEYWORD',
        loc: keyLoc(raw, k),
      });
      continue;
    }
    const wrong = check(v);
    if (wrong) ctx.problems.add(`${k}: ${wrong}`, { code: 'PLAYBOOK', loc: valueLoc(raw, k) });
  }
  checkKeywordContents(raw, ctx.problems);
}

function parseTask(raw: Vars, file: string, inh: Inherited, ctx: LoadCtx, handlers: boolean): TaskNode[] {
  const loc = locOf(raw) ?? { file, line: 1, col: 1 };
  if ('block' in raw) return [parseBlock(raw, file, loc, inh, ctx, handlers)];
  const table = handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const action = findAction(raw, table, ctx.problems, ctx.modules);
  if (!action) return [];
  checkKeywords(raw, table, new Set([action.key]), ctx, 'task');
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const base = {
    id: `${loc.file}:${loc.line}:${loc.col}${inh.role ? `@${inh.role.name}` : ''}`,
    name,
    loc,
    raw,
    keywords: { ...inh.keywords, ...taskKeywords(raw, table) },
    when: [...inh.when, ...conditions(raw, 'when')],
    tags: unique([...inh.tags, ...toList(raw.tags)]),
    role: inh.role,
    vars: ownVars(raw) ? { ...inh.vars, ...ownVars(raw) } : inh.vars,
  };
  const mayFail = handlesFailure(base.keywords.ignore_errors, inh);
  if (action.missing !== undefined) {
    // an Ansible module kplay does not have: a load error, unless a condition may skip the task or the playbook
    // handles its failure; then it is warned before the run and fails a host that runs it
    const err = new KplayError(action.missing, { code: 'UNKNOWN_MODULE', loc: keyLoc(raw, action.key) ?? loc });
    if (!base.when.length && !mayFail) {
      ctx.problems.push(err);
      return [];
    }
    const argLocs = () => undefined;
    return [{ ...base, kind: 'task', module: action.module, args: {}, argLocs, deferred: [err], mayFail }];
  }
  const mod = canonicalModuleName(action.module);
  if (INCLUDE_ACTIONS.has(mod)) return includeOrImport(mod, action.value, raw, base, file, inh, ctx);
  const spec = ctx.modules.find(mod)!;
  const parsed = moduleArgs(spec, action, raw, ctx.problems, loc);
  if (raw.module_defaults !== undefined)
    base.keywords.module_defaults = mergeModuleDefaults(inh.keywords.module_defaults, raw.module_defaults) as Vars;
  const { errors, argKeyLocs } = parsed;
  const { args, locs: argLocs } = withModuleDefaults(
    base.keywords.module_defaults,
    spec.name,
    ctx.modules,
    parsed.args,
    parsed.argLocs,
  );
  const checked = checkArgs(spec, args, { locOf: argLocs, keyLocOf: argKeyLocs, taskLoc: loc, task: name });
  const task: Task = { ...base, kind: 'task', module: spec.name, args, argLocs };
  const wrong = [...errors, ...checked.errors];
  if (mayFail) {
    task.mayFail = true;
    if (wrong.length) task.deferred = wrong;
  } else for (const e of wrong) ctx.problems.push(e);
  // the variables a module sets (set_fact's keys) must be names a variable can have
  if (spec.varsSet)
    checkSetVarNames(
      spec.name,
      spec.varsSet(args).filter((k) => !isTemplated(k)),
      (k) => (isPlainObject(action.value) ? keyLoc(action.value, k) : undefined) ?? argKeyLocs(k) ?? loc,
      ctx.problems,
    );
  // a handler that flushes handlers would run itself again and again (Ansible refuses it when it runs)
  if (handlers && spec.name === 'meta' && args._raw_params === 'flush_handlers') {
    ctx.problems.add('flush_handlers cannot be used as a handler', { code: 'PLAYBOOK', loc: action.loc ?? loc });
  }
  return [task];
}

/** Does the playbook expect this task may fail (ignore_errors not false, or a rescue around it)? */
function handlesFailure(ignoreErrors: unknown, inh: Inherited): boolean {
  if (inh.rescued) return true;
  if (ignoreErrors === undefined || ignoreErrors === null) return false;
  return isTemplated(ignoreErrors) || toBool(ignoreErrors);
}

function parseBlock(raw: Vars, file: string, loc: Loc, inh: Inherited, ctx: LoadCtx, handlers: boolean): Block {
  checkKeywords(raw, BLOCK_KEYWORDS, new Set(), ctx, 'block');
  const inner = inherit(inh, raw);
  const guarded = { ...inner, rescued: Array.isArray(raw.rescue) && raw.rescue.length > 0 ? true : inner.rescued };
  const part = (k: string): TaskNode[] =>
    Array.isArray(raw[k])
      ? parseTaskList(raw[k] as unknown[], file, k === 'block' ? guarded : inner, ctx, handlers)
      : [];
  return {
    kind: 'block',
    id: `${loc.file}:${loc.line}:${loc.col}`,
    name: typeof raw.name === 'string' ? raw.name : undefined,
    loc,
    raw,
    keywords: inner.keywords,
    when: inner.when,
    tags: inner.tags,
    role: inh.role,
    vars: inner.vars,
    block: part('block'),
    rescue: part('rescue'),
    always: part('always'),
  };
}

function includeOrImport(
  mod: string,
  value: unknown,
  raw: Vars,
  base: Omit<Include, 'kind' | 'target' | 'loaded' | 'innerKeywords'>,
  file: string,
  inh: Inherited,
  ctx: LoadCtx,
): TaskNode[] {
  const loc = valueLoc(raw, Object.keys(raw).find((k) => canonicalModuleName(k) === mod)!) ?? base.loc;
  const opts = includeOptions(mod, value, loc, ctx.problems);
  const target = String(opts[mod.endsWith('role') ? 'name' : 'file'] ?? '');
  if (!target) {
    ctx.problems.add(`${mod} needs a ${mod.endsWith('role') ? 'role name' : 'file'}`, { code: 'PLAYBOOK', loc });
    return [];
  }
  const dynamic = target.includes('{{');
  const isImport = mod.startsWith('import_');
  const loopKey = Object.keys(raw).find((k) => k === 'loop' || k.startsWith('with_'));
  if (loopKey && isImport) {
    ctx.problems.add(`${mod} is static and cannot loop; use include_${mod.slice(7)}`, {
      code: 'PLAYBOOK',
      loc: keyLoc(raw, loopKey) ?? loc,
    });
    return [];
  }
  if (isImport && dynamic) {
    ctx.problems.add(`${mod} is static and cannot use a template (${target}); use include_${mod.slice(7)}`, {
      code: 'PLAYBOOK',
      loc,
    });
    return [];
  }
  // an import passes its when/tags/keywords to every task inside; an include keeps them for itself (but its vars
  // are the included tasks' vars, as at run time for a templated target: dynamic-include.ts)
  const inner = isImport
    ? inherit(inh, raw)
    : {
        ...inh,
        vars: base.vars,
        tags: isPlainObject(opts.apply) ? unique([...inh.tags, ...toList(opts.apply.tags)]) : inh.tags,
      };
  let loaded: TaskNode[] | undefined;
  const own: LoadCtx = isImport ? ctx : { ...ctx, problems: new Problems() };
  if (!dynamic) {
    if (mod.endsWith('role'))
      loaded = own.importRole(
        target,
        loc,
        opts,
        inner,
        own,
        typeof opts.tasks_from === 'string' ? opts.tasks_from : undefined,
        isImport ? 'import' : 'include',
      );
    else loaded = loadTaskFile(resolveTaskFile(target, file, inh, own), loc, inner, own);
  }
  if (isImport) return loaded ?? [];
  const kind = mod as 'include_tasks' | 'include_role';
  // an include's file is read by Ansible only when a host reaches it: its problems wait for that
  if (own.problems.size)
    return [{ ...base, kind, target, loaded: undefined, innerKeywords: inner.keywords, deferred: own.problems.list }];
  return [{ ...base, kind, target, loaded, innerKeywords: inner.keywords }];
}

/** Relative task files are looked up beside the including file, then in the role's tasks/, then beside the playbook. */
export function resolveTaskFile(target: string, from: string, inh: Inherited, ctx: LoadCtx): string {
  const candidates = [resolve(dirname(from), target)];
  if (inh.role) candidates.push(resolve(inh.role.path, 'tasks', target));
  candidates.push(resolve(ctx.playbookDir, target));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}
