// Module family "users": user and group, with the shadow tools (useradd/usermod/userdel, groupadd/groupmod/
// groupdel). State is read with `getent passwd NAME`, `getent group` (every group: members and ids) and,
// only when a password is managed, `getent shadow NAME`.
//
// user, Ansible's rules kept: create_home (default yes) gives `useradd -m` (no gives -M); groups replace
// the supplementary groups unless append=yes (then only missing ones are added); groups: '' removes them
// all; the groups and the primary group must exist; update_password=always (default) resets a differing
// hash, on_create sets it only for a new user; remove=yes deletes the home with the user (userdel -r);
// the result's password is 'NOT_LOGGING_PASSWORD'. The password hash is a secret: it is given to
// `chpasswd -e` on stdin, never in an argv, a summary, a diff or the result.
// Differences: when `group` is not given and a group named like the user exists, a new user joins it
// (`useradd -g NAME`; Ansible passes -N, leaving useradd's default group). An existing user's missing home
// directory is not recreated. Not supported: expires, password_lock, ssh keys, SELinux user, non-Linux hosts.
//
// group: gid (groupmod -g when it differs), system (groupadd -r, at creation only), non_unique (-o).
import type { Action, Change, FactReader, Plan, Vars } from './contract.js';
import { taskFailed } from './lib/fsattrs.js';
import { abool, aint, alist, astr, choice, defineTask, apath } from './lib/schema.js';
import type { ModuleSpec } from './contract.js';

const NAME_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

function checkName(kind: string, name: string | undefined): string {
  const n = (name ?? '').trim();
  if (!NAME_RE.test(n) || n.length > 256) throw taskFailed(`${kind}: "${name}" is not a valid ${kind} name`);
  return n;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export const passwdArgv = (name: string) => ['getent', 'passwd', name];
export const GROUPS_ARGV = ['getent', 'group'];
export const groupArgv = (name: string) => ['getent', 'group', name];
const key = (argv: string[]) => `probe:${argv.join(' ')}`;

async function getPasswd(facts: FactReader, name: string): Promise<PasswdEntry | undefined> {
  const r = await facts.probe(passwdArgv(name));
  if (r.rc === 2) return undefined;
  if (r.rc !== 0) throw taskFailed(`user: getent passwd ${name} failed (rc=${r.rc}): ${r.stderr.trim()}`);
  const f = r.stdout.trim().split('\n')[0]!.split(':');
  return {
    name: f[0]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
  };
}

export function parseGroups(out: string): GroupEntry[] {
  return out
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => {
      const f = l.split(':');
      return {
        name: f[0]!,
        gid: Number(f[2]),
        members: (f[3] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

async function allGroups(facts: FactReader): Promise<GroupEntry[]> {
  const r = await facts.probe(GROUPS_ARGV);
  if (r.rc !== 0) throw taskFailed(`getent group failed (rc=${r.rc}): ${r.stderr.trim()}`);
  return parseGroups(r.stdout);
}

/** A group given by name or number, as the group database has it. */
function findGroup(groups: GroupEntry[], g: string): GroupEntry | undefined {
  return /^\d+$/.test(g) ? groups.find((x) => x.gid === Number(g)) : groups.find((x) => x.name === g);
}

const touchesFor = (name: string, home?: string) => [
  key(passwdArgv(name)),
  key(GROUPS_ARGV),
  key(groupArgv(name)),
  key(['getent', 'shadow', name]),
  'file:/etc/passwd',
  'file:/etc/group',
  'file:/etc/shadow',
  `user:${name}`,
  ...(home ? [`file:${home}`] : []),
];

export const user = defineTask({
  name: 'user',
  description: 'Manage a user account: uid, primary and supplementary groups, shell, home, password hash.',
  args: {
    name: astr(),
    state: choice(['present', 'absent']).default('present'),
    uid: aint(),
    group: astr(),
    groups: alist(astr()),
    append: abool().default(false),
    shell: astr(),
    home: apath(),
    create_home: abool().default(true),
    move_home: abool().default(false),
    system: abool().default(false),
    password: astr(),
    update_password: choice(['always', 'on_create']).default('always'),
    comment: astr(),
    remove: abool().default(false),
    force: abool().default(false),
    non_unique: abool().default(false),
  },
  argAliases: { user: 'name', createhome: 'create_home' },
  required: ['name'],
  returns: {
    name: 'user name',
    state: 'present or absent',
    uid: 'user id',
    group: 'primary group id',
    groups: 'supplementary groups (comma list)',
    home: 'home directory',
    shell: 'login shell',
    comment: 'GECOS',
    system: 'system account',
    password: "'NOT_LOGGING_PASSWORD' when a password was given",
  },
  example: '- user: name=kube group=kube groups=docker append=yes shell=/sbin/nologin system=yes create_home=no',
  async plan(args, _host, facts): Promise<Plan> {
    const name = checkName('user', args.name);
    if (args.password !== undefined && /[:\n]/.test(args.password))
      throw taskFailed('user: the password hash must not contain ":" or a newline');
    const cur = await getPasswd(facts, name);
    const result: Vars = { name, state: args.state, system: args.system };
    if (args.password !== undefined) result.password = 'NOT_LOGGING_PASSWORD';
    if (args.state === 'absent') {
      if (!cur) return { changes: [], result };
      const argv = ['userdel', ...(args.remove ? ['-r'] : []), ...(args.force ? ['-f'] : []), name];
      return {
        changes: [
          {
            summary: `user: remove ${name}${args.remove ? ' and its home' : ''}`,
            actions: [{ exec: argv }],
            touches: touchesFor(name, args.remove ? cur.home : undefined),
          },
        ],
        result,
      };
    }
    const groups = await allGroups(facts);
    let primary: GroupEntry | undefined;
    if (args.group !== undefined) {
      primary = findGroup(groups, args.group);
      if (!primary) throw taskFailed(`user: Group ${args.group} does not exist`);
    }
    const wanted = args.groups?.map((g) => {
      const e = findGroup(groups, g);
      if (!e) throw taskFailed(`user: Group ${g} does not exist`);
      return e.name;
    });
    const pw: Action[] =
      args.password !== undefined ? [{ exec: ['chpasswd', '-e'], stdin: `${name}:${args.password}\n` }] : [];
    if (!cur) {
      const argv = ['useradd'];
      if (args.uid !== undefined) argv.push('-u', String(args.uid));
      if (args.non_unique) argv.push('-o');
      if (primary) argv.push('-g', primary.name);
      else if (groups.some((g) => g.name === name)) argv.push('-g', name);
      if (wanted?.length) argv.push('-G', wanted.join(','));
      if (args.comment !== undefined) argv.push('-c', args.comment);
      if (args.home !== undefined) argv.push('-d', args.home);
      if (args.shell !== undefined) argv.push('-s', args.shell);
      if (args.system) argv.push('-r');
      argv.push(args.create_home ? '-m' : '-M', name);
      Object.assign(result, {
        home: args.home,
        shell: args.shell,
        comment: args.comment,
        groups: wanted?.join(',') ?? '',
        create_home: args.create_home,
      });
      return {
        changes: [
          { summary: `user: create ${name}`, actions: [{ exec: argv }, ...pw], touches: touchesFor(name, args.home) },
        ],
        result,
      };
    }
    const gid = primary?.gid ?? cur.gid;
    const primaryName = groups.find((g) => g.gid === gid)?.name;
    const current = groups.filter((g) => g.members.includes(name) && g.gid !== gid).map((g) => g.name);
    const parts: string[] = [];
    const argv = ['usermod'];
    if (args.uid !== undefined && args.uid !== cur.uid) {
      argv.push('-u', String(args.uid));
      if (args.non_unique) argv.push('-o');
      parts.push(`uid ${cur.uid} → ${args.uid}`);
    }
    if (primary && primary.gid !== cur.gid) {
      argv.push('-g', primary.name);
      parts.push(`group → ${primary.name}`);
    }
    if (wanted !== undefined) {
      const want = [...new Set(wanted)].filter((g) => g !== primaryName);
      const missing = want.filter((g) => !current.includes(g));
      const extra = current.filter((g) => !want.includes(g));
      if (args.append ? missing.length > 0 : missing.length > 0 || extra.length > 0) {
        argv.push(...(args.append ? ['-a'] : []), '-G', want.join(','));
        parts.push(
          `groups ${current.join(',') || '(none)'} → ${args.append ? `+${missing.join(',')}` : want.join(',') || '(none)'}`,
        );
      }
    }
    if (args.comment !== undefined && args.comment !== cur.comment) {
      argv.push('-c', args.comment);
      parts.push('comment');
    }
    if (args.home !== undefined && args.home !== cur.home) {
      argv.push('-d', args.home, ...(args.move_home ? ['-m'] : []));
      parts.push(`home ${cur.home} → ${args.home}`);
    }
    if (args.shell !== undefined && args.shell !== cur.shell) {
      argv.push('-s', args.shell);
      parts.push(`shell ${cur.shell} → ${args.shell}`);
    }
    const actions: Action[] = [];
    if (argv.length > 1) actions.push({ exec: [...argv, name] });
    if (args.password !== undefined && args.update_password === 'always') {
      const sh = await facts.probe(['getent', 'shadow', name]);
      const hash = sh.rc === 0 ? (sh.stdout.split(':')[1] ?? '') : undefined;
      if (hash !== args.password) {
        actions.push(...pw);
        parts.push('password');
      }
    }
    const after = {
      ...cur,
      uid: args.uid ?? cur.uid,
      gid,
      home: args.home ?? cur.home,
      shell: args.shell ?? cur.shell,
      comment: args.comment ?? cur.comment,
    };
    Object.assign(result, {
      uid: after.uid,
      group: after.gid,
      home: after.home,
      shell: after.shell,
      comment: after.comment,
      groups: (wanted !== undefined && !args.append ? wanted : [...new Set([...current, ...(wanted ?? [])])])
        .filter((g) => g !== primaryName)
        .join(','),
    });
    const changes: Change[] = actions.length
      ? [{ summary: `user: ${name}: ${parts.join(', ')}`, actions, touches: touchesFor(name, args.home) }]
      : [];
    return { changes, result };
  },
});

export const group = defineTask({
  name: 'group',
  description: 'Manage a group: present with a gid, or absent.',
  args: {
    name: astr(),
    gid: aint(),
    state: choice(['present', 'absent']).default('present'),
    system: abool().default(false),
    non_unique: abool().default(false),
  },
  required: ['name'],
  returns: { name: 'group name', gid: 'group id', state: 'present or absent', system: 'system group' },
  example: '- group: name=kube system=yes',
  async plan(args, _host, facts): Promise<Plan> {
    const name = checkName('group', args.name);
    const r = await facts.probe(groupArgv(name));
    if (r.rc !== 0 && r.rc !== 2)
      throw taskFailed(`group: getent group ${name} failed (rc=${r.rc}): ${r.stderr.trim()}`);
    const cur = r.rc === 0 ? parseGroups(r.stdout)[0] : undefined;
    const touches = [key(groupArgv(name)), key(GROUPS_ARGV), 'file:/etc/group', `group:${name}`];
    const result: Vars = { name, state: args.state, system: args.system };
    if (args.state === 'absent') {
      return {
        changes: cur ? [{ summary: `group: remove ${name}`, actions: [{ exec: ['groupdel', name] }], touches }] : [],
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

export const modules: ModuleSpec[] = [user, group];
