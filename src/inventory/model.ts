// The inventory's data model and the builder the INI and YAML readers fill. It follows Ansible's InventoryData:
// groups and hosts keep the order they were first seen, a group's depth is its longest distance from `all`,
// `ansible_group_priority` is kept apart from the vars, top-level groups join `all` and hostless hosts join
// `ungrouped` once every source was read (so the order of `all.children` matches `ansible-inventory`).
import type { Problems, Loc } from '../core/errors.js';
import { addSecret } from '../core/secrets.js';
import { PROTO_KEY, PROTO_MESSAGE, setKey } from '../core/own-keys.js';

export interface InvHost {
  name: string;
  vars: Record<string, unknown>;
  /** Direct groups, in the order the host joined them. */
  groups: string[];
  /** The first inventory file that named the host (Ansible's inventory_file). */
  file: string;
  loc: Loc | undefined;
  varLocs: Map<string, Loc>;
}

export interface InvGroup {
  name: string;
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
  parents: string[];
  /** Longest distance from `all` (all = 0). */
  depth: number;
  /** ansible_group_priority (default 1). */
  priority: number;
  loc: Loc | undefined;
  varLocs: Map<string, Loc>;
}

/** Variables whose literal values are secrets. */
export const SECRET_VARS = new Set([
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_sudo_pass',
]);

/**
 * Register the value of a password variable as a secret (a template is not a secret; its result will be, in
 * connectionSpec).
 */
export function noteSecretVar(key: string, value: unknown): void {
  if (SECRET_VARS.has(key) && !(typeof value === 'string' && value.includes('{{'))) addSecret(value);
}

/** ansible_port (or ansible_ssh_port) must be a TCP port, 1 to 65535 (a template is checked when used):
 * what is wrong with the value, or undefined. */
export function badPort(key: string, value: unknown): string | undefined {
  if (key !== 'ansible_port' && key !== 'ansible_ssh_port') return undefined;
  if (typeof value === 'string' && value.includes('{{')) return undefined;
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535
    ? undefined
    : `must be a port number from 1 to 65535, got ${JSON.stringify(value)}`;
}

export class InventoryBuilder {
  readonly hosts = new Map<string, InvHost>();
  readonly groups = new Map<string, InvGroup>();
  readonly warnings: string[] = [];

  constructor(readonly problems: Problems) {
    this.addGroup('all', undefined);
    this.addGroup('ungrouped', undefined);
    this.addChild('all', 'ungrouped', undefined);
  }

  addGroup(name: string, loc: Loc | undefined): InvGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], vars: {}, parents: [], depth: 0, priority: 1, loc, varLocs: new Map() };
      this.groups.set(name, g);
    } else if (!g.loc) g.loc = loc;
    return g;
  }

  addHost(
    name: string,
    group: string | undefined,
    port: number | undefined,
    file: string,
    loc: Loc | undefined,
  ): InvHost {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, groups: [], file, loc, varLocs: new Map() };
      this.hosts.set(name, h);
      // as Ansible: a port written with the name counts only where the host is first seen
      if (port !== undefined) this.setHostVar(name, 'ansible_port', port, loc);
    }
    if (group !== undefined) {
      const g = this.addGroup(group, loc);
      if (!g.hosts.includes(name)) g.hosts.push(name);
      if (!h.groups.includes(group)) h.groups.push(group);
    }
    return h;
  }

  /** Every group above `name` (not including it). */
  ancestors(name: string, out = new Set<string>()): Set<string> {
    for (const p of this.groups.get(name)?.parents ?? []) {
      if (!out.has(p)) {
        out.add(p);
        this.ancestors(p, out);
      }
    }
    return out;
  }

  /** Make `child` a child of `parent`; a loop is reported (at `loc`) and refused. */
  addChild(parent: string, child: string, loc: Loc | undefined): boolean {
    const p = this.addGroup(parent, loc);
    const c = this.addGroup(child, loc);
    if (parent === child) {
      this.problems.add(`group "${child}" cannot be a child of itself`, { code: 'INVENTORY', loc });
      return false;
    }
    if (p.children.includes(child)) return true;
    if (this.ancestors(parent).has(child)) {
      this.problems.add(
        `adding group "${child}" as a child of "${parent}" makes a loop: "${parent}" is already inside "${child}"`,
        {
          code: 'INVENTORY',
          loc,
        },
      );
      return false;
    }
    p.children.push(child);
    c.parents.push(parent);
    return true;
  }

  setGroupVar(group: string, key: string, value: unknown, loc: Loc | undefined): void {
    const g = this.addGroup(group, loc);
    if (key === PROTO_KEY) return void this.problems.add(PROTO_MESSAGE, { code: 'INVENTORY', loc });
    if (!this.portOk(`group ${group}`, key, value, loc)) return;
    if (key === 'ansible_group_priority') {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)
            ? Number(value)
            : NaN;
      if (!Number.isInteger(n)) {
        this.problems.add(
          `ansible_group_priority of group "${group}" must be a whole number, got ${JSON.stringify(value)}`,
          {
            code: 'INVENTORY',
            loc,
          },
        );
      } else g.priority = n;
      return;
    }
    noteSecretVar(key, value);
    setKey(g.vars, key, value);
    if (loc) g.varLocs.set(key, loc);
  }

  private portOk(who: string, key: string, value: unknown, loc: Loc | undefined): boolean {
    const bad = badPort(key, value);
    if (bad) this.problems.add(`${key} of ${who} ${bad}`, { code: 'INVENTORY', loc });
    return !bad;
  }

  setHostVar(host: string, key: string, value: unknown, loc: Loc | undefined): void {
    const h = this.hosts.get(host);
    if (!h) return;
    if (key === PROTO_KEY) return void this.problems.add(PROTO_MESSAGE, { code: 'INVENTORY', loc });
    if (!this.portOk(`host ${host}`, key, value, loc)) return;
    const before = h.varLocs.get(key);
    if (before && loc && key in h.vars && JSON.stringify(h.vars[key]) !== JSON.stringify(value)) {
      this.warnings.push(
        `host ${host}: ${key} is set twice with different values ` +
          `(${before.file}:${before.line} and ${loc.file}:${loc.line}); the later one wins`,
      );
    }
    noteSecretVar(key, value);
    setKey(h.vars, key, value);
    if (loc) h.varLocs.set(key, loc);
  }

  /** After every source was read: top-level groups join `all`, hostless hosts join `ungrouped`, depths are set. */
  finish(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name, g.loc);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const h of this.hosts.values()) {
      const mine = new Set<string>();
      for (const d of h.groups) {
        mine.add(d);
        for (const a of this.ancestors(d)) mine.add(a);
      }
      mine.delete('all');
      mine.delete('ungrouped');
      if (ungrouped.hosts.includes(h.name)) {
        if (mine.size > 0) {
          ungrouped.hosts.splice(ungrouped.hosts.indexOf(h.name), 1);
          h.groups.splice(h.groups.indexOf('ungrouped'), 1);
        }
      } else if (mine.size === 0) {
        ungrouped.hosts.push(h.name);
        h.groups.push('ungrouped');
      }
    }
    const depth = new Map<string, number>([['all', 0]]);
    const depthOf = (name: string, seen: Set<string>): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      if (seen.has(name)) return 0; // loops were refused already
      seen.add(name);
      const g = this.groups.get(name)!;
      const d = Math.max(0, ...g.parents.map((p) => depthOf(p, seen) + 1));
      depth.set(name, d);
      return d;
    };
    for (const g of this.groups.values()) g.depth = depthOf(g.name, new Set());
    for (const name of this.hosts.keys()) {
      const g = this.groups.get(name);
      if (g) {
        this.problems.add(
          `"${name}" is both a host and a group; patterns and group_vars/host_vars would be ambiguous`,
          {
            code: 'INVENTORY',
            loc: this.hosts.get(name)!.loc ?? g.loc,
          },
        );
      }
    }
  }
}
