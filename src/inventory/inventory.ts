// Loading a site's inventory (INI, YAML, a folder of them, several -i), its group_vars/ host_vars/ and .env,
// and the variables of a host with Ansible's inventory precedence:
//   all (inventory file) < other groups (inventory files; by depth, ansible_group_priority, name)
//   < group_vars/all < group_vars/<group> (same order; per source, in -i order) < host (inventory files)
//   < host_vars/<host>.
// `hostVars` is what `ansible-inventory --list` prints in _meta.hostvars plus `env` (from .env, lowest precedence);
// the magic variables (inventory_hostname, group_names, groups ...) come from `magicVars`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Problems } from '../core/errors.js';
import { readIniInventory } from './ini.js';
import { head, IGNORED_EXTS, IGNORED_NAMES, looksLikeIni, looksLikeYaml, NOT_INVENTORY } from './sniff.js';
import { InventoryBuilder, type InvGroup, type InvHost } from './model.js';
import { loadVarsDir, type VarsDir } from './vars-dirs.js';
import { readYamlInventory } from './yaml.js';
import { parseYaml } from '../core/source.js';
import { setKey } from '../core/own-keys.js';
import { CLUSTER_CONFIG, type ClusterConfig, loadClusterConfig, loadEnv } from './site-files.js';

export type { InvGroup, InvHost } from './model.js';

export interface Inventory {
  /** The -i paths, as given. */
  sources: string[];
  /** Folder of the site: the first -i folder, or the folder of the first -i file (.env, pki ...). */
  site: string;
  hosts: Map<string, InvHost>;
  /** Every group, including `all` and `ungrouped`, in the order first seen. */
  groups: Map<string, InvGroup>;
  /** KEY -> value from the site's .env (every value is a registered secret). */
  env: Record<string, string>;
  /** kubeasz's cluster settings: `config.yml` in a site folder, read as kubeasz reads it (`-e @config.yml`):
   *  above every inventory variable, below the command line's -e (several -i folders: a later one wins). */
  config?: ClusterConfig;
  /** group_vars/ and host_vars/ of each source folder, in -i order. */
  varsDirs: VarsDir[];
  /** Things Ansible accepts silently that may be mistakes. */
  warnings: string[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readSource(b: InventoryBuilder, file: string, inFolder = false): void {
  if (isDir(file)) {
    for (const name of readdirSync(file).sort()) {
      if (IGNORED_NAMES.test(name) || IGNORED_EXTS.some((e) => name.endsWith(e)) || NOT_INVENTORY.test(name)) continue;
      if (name === CLUSTER_CONFIG) continue; // kubeasz's config.yml: settings, not an inventory (site-files.ts)
      readSource(b, join(file, name), true);
    }
    return;
  }
  let text: string;
  try {
    // in a folder, a file is sniffed by its head first: a binary or a file of another kind is never read whole
    if (inFolder && !/\.(ya?ml|json)$/i.test(file)) {
      const start = head(file);
      if (start.includes('\0')) return;
      if (!looksLikeYaml(file, start) && !looksLikeIni(basename(file), start)) return;
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    b.problems.add(`cannot read inventory ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      code: 'NOT_FOUND',
    });
    return;
  }
  if (looksLikeYaml(file, text)) {
    const data = parseYaml(text, file, { problems: b.problems });
    if (data !== undefined) readYamlInventory(b, file, data);
  } else if (!inFolder || looksLikeIni(basename(file), text)) readIniInventory(b, file, text);
}

/** Read every -i source. Problems (with file:line:col) go to `problems`; never throws for bad input. */
export function loadInventory(paths: string[], problems: Problems): Inventory {
  const b = new InventoryBuilder(problems);
  const dirs: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      if (p.includes(',')) {
        // Ansible's host list: -i 'host1,host2,'
        for (const h of p
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          b.addHost(h, 'ungrouped', undefined, p, undefined);
        continue;
      }
      problems.add(`inventory not found: ${p}`, { code: 'NOT_FOUND', hint: 'give -i a hosts file or a site folder' });
      continue;
    }
    readSource(b, p);
    dirs.push(isDir(p) ? p : dirname(p));
  }
  b.finish();
  const warnings = b.warnings;
  const varsDirs = dirs.map((d) => loadVarsDir(d, b.groups.keys(), b.hosts.keys(), problems, warnings));
  const env: Record<string, string> = {};
  const folders = [...new Set(dirs.map((d) => resolve(d)))];
  for (const d of folders) loadEnv(d, env, problems);
  const config = loadClusterConfig(folders, problems);
  const first = paths[0] ?? '.';
  const site = existsSync(first) && isDir(first) ? first : dirname(first);
  return {
    sources: [...paths],
    site,
    hosts: b.hosts,
    groups: b.groups,
    env,
    ...(config && { config }),
    varsDirs,
    warnings,
  };
}

// ---- variables ----

const cache = new WeakMap<Inventory, Map<string, Record<string, unknown>>>();
/** What every task on every host reads the same way: `groups`, and each host's magic variables. */
interface Derived {
  groups?: Record<string, string[]>;
  magic: Map<string, Record<string, unknown>>;
}
const derived = new WeakMap<Inventory, Derived>();
/** add_host, group_by changed the inventory: what was derived from it is made again. */
export function forgetHostVars(inv: Inventory): void {
  derived.delete(inv);
  cache.delete(inv);
}
function derivedOf(inv: Inventory) {
  let d = derived.get(inv);
  if (!d) derived.set(inv, (d = { magic: new Map() }));
  return d;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown> | undefined): void {
  if (from) for (const k of Object.keys(from)) setKey(into, k, from[k]);
}

/** Every group a host is in (direct and inherited), without `all`, sorted as Ansible merges them. */
export function hostGroups(inv: Inventory, host: string): InvGroup[] {
  const h = inv.hosts.get(host);
  if (!h) return [];
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const p of inv.groups.get(name)?.parents ?? []) walk(p);
  };
  h.groups.forEach(walk);
  seen.delete('all');
  return [...seen]
    .map((n) => inv.groups.get(n)!)
    .sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Variables of a host from the inventory, with Ansible's precedence (what ansible-inventory prints). Cached: do not
 * modify.
 */
export function hostVars(inv: Inventory, host: string): Record<string, unknown> {
  let c = cache.get(inv);
  if (!c) cache.set(inv, (c = new Map()));
  const hit = c.get(host);
  if (hit) return hit;
  // `env` (the site's .env) is below everything; output for ansible-inventory parity leaves it out (withoutEnv)
  const out: Record<string, unknown> = { env: inv.env };
  const h = inv.hosts.get(host);
  const groups = h ? hostGroups(inv, host) : [];
  merge(out, inv.groups.get('all')!.vars);
  for (const g of groups) merge(out, g.vars);
  for (const d of inv.varsDirs) merge(out, d.groups.get('all'));
  for (const d of inv.varsDirs) for (const g of groups) merge(out, d.groups.get(g.name));
  if (h) {
    merge(out, h.vars);
    for (const d of inv.varsDirs) merge(out, d.hosts.get(host));
  } else if (isImplicitLocalhost(inv, host)) {
    setKey(out, 'ansible_connection', 'local');
  }
  c.set(host, out);
  return out;
}

/** Variables of a group itself: its inventory vars, then its group_vars/ files (what --graph --vars shows). */
export function groupVars(inv: Inventory, group: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  merge(out, inv.groups.get(group)?.vars);
  for (const d of inv.varsDirs) merge(out, d.groups.get(group));
  return out;
}

export const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1'];

/** `localhost` not written in the inventory: Ansible makes it up, connecting locally. */
export function isImplicitLocalhost(inv: Inventory, host: string): boolean {
  return !inv.hosts.has(host) && LOCALHOST_NAMES.includes(host);
}

/** Hosts of a group in Ansible's order: its own, then those of its children, level by level. */
export function groupHosts(inv: Inventory, group: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visited = new Set<string>();
  let level = [group];
  while (level.length > 0) {
    const next: string[] = [];
    for (const name of level) {
      if (visited.has(name)) continue;
      visited.add(name);
      const g = inv.groups.get(name);
      if (!g) continue;
      for (const h of g.hosts) {
        if (!seen.has(h)) {
          seen.add(h);
          out.push(h);
        }
      }
      next.push(...g.children);
    }
    level = next;
  }
  return out;
}

/** Ansible's `groups` magic variable: every group (with all and ungrouped) -> its hosts, in inventory order. */
export function groupsMap(inv: Inventory): Readonly<Record<string, readonly string[]>> {
  const d = derivedOf(inv);
  if (d.groups) return d.groups;
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) setKey(out, name, Object.freeze(groupHosts(inv, name)) as string[]);
  d.groups = Object.freeze(out);
  return out;
}

/**
 * inventory_hostname, inventory_hostname_short, group_names (sorted; `ungrouped` included as Ansible does),
 * inventory_file, inventory_dir.
 */
export function magicVars(inv: Inventory, host: string): Readonly<Record<string, unknown>> {
  const d = derivedOf(inv);
  let m = d.magic.get(host);
  if (!m) d.magic.set(host, (m = Object.freeze(hostMagic(inv, host))));
  return m;
}

function hostMagic(inv: Inventory, host: string): Record<string, unknown> {
  const h = inv.hosts.get(host);
  const groupNames = hostGroups(inv, host)
    .map((g) => g.name)
    .sort();
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: Object.freeze(groupNames),
    inventory_file: h?.file ? resolve(h.file) : null,
    inventory_dir: h?.file ? dirname(resolve(h.file)) : null,
  };
}

/** Host variables without the `env` that came from .env (what ansible-inventory would print). */
export function withoutEnv(inv: Inventory, vars: Record<string, unknown>): Record<string, unknown> {
  if (vars.env !== inv.env) return vars;
  const { env: _env, ...rest } = vars;
  return rest;
}

/** An inventory with no hosts (kplay run without -i). */
export function emptyInventory(): Inventory {
  const inv = loadInventory([], new Problems());
  inv.site = '.';
  return inv;
}

/** Variables below everything else: `env` (the site's .env). */
export function siteVars(inv: Inventory): Record<string, unknown> {
  return { env: inv.env };
}
