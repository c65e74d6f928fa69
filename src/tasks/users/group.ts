// group: gid (groupmod -g when it differs), system (groupadd -r, at creation only), non_unique (-o, needs a
// gid), force (groupdel -f: even when it is a user's primary group). `local` uses the same shadow tools (they
// write the local files; Ansible uses libuser's lgroupadd).
import type { Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, astr, choice, defineTask } from '../lib/schema.js';
import { checkName, GROUPS_ARGV, groupArgv, key, parseGroups } from './accounts.js';

export const group = defineTask({
  name: 'group',
  description: 'Manage a group: present with a gid, or absent.',
  args: {
    name: astr(),
    gid: aint(),
    state: choice(['present', 'absent']).default('present'),
    system: abool().default(false),
    non_unique: abool().default(false),
    local: abool().default(false),
    force: abool().default(false),
  },
  required: ['name'],
  returns: { name: 'group name', gid: 'group id', state: 'present or absent', system: 'system group' },
  example: '- group: name=kube system=yes',
  async plan(args, _host, facts): Promise<Plan> {
    const name = checkName('group', args.name);
    if (args.non_unique && args.gid === undefined) throw taskFailed('group: non_unique=yes needs a gid');
    const r = await facts.probe(groupArgv(name));
    if (r.rc !== 0 && r.rc !== 2)
      throw taskFailed(`group: getent group ${name} failed (rc=${r.rc}): ${r.stderr.trim()}`);
    const cur = r.rc === 0 ? parseGroups(r.stdout)[0] : undefined;
    const touches = [key(groupArgv(name)), key(GROUPS_ARGV), 'file:/etc/group', `group:${name}`];
    const result: Vars = { name, state: args.state, system: args.system };
    if (args.state === 'absent') {
      return {
        changes: cur
          ? [
              {
                summary: `group: remove ${name}`,
                actions: [{ exec: ['groupdel', ...(args.force ? ['-f'] : []), name] }],
                touches,
              },
            ]
          : [],
        result,
      };
    }
    result.gid = args.gid ?? cur?.gid;
    if (!cur) {
      const argv = [
        'groupadd',
        ...(args.gid !== undefined ? ['-g', String(args.gid)] : []),
        ...(args.non_unique ? ['-o'] : []),
        ...(args.system ? ['-r'] : []),
        name,
      ];
      return {
        changes: [
          {
            summary: `group: create ${name}${args.gid !== undefined ? ` (gid ${args.gid})` : ''}`,
            actions: [{ exec: argv }],
            touches,
          },
        ],
        result,
      };
    }
    if (args.gid !== undefined && args.gid !== cur.gid) {
      return {
        changes: [
          {
            summary: `group: ${name}: gid ${cur.gid} → ${args.gid}`,
            actions: [{ exec: ['groupmod', '-g', String(args.gid), ...(args.non_unique ? ['-o'] : []), name] }],
            touches,
          },
        ],
        result,
      };
    }
    return { changes: [], result };
  },
});
