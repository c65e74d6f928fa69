// user, Ansible's rules kept: create_home (default yes) gives `useradd -m` (no gives -M); groups replace
// the supplementary groups unless append=yes (then only missing ones are added); groups: '' removes them
// all; the groups and the primary group must exist; update_password=always (default) resets a differing
// hash, on_create sets it only for a new user; remove=yes deletes the home with the user (userdel -r);
// the result's password is 'NOT_LOGGING_PASSWORD'. The password hash is a secret: it is given to
// `chpasswd -e` on stdin, never in an argv, a summary, a diff or the result.
// Differences: when `group` is not given and a group named like the user exists, a new user joins it
// (`useradd -g NAME`; Ansible passes -N, leaving useradd's default group). An existing user's missing home
// directory is not recreated. Not supported: expires, password_lock, ssh keys, SELinux user, non-Linux hosts.
import type { Action, Change, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, alist, astr, choice, defineTask, apath } from '../lib/schema.js';
import { checkName, type GroupEntry, getPasswd, allGroups, findGroup, touchesFor } from './accounts.js';

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
          `groups ${current.join(',') || '(none)'} → ` +
            `${args.append ? `+${missing.join(',')}` : want.join(',') || '(none)'}`,
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
