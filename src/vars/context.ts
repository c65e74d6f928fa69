// The variables a task sees on a host: every precedence layer merged (vars.ts), plus Ansible's magic
// variables. `groups` and `hostvars` always cover the whole inventory, whatever --limit says, so a limited
// run renders the same configs as a full one.
import { dirname, resolve } from 'node:path';
import { groupsMap, hostVars, magicVars, type Inventory } from '../inventory/inventory.js';
import type { Play, TaskNode, Vars } from '../core/types.js';
import { mergeVars, varSource, type VarLayers } from './vars.js';
import { lazyRender } from './lazy-vars.js';
import { withLookupContext } from '../expr/lookups.js';
import { renderString, renderTemplateFile } from '../template/template.js';
import { OMIT } from '../core/omit.js';
import { setKey } from '../core/own-keys.js';
import type { JinjaOptions } from '../core/jinja-options.js';

export interface RunVars {
  inv: Inventory;
  extra: Vars;
  playbookDir: string;
  check: boolean;
  /** --tags / --skip-tags as given (Ansible's ansible_run_tags is ['all'] without --tags). */
  runTags?: string[];
  skipTags?: string[];
  /** Facts gathered per host (ansible_* names). */
  facts: Map<string, Vars>;
  /** set_fact and register results per host. */
  hostFacts: Map<string, Vars>;
  /** A looped include_tasks/include_role: the item (and index) each host is running the included tasks for. */
  includeVars?: Map<string, Vars>;
  /** add_host / group_by changed the inventory: later plays select their hosts again. */
  inventoryChanged?: boolean;
  /** Magic variables the run's options give (ansible_diff_mode, ansible_forks, ansible_config_file). */
  runMagic?: Vars;
}

/** The Ansible release whose behaviour kplay follows, as `ansible_version` gives it. */
export const ANSIBLE_VERSION = { string: '2.14.18', full: '2.14.18', major: 2, minor: 14, revision: 18 };

/** `extra` is the command line's -e; a kubeasz site's config.yml sits just below it (kubeasz's `-e @config.yml`). */
export function newRunVars(inv: Inventory, extra: Vars, playbookDir: string, check: boolean): RunVars {
  if (inv.config) {
    const merged: Vars = {};
    for (const layer of [inv.config.vars, extra]) for (const k of Object.keys(layer)) setKey(merged, k, layer[k]);
    extra = merged;
  }
  return { inv, extra, playbookDir, check, facts: new Map(), hostFacts: new CountingMap() };
}

/** A Map that counts each key's `set`s: a host's set_facts are changed in place and then set again, and the
 *  count tells hostvars (below) that what it built from them is out of date. */
export class CountingMap<K, V> extends Map<K, V> {
  declare private counts: Map<K, number> | undefined;
  override set(k: K, v: V): this {
    this.counts ??= new Map();
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return super.set(k, v);
  }
  count(k: K): number {
    return this.counts?.get(k) ?? 0;
  }
}

// `ansible_facts`: the host's facts under their names without the `ansible_` prefix (`ansible_facts.distribution`
// is `ansible_distribution`), as Ansible injects both; `{}` before any fact is known. Memoized per facts object
// (a module that returns facts replaces the host's object).
const factsDicts = new WeakMap<Vars, Vars>();
const NO_FACTS: Vars = {};
export function factsLayer(facts: Vars | undefined): Vars {
  const f = facts ?? NO_FACTS;
  let layer = factsDicts.get(f);
  if (!layer) {
    const dict: Vars = {};
    for (const [k, v] of Object.entries(f)) dict[k.startsWith('ansible_') ? k.slice(8) : k] = v;
    layer = { ...f, ansible_facts: dict };
    factsDicts.set(f, layer);
  }
  return layer;
}

const builtHostvars = new WeakMap<RunVars, Map<string, { from: unknown[]; dict: Vars }>>();

/** `hostvars`: every inventory host's variables with its facts, set_facts and the run's extra vars (-e and a
 *  kubeasz config.yml win there too, as in Ansible), built on demand per host, once. A proxy over the inventory's
 *  hosts: made for each task and host, it costs nothing until a host's entry is read (a host's own property is an
 *  accessor: listing the names builds nothing). */
export function hostvarsOf(rv: RunVars): Vars {
  // A host's entry is made once from what it is made of (its inventory variables, magic variables, facts,
  // set_facts, the extra vars, the groups), and made again only when one of those is another object or its
  // set_facts were set again: its templated values are rendered once, however many tasks and hosts read them.
  let built = builtHostvars.get(rv);
  if (!built) builtHostvars.set(rv, (built = new Map()));
  const hostFacts = rv.hostFacts;
  // (set_facts held in a plain Map may change unseen: then an entry is kept for this set of variables only)
  const counted = hostFacts instanceof CountingMap;
  const made = counted ? built : new Map<string, { from: unknown[]; dict: Vars }>();
  const make = (h: string): Vars => {
    const from = [
      hostVars(rv.inv, h),
      magicVars(rv.inv, h),
      rv.facts.get(h),
      counted ? hostFacts.count(h) : hostFacts.get(h),
      rv.extra,
      groupsMap(rv.inv),
    ];
    const had = made.get(h);
    if (had?.from.every((x, i) => x === from[i])) return had.dict;
    const facts = factsLayer(rv.facts.get(h));
    const vars: Vars = {
      ...hostVars(rv.inv, h),
      ...magicVars(rv.inv, h),
      ...facts,
      ...rv.hostFacts.get(h),
      ...rv.extra,
      groups: groupsMap(rv.inv),
    };
    const data = new Set(Object.keys(facts).filter((k) => vars[k] === facts[k]));
    data.add('groups');
    const dict = lazyRender(vars, h, data);
    made.set(h, { from, dict });
    return dict;
  };
  const hosts = rv.inv.hosts;
  const isHost = (k: string | symbol): k is string => typeof k === 'string' && hosts.has(k);
  return new Proxy({} as Vars, {
    get: (t, k) => (isHost(k) ? make(k) : Reflect.get(t, k)),
    has: (t, k) => isHost(k) || Reflect.has(t, k),
    ownKeys: () => [...hosts.keys()],
    getOwnPropertyDescriptor: (_, k) =>
      isHost(k) ? { get: () => make(k), enumerable: true, configurable: true } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

// As Ansible (private_role_vars off): the defaults of every role in the play are visible to every task of the
// play, in the order the roles load (dependencies first), and the task's own role's defaults win over them.
const playDefaults = new WeakMap<Play, Vars>();
function roleDefaults(play: Play, role: TaskNode['role']): Vars | undefined {
  let all = playDefaults.get(play);
  if (!all) playDefaults.set(play, (all = Object.assign({}, ...(play.roles ?? []).map((r) => r.defaults ?? {}))));
  return role?.defaults ? { ...all, ...role.defaults } : all;
}

// Ansible's role-name variables of a play: the roles it names (roles:, import_role), their dependencies, both.
const playRoleNames = new WeakMap<Play, Vars>();
function roleNames(play: Play): Vars {
  let out = playRoleNames.get(play);
  if (!out) {
    const roles = play.roles ?? [];
    // the roles: entries first, then the imported ones (Ansible appends those as it reads them)
    const direct = [
      ...new Set([...roles.filter((r) => !r.via), ...roles.filter((r) => r.via === 'import')].map((r) => r.name)),
    ];
    const deps = [...new Set(roles.filter((r) => r.via === 'dependency').map((r) => r.name))];
    out = {
      role_names: direct,
      ansible_play_role_names: direct,
      ansible_dependent_role_names: deps,
      ansible_role_names: [...new Set([...deps, ...direct])],
    };
    playRoleNames.set(play, out);
  }
  return out;
}

/** A task's own role: role_name, role_path, and the roles that imported or included it (nearest first). */
function roleVars(role: TaskNode['role']): Vars {
  if (!role) return {};
  const out: Vars = { role_name: role.name, role_path: role.path, ansible_role_name: role.name };
  if (role.parents?.length) {
    out.ansible_parent_role_names = role.parents.map((p) => p.name);
    out.ansible_parent_role_paths = role.parents.map((p) => p.path);
  }
  return out;
}

/** Everything a task (or, without a task, the play) sees on `host`. */
export function taskVars(rv: RunVars, play: Play, task: TaskNode | undefined, host: string, playHosts: string[]): Vars {
  const role = task?.role;
  // A host outside the inventory (the implicit localhost) gets the `all` group's variables, as in Ansible.
  const inventory = hostVars(rv.inv, host);
  // the item of an enclosing looped include is a variable of the include: below the task's own vars
  const over = rv.includeVars?.get(host);
  // lookup('template') renders with template/, which expr/ may not import: the scope carries the renderer
  const lookups = {
    renderTemplate: (path: string, vars: object, o?: JinjaOptions) =>
      renderTemplateFile(path, { vars: vars as Vars, host }, o),
    renderText: (text: string, vars: object) => renderString(text, { vars: vars as Vars, host }),
    taskDir: task ? dirname(task.loc.file) : undefined,
  };
  const layers: VarLayers = {
    connection: { ansible_host: host },
    roleDefaults: roleDefaults(play, role),
    inventory,
    facts: factsLayer(rv.facts.get(host)),
    play: play.vars,
    roleVars: role?.vars,
    task: over ? { ...over, ...task?.vars } : task?.vars,
    hostFacts: rv.hostFacts.get(host),
    roleParams: role?.params,
    extra: rv.extra,
    magic: {
      ...(rv.inv.hosts.has(host)
        ? magicVars(rv.inv, host)
        : {
            inventory_hostname: host,
            inventory_hostname_short: host.split('.')[0],
            group_names: [],
            inventory_dir: rv.inv.site ? resolve(rv.inv.site) : null,
          }),
      groups: groupsMap(rv.inv),
      hostvars: hostvarsOf(rv),
      playbook_dir: rv.playbookDir,
      omit: OMIT,
      ansible_check_mode: rv.check,
      ansible_run_tags: rv.runTags?.length ? rv.runTags : ['all'],
      ansible_skip_tags: rv.skipTags ?? [],
      ansible_play_hosts: playHosts, // the whole play's, from the run's magic variables when a play runs
      ansible_play_batch: playHosts,
      play_hosts: playHosts,
      ansible_play_name: play.name,
      ansible_version: ANSIBLE_VERSION,
      ansible_verbosity: 0,
      ansible_diff_mode: false,
      ansible_config_file: null,
      ...rv.runMagic,
      ...roleNames(play),
      ...roleVars(role),
      // where a task's relative files are looked for, in order: its role, its file's folder, the playbook's
      ansible_search_path: [...new Set([role?.path, lookups.taskDir, rv.playbookDir].filter((d) => d !== undefined))],
    },
  };
  return lazyRender(withLookupContext(mergeVars(layers), lookups), host, resultNames(layers));
}

/** The names whose values are gathered facts or magic variables: never templated again (registered results are
 *  marked instead). */
function resultNames(layers: VarLayers): Set<string> {
  const out = new Set<string>(Object.keys(layers.magic ?? {}));
  for (const k of Object.keys(layers.facts ?? {})) if (varSource(k, layers) === 'facts') out.add(k);
  return out;
}
