// authorized_key: SSH public keys in a user's authorized_keys (default ~user/.ssh/authorized_keys; `path`
// elsewhere), as ansible.posix.authorized_key keeps them: keys are matched by their base64 part; a key whose
// options or comment differ is moved to the end with the new ones; `exclusive` keeps only the given keys. When the
// file is written, every key line is written in Ansible's form (auth-keys.ts), the file is owned by the user, mode
// 0600, and (manage_dir) its folder made 0700 and owned by the user. `key` may hold several lines, or be a URL
// read on the host with curl.
import { posix } from 'node:path';
import type { Action, FactReader, Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, apath, astr, choice, defineTask } from '../lib/schema.js';
import { type AuthKey, formatKey, keyLines, parseAuthKey, parseOptions, sameKey } from './auth-keys.js';

async function account(facts: FactReader, user: string): Promise<{ home: string; uid: string; gid: string }> {
  const r = await facts.probe(['getent', 'passwd', user], { reads: [`user:${user}`] });
  const f = r.rc === 0 ? r.stdout.trim().split(':') : [];
  if (f.length < 6) throw taskFailed(`Failed to lookup user ${user}: 'getpwnam(): name not found: ${user}'`);
  return { uid: f[2]!, gid: f[3]!, home: f[5]! };
}

async function keyText(facts: FactReader, key: string, validate: boolean): Promise<string> {
  if (!key.startsWith('http')) return key;
  const r = await facts.probe(['curl', '-fsSL', ...(validate ? [] : ['-k']), '--', key]);
  if (r.rc !== 0) throw taskFailed(`Error getting key from: ${key}`);
  return r.stdout;
}

export const authorized_key = defineTask({
  name: 'authorized_key',
  description: "Add or remove SSH public keys in a user's authorized_keys, as ansible.posix.authorized_key does.",
  args: {
    user: astr(),
    key: astr(),
    path: apath(),
    manage_dir: abool().default(true),
    state: choice(['absent', 'present']).default('present'),
    key_options: astr(),
    exclusive: abool().default(false),
    comment: astr(),
    validate_certs: abool().default(true),
    follow: abool().default(false),
  },
  required: ['user', 'key'],
  returns: { keyfile: 'the authorized_keys file', diff: 'before/after, with --diff' },
  example: "- authorized_key: user=deploy key=\"{{ lookup('file', 'deploy.pub') }}\"",
  async plan(args, _host, facts): Promise<Plan> {
    const user = args.user!;
    const who = await account(facts, user);
    const sshDir = args.path === undefined ? posix.join(who.home, '.ssh') : posix.dirname(args.path);
    let file = args.path ?? posix.join(sshDir, 'authorized_keys');
    const st0 = await facts.stat(file, { follow: false });
    if (args.follow && st0.islnk && st0.lnk_target) file = posix.resolve(posix.dirname(file), st0.lnk_target);
    const st = await facts.stat(file, { follow: true });
    const before = st.exists ? ((await facts.read(file)) ?? Buffer.alloc(0)).toString('utf8') : '';
    const keys = keyLines(before);
    const wanted = (await keyText(facts, args.key!, args.validate_certs))
      .split(/\r?\n/)
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const k = parseAuthKey(l);
        if (!k) throw taskFailed(`invalid key specified: ${l}`);
        if (args.key_options !== undefined) k.options = parseOptions(args.key_options);
        if (args.comment !== undefined) k.comment = args.comment;
        return k;
      });
    let out: AuthKey[] = [...keys];
    const added: AuthKey[] = [];
    for (const k of wanted) {
      const i = out.findIndex((o) => o.id === k.id);
      if (args.state === 'absent') {
        if (i >= 0) out.splice(i, 1);
      } else if (i < 0 || !sameKey(out[i]!, k)) {
        if (i >= 0) out.splice(i, 1);
        added.push(k);
      }
    }
    if (args.state === 'present' && args.exclusive) out = out.filter((o) => wanted.some((k) => k.id === o.id));
    const changed = added.length > 0 || out.length !== keys.length;
    out = [...out, ...added];
    const result = { user, keyfile: file, state: args.state, exclusive: args.exclusive, manage_dir: args.manage_dir };
    if (!changed) return { changes: [], result };
    const after = out.map(formatKey).join('');
    const actions: Action[] = [];
    const owner = { owner: who.uid, group: who.gid };
    if (args.manage_dir) {
      if (!(await facts.stat(sshDir, { follow: true })).exists) actions.push({ exec: ['mkdir', '-p', '--', sshDir] });
      actions.push(
        { exec: ['chown', `${who.uid}:${who.gid}`, '--', sshDir] },
        { exec: ['chmod', '0700', '--', sshDir] },
      );
    } else if (!(await facts.stat(posix.dirname(file), { follow: true })).exists)
      actions.push({ exec: ['mkdir', '-p', '--', posix.dirname(file)] });
    actions.push({ put: file, content: Buffer.from(after), mode: '0600', ...owner });
    return {
      changes: [
        {
          summary: `authorized_key: ${file}: ${args.state === 'absent' ? 'remove' : 'add'} keys for ${user}`,
          diff: { path: file, before, after },
          actions,
          touches: [`file:${file}`, `file:${sshDir}`],
        },
      ],
      result,
    };
  },
});
