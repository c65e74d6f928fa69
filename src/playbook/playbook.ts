// Playbooks: a list of plays and import_playbook entries, read with every role, import and task file they
// name, and checked as a whole before any host is reached. All problems are collected, then thrown at once.
import { readPrompts } from './vars-prompt.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Problems, type Loc } from '../core/errors.js';
import { loadRole, parseRoleEntry } from './roles.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import { loadYamlFile } from '../core/source.js';
import { inherit, ownVars, toList, type LoadCtx } from './inherit.js';
import { parseTaskList } from './tasks-loader.js';
import { isPlainObject, toBool } from '../core/value-utils.js';
import { builtins, canonicalModuleName, type ModuleRegistry } from '../tasks/index.js';
import { checkPlayKeywords } from './play-keywords.js';
import { IMPORT_PLAYBOOK_KEYWORDS } from './keywords.js';
import type { Inherited, Play, Playbook, RoleInstance, TaskNode, Vars } from '../core/types.js';

const EMPTY: Inherited = { when: [], tags: [], vars: {}, keywords: {}, role: undefined };

export interface PlaybookLoad {
  playbook: Playbook;
  problems: Problems;
}

/** Read a playbook and everything it names. Problems are returned, not thrown, so callers can add their own. */
export function readPlaybook(file: string, problems = new Problems(), modules: ModuleRegistry = builtins): Playbook {
  const abs = resolve(file);
  const playbook: Playbook = { file: abs, dir: dirname(abs), plays: [] };
  readInto(abs, playbook, problems, modules, [], EMPTY, undefined);
  return playbook;
}

/** Read a playbook; throw KplayErrors listing every problem. */
export function loadPlaybook(file: string): Playbook {
  const problems = new Problems();
  const pb = readPlaybook(file, problems);
  problems.throwIfAny();
  return pb;
}

function readInto(
  file: string,
  pb: Playbook,
  problems: Problems,
  modules: ModuleRegistry,
  stack: string[],
  inh: Inherited,
  loc: Loc | undefined,
): void {
  if (stack.includes(file)) {
    problems.add(`import_playbook cycle: ${[...stack, file].join(' -> ')}`, { code: 'PLAYBOOK', loc });
    return;
  }
  if (!existsSync(file)) {
    problems.add(`playbook not found: ${file}`, { code: loc ? 'PLAYBOOK' : 'NOT_FOUND', loc });
    return;
  }
  const data = loadYamlFile(file, { problems });
  if (data === undefined || data === null) return;
  if (!Array.isArray(data)) {
    problems.add('a playbook must be a list of plays', {
      code: 'PLAYBOOK',
      loc: locOf(data) ?? { file, line: 1, col: 1 },
    });
    return;
  }
  data.forEach((entry, i) => {
    if (!isPlainObject(entry)) {
      problems.add(`a play must be a mapping, got ${JSON.stringify(entry)}`, {
        code: 'PLAYBOOK',
        loc: valueLoc(data, i),
      });
      return;
    }
    const key = Object.keys(entry).find((k) => canonicalModuleName(k) === 'import_playbook');
    if (key !== undefined) {
      const imp = entry[key];
      for (const k of Object.keys(entry)) {
        if (k !== key && !IMPORT_PLAYBOOK_KEYWORDS.includes(k))
          problems.add(`unknown import_playbook keyword '${k}'`, { code: 'UNKNOWN_KEYWORD', loc: keyLoc(entry, k) });
      }
      if (typeof imp !== 'string' || imp.includes('{{')) {
        problems.add('import_playbook needs a file name (no templates: imports are read before the run)', {
          code: 'PLAYBOOK',
          loc: valueLoc(entry, key),
        });
        return;
      }
      readInto(
        resolve(dirname(file), imp),
        pb,
        problems,
        modules,
        [...stack, file],
        inherit(inh, entry),
        valueLoc(entry, key),
      );
      return;
    }
    pb.plays.push(readPlay(entry, file, pb, problems, modules, inh));
  });
}

function readPlay(
  raw: Vars,
  file: string,
  pb: Playbook,
  problems: Problems,
  modules: ModuleRegistry,
  outer: Inherited,
): Play {
  const loc = locOf(raw) ?? { file, line: 1, col: 1 };
  checkPlayKeywords(raw, problems);
  const hosts = Array.isArray(raw.hosts)
    ? raw.hosts.map(String).join(',')
    : raw.hosts === undefined
      ? ''
      : String(raw.hosts);
  if (!hosts) problems.add("a play needs 'hosts'", { code: 'PLAYBOOK', loc });
  const roles: RoleInstance[] = [];
  const seen = new Set<string>();
  const ctx: LoadCtx = {
    problems,
    modules,
    playbookDir: pb.dir,
    stack: [file],
    importRole: (name, l, entry, inh, c, tasksFrom, via) => {
      const r = loadRole(name, l, entry, inh, c, new Set(), { tasksFrom, via });
      roles.push(...r.instances);
      return r.tasks;
    },
  };
  const inh = inherit({ ...outer, when: outer.when }, { ...raw, when: undefined, vars: undefined });
  const list = (k: string): TaskNode[] =>
    Array.isArray(raw[k]) ? parseTaskList(raw[k] as unknown[], file, inh, ctx, k === 'handlers') : [];
  const roleTasks: TaskNode[] = [];
  if (Array.isArray(raw.roles)) {
    const entries = raw.roles as unknown[];
    entries.forEach((e, i) => {
      const parsed = parseRoleEntry(e, valueLoc(entries, i), ctx);
      if (!parsed) return;
      const r = loadRole(parsed.name, valueLoc(entries, i), parsed.entry, inh, ctx, seen);
      roles.push(...r.instances);
      roleTasks.push(...r.tasks);
    });
  }
  const preTasks = list('pre_tasks');
  const tasks = [...roleTasks, ...list('tasks')];
  const postTasks = list('post_tasks');
  const playHandlers = list('handlers');
  const varsFiles = toList(raw.vars_files);
  const vars: Vars = { ...outer.vars, ...ownVars(raw) };
  for (const vf of varsFiles) {
    if (vf.includes('{{')) continue; // read at run time, once the host's variables are known
    const p = resolve(pb.dir, vf);
    if (!existsSync(p)) {
      problems.add(`vars file not found: ${vf}`, { code: 'VARS', loc: valueLoc(raw, 'vars_files') });
      continue;
    }
    const data = loadYamlFile(p, { problems });
    if (isPlainObject(data)) Object.assign(vars, data);
    else if (data !== null && data !== undefined)
      problems.add('a vars file must hold a mapping', { code: 'VARS', loc: locOf(data) });
  }
  const serial =
    raw.serial === undefined
      ? undefined
      : Array.isArray(raw.serial)
        ? (raw.serial as (number | string)[])
        : [raw.serial as number | string];
  return {
    index: pb.plays.length + 1,
    name: typeof raw.name === 'string' ? raw.name : hosts,
    hosts,
    file,
    loc,
    vars,
    varsFiles,
    roles,
    preTasks,
    tasks,
    postTasks,
    handlers: [...roles.flatMap((r) => r.handlers), ...playHandlers],
    serial,
    strategy: raw.strategy === 'free' ? 'free' : 'linear',
    become: raw.become === undefined ? undefined : toBool(raw.become),
    becomeUser: raw.become_user === undefined ? undefined : String(raw.become_user),
    gatherFacts: raw.gather_facts === undefined ? true : toBool(raw.gather_facts),
    anyErrorsFatal: toBool(raw.any_errors_fatal),
    maxFailPercentage: typeof raw.max_fail_percentage === 'number' ? raw.max_fail_percentage : undefined,
    forks: typeof raw.forks === 'number' ? raw.forks : undefined,
    tags: inh.tags,
    keywords: raw,
    prompts: readPrompts(raw, problems, loc),
  };
}
