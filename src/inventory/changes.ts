// Hosts and groups made while a run goes (add_host, group_by), as Ansible's in-memory inventory takes them:
// a new group is a child of `all` (or of the parents given), a host in no group is in `ungrouped`, a host's
// variables are set over what it had. Each answers whether the inventory changed (the task's `changed`).
import { setKey } from '../core/own-keys.js';
import { forgetHostVars, type Inventory } from './inventory.js';
import type { InvGroup } from './model.js';

function group(inv: Inventory, name: string, parents: string[]): { g: InvGroup; changed: boolean } {
  let changed = false;
  let g = inv.groups.get(name);
  if (!g) {
    g = {
      name,
      hosts: [],
      children: [],
      vars: {},
      parents: [],
      depth: 1,
      priority: 1,
      loc: undefined,
      varLocs: new Map(),
    };
    inv.groups.set(name, g);
    changed = true;
  }
  const above = parents.length ? parents : g.parents.length ? [] : ['all'];
  for (const p of above) {
    if (p === name || g.parents.includes(p)) continue;
    const parent = p === 'all' ? inv.groups.get('all')! : group(inv, p, []).g;
    parent.children.push(name);
    g.parents.push(p);
    g.depth = Math.max(g.depth, parent.depth + 1);
    changed = true;
  }
  return { g, changed };
}

/** Put `host` in `name` (made under `parents` when new). */
export function joinGroup(inv: Inventory, host: string, name: string, parents: string[] = []): boolean {
  const { g, changed } = group(inv, name, parents);
  const h = inv.hosts.get(host);
  if (!h || g.hosts.includes(host)) return finish(inv, changed);
  g.hosts.push(host);
  h.groups.push(name);
  const ungrouped = inv.groups.get('ungrouped');
  if (ungrouped && name !== 'ungrouped' && ungrouped.hosts.includes(host)) {
    ungrouped.hosts = ungrouped.hosts.filter((x) => x !== host);
    h.groups = h.groups.filter((x) => x !== 'ungrouped');
  }
  return finish(inv, true);
}

/** add_host: the host (new, or known), its groups and variables. */
export function addHost(inv: Inventory, name: string, groups: string[], vars: Record<string, unknown>): boolean {
  let changed = false;
  let h = inv.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, groups: [], file: '', loc: undefined, varLocs: new Map() };
    inv.hosts.set(name, h);
    changed = true;
  }
  for (const [k, v] of Object.entries(vars)) {
    if (JSON.stringify(h.vars[k]) === JSON.stringify(v)) continue;
    setKey(h.vars, k, v);
    changed = true;
  }
  for (const g of groups) changed = joinGroup(inv, name, g) || changed;
  if (h.groups.length === 0) changed = joinGroup(inv, name, 'ungrouped') || changed;
  return finish(inv, changed);
}

function finish(inv: Inventory, changed: boolean): boolean {
  if (changed) forgetHostVars(inv);
  return changed;
}
