// Modules that shape the run's in-memory inventory, on the controller: add_host (a host, its groups and
// variables; run once for the play's hosts, as in Ansible) and group_by (the host joins a group named by `key`,
// made under `parents`). They answer with data; the engine changes the inventory, and later plays see it.
import type { ControllerResult } from './contract.js';
import { alist, astr, defineController } from './lib/schema.js';

const GROUP = /^[^\s,[\]]+$/;
const failed = (msg: string): ControllerResult => ({ status: 'failed', msg, result: { failed: true, msg } });
const badGroup = (names: string[]) => names.find((g) => !GROUP.test(g));

/** `name`, `name:port` or `[v6 address]:port` (a bare IPv6 address has no port). */
function hostAndPort(s: string): { name: string; port?: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: s.replace(/^\[([^\]]+)\]$/, '$1') };
}

export const add_host = defineController({
  name: 'add_host',
  description: "Add a host (and its groups and variables) to the run's inventory, for the plays after this one.",
  anyArgs: true,
  bypassHostLoop: true,
  args: { name: astr(), groups: alist(astr()).default([]) },
  argAliases: { host: 'name', hostname: 'name', group: 'groups', groupname: 'groups' },
  required: ['name'],
  example: '- add_host: { name: "{{ new_ip }}", groups: [kube_node], ansible_user: debian }',
  async runOnController({ args: a, raw }) {
    const { name, port } = hostAndPort(String(a.name).trim());
    if (!name || /\s/.test(name)) return failed(`add_host: name must be one host name, got ${JSON.stringify(a.name)}`);
    const groups = a.groups as string[];
    const bad = badGroup(groups);
    if (bad !== undefined) return failed(`add_host: '${bad}' is not a group name (no spaces, commas or brackets)`);
    const own = new Set(['name', 'host', 'hostname', 'groups', 'group', 'groupname']);
    const vars = Object.fromEntries(Object.entries(raw).filter(([k]) => !own.has(k)));
    // `host:port` gives the host its ssh port, under the name Ansible gives it
    if (port !== undefined) vars.ansible_ssh_port = port;
    return {
      status: 'ok',
      result: { add_host: { host_name: name, groups, host_vars: vars }, changed: false },
      inventory: { addHost: { name, groups, vars } },
    };
  },
});

export const group_by = defineController({
  name: 'group_by',
  description: "Put the host in a group named by `key` (made under `parents` when new), in the run's inventory.",
  args: {
    key: astr().refine((v) => v.trim() !== '', 'must not be empty: it names a group'),
    parents: alist(astr()).default(['all']),
  },
  required: ['key'],
  example: '- group_by: { key: "os_{{ ansible_distribution }}" }',
  async runOnController({ args: a }) {
    const group = String(a.key).trim();
    const parents = a.parents as string[];
    const bad = badGroup([group, ...parents]);
    if (bad !== undefined) return failed(`group_by: '${bad}' is not a group name (no spaces, commas or brackets)`);
    return {
      status: 'ok',
      result: { add_group: group, parent_groups: parents, changed: false },
      inventory: { joinGroup: { group, parents } },
    };
  },
});
