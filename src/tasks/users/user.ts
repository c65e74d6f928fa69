// user, Ansible's rules kept: create_home (default yes) gives `useradd -m` (no gives -M); groups replace
// the supplementary groups unless append=yes (then only missing ones are added); groups: '' removes them
// all; the groups and the primary group must exist; update_password=always (default) resets a differing
// hash, on_create sets it only for a new user; remove=yes deletes the home with the user (userdel -r);
// the result's password is 'NOT_LOGGING_PASSWORD'. The password hash is a secret: it is given to
// `chpasswd -e` on stdin, never in an argv, a summary, a diff or the result.
// Differences: when `group` is not given and a group named like the user exists, a new user joins it
// (`useradd -g NAME`; Ansible passes -N, leaving useradd's default group). An existing user's missing home
// is made again (user-home.ts). `local` uses the same shadow tools (they write the local files; Ansible uses
// libuser's luseradd). Shadow settings: user-shadow.ts; ssh keys: user-ssh.ts. Not supported: non-Linux hosts.
import { z } from 'zod';
import type { Action, Change, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, alist, astr, choice, defineTask, apath, withForm } from '../lib/schema.js';
import { checkName, type GroupEntry, getPasswd, allGroups, findGroup, touchesFor } from './accounts.js';
import { chageAction, expiresArgv, expireValue, getShadow, lockAction, passwordWarning } from './user-shadow.js';
import { sshKey } from './user-ssh.js';
import { missingHome } from './user-home.js';

/** Ansible's `float`: a number or a string holding one. */
const afloat = () =>
  withForm(
    z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
      z.number(),
    ),
    'float',
  );

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
    expires: afloat(),
    password_expire_min: aint(),
    password_expire_max: aint(),
    password_lock: abool(),
    local: abool().default(false),
    umask: astr(),
    skeleton: apath(),
    seuser: astr(),
    generate_ssh_key: abool().default(false),
    ssh_key_type: astr().default('rsa'),
    ssh_key_bits: aint().default(0),
    ssh_key_file: apath(),
    ssh_key_comment: astr(),
    ssh_key_passphrase: astr(),
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
    ssh_key_file: 'the private key (generate_ssh_key)',
    warnings: 'a password that does not look hashed, a local user not found in /etc/passwd, append without groups',
  },
  example: '- user: name=kube group=kube groups=docker append=yes shell=/sbin/nologin system=yes create_home=no',
  async plan(args, host, facts): Promise<Plan> {
    const name = checkName('user', args.name);
    if (args.password !== undefined && /[:\n]/.test(args.password))
      throw taskFailed('user: the password hash must not contain ":" or a newline');
    // Ansible's local path (luseradd) has no umask: it fails the task
    if (args.local && args.umask !== undefined) throw taskFailed("user: 'umask' cannot be used with 'local: true'");
    const cur = await getPasswd(facts, name);
    const result: Vars = { name, state: args.state, system: args.system };
    if (args.password !== undefined) result.password = 'NOT_LOGGING_PASSWORD';
    const warnings = [args.password !== undefined ? passwordWarning(args.password) : undefined];
    // Ansible's warnings: a local user not in /etc/passwd may exist elsewhere; append without groups does nothing
    if (args.local && !cur && args.state !== 'absent')
      warnings.push(
        `'local: true' specified and user '${name}' was not found in /etc/passwd. The local user account may ` +
          'already exist if the local account database exists somewhere other than /etc/passwd.',
      );
    if (args.append && args.groups === undefined && args.state !== 'absent')
      warnings.push("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.");
    if (warnings.some(Boolean)) result.warnings = warnings.filter(Boolean);
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
      if (args.expires !== undefined) argv.push('-e', expireValue(args.expires));
      if (args.umask !== undefined) argv.push('-K', `UMASK=${args.umask}`);
      if (args.skeleton !== undefined && args.create_home) argv.push('-k', args.skeleton);
      if (args.seuser !== undefined) argv.push('-Z', args.seuser);
      argv.push(args.create_home ? '-m' : '-M', name);
      const home = args.home ?? `/home/${name}`;
      const key = await sshKey(facts, args, name, home, host.name, false);
      if (key.path) result.ssh_key_file = key.path;
      const after = [
        ...pw,
        ...chageAction(name, args, undefined),
        ...lockAction(name, args.password_lock, args.password ?? '!'),
        ...key.actions,
      ];
      Object.assign(result, {
        home: args.home,
        shell: args.shell,
        comment: args.comment,
        groups: wanted?.join(',') ?? '',
        create_home: args.create_home,
      });
      return {
        changes: [
          { summary: `user: create ${name}`, actions: [{ exec: argv }, ...after], touches: touchesFor(name, home) },
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
    const shadowUsed =
      (args.password !== undefined && args.update_password === 'always') ||
      args.expires !== undefined ||
      args.password_expire_min !== undefined ||
      args.password_expire_max !== undefined ||
      args.password_lock !== undefined;
    const sh = shadowUsed ? await getShadow(facts, name) : undefined;
    const exp = expiresArgv(args.expires, sh?.expire ?? '');
    if (exp.length) {
      argv.push(...exp);
      parts.push('expires');
    }
    const actions: Action[] = [];
    if (argv.length > 1) actions.push({ exec: [...argv, name] });
    if (args.create_home && !(args.home !== undefined && args.home !== cur.home && args.move_home)) {
      const mk = await missingHome(facts, args.home ?? cur.home, { uid: args.uid ?? cur.uid, gid }, args);
      if (mk.length) parts.push('home created');
      actions.push(...mk);
    }
    let hash = sh?.hash ?? '';
    if (args.password !== undefined && args.update_password === 'always') {
      if (hash.replace(/^!+/, '') !== args.password.replace(/^!+/, '')) {
        actions.push(...pw);
        parts.push('password');
        hash = args.password;
      }
    }
    const chage = chageAction(name, args, sh ?? { hash: '', min: '', max: '', expire: '' });
    if (chage.length) parts.push('password age');
    const lock = lockAction(name, args.password_lock, hash);
    if (lock.length) parts.push(args.password_lock ? 'lock' : 'unlock');
    const key = await sshKey(facts, args, name, args.home ?? cur.home, host.name, true);
    if (key.path) result.ssh_key_file = key.path;
    if (key.actions.length) parts.push('ssh key');
    actions.push(...chage, ...lock, ...key.actions);
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
