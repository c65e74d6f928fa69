// htpasswd (community.general.htpasswd): one user's line `name:hash` in an htpasswd file (a registry's or a web
// server's basic auth). A line whose hash already verifies the password is kept, so a second run is `ok` though
// bcrypt salts every hash anew; a missing line is appended, a wrong one rewritten in place; `state: absent`
// removes the line. A missing file is made (create=yes, mode 0644 unless `mode` says), a missing folder fails.
// The password and the hash are secrets: the hash reaches the host in the file's bytes only (never an argv),
// and the diff, the summary and the result show neither.
// Differences (docs/ansible-differences.md): bcrypt is the only scheme (`hash_scheme` accepts bcrypt and its
// passlib names), and the default, where Ansible's is apr_md5_crypt: Docker Distribution reads bcrypt only, and
// kplay writes no home-made crypt. A line in another scheme is replaced by a bcrypt one.
import { posix } from 'node:path';
import bcrypt from 'bcryptjs';
import { addSecret, MASK } from '../../core/secrets.js';
import type { Action, Plan, Vars } from '../contract.js';
import { fixAttrs, parseOctal, resolveMode, octal, NEW_FILE_MODE, taskFailed } from '../lib/fsattrs.js';
import { abool, aint, amode, apath, astr, choice, defineTask } from '../lib/schema.js';

const SCHEMES = ['bcrypt', '2b', 'bcrypt_sha256'] as const;

/** The file's lines, each kept as written, with the user it names (a comment or a blank line names none). */
export function htpasswdLines(text: string): { line: string; name?: string; hash?: string }[] {
  return text
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map((line) => {
      const i = line.indexOf(':');
      if (line.startsWith('#') || i <= 0) return { line };
      return { line, name: line.slice(0, i), hash: line.slice(i + 1).trim() };
    });
}

/** Whether `hash` (a crypt string) is `password`'s bcrypt hash. */
export function verifies(password: string, hash: string): boolean {
  if (!/^\$2[abxy]?\$\d\d\$/.test(hash)) return false;
  return bcrypt.compareSync(password, hash);
}

/** The lines with the hashes masked: what --diff shows. */
const masked = (lines: { line: string; name?: string }[]) =>
  lines.map((l) => (l.name === undefined ? l.line : `${l.name}:${MASK}`)).join('\n');

export const htpasswd = defineTask({
  name: 'htpasswd',
  description: "One user's bcrypt password line in an htpasswd file (basic auth of a registry or web server).",
  args: {
    path: apath(),
    name: astr(),
    password: astr(),
    hash_scheme: choice(SCHEMES).default('bcrypt'),
    state: choice(['present', 'absent']).default('present'),
    create: abool().default(true),
    rounds: aint().default(10),
    mode: amode(),
    owner: astr(),
    group: astr(),
  },
  argAliases: { dest: 'path', destfile: 'path', username: 'name', crypt_scheme: 'hash_scheme' },
  required: ['path', 'name'],
  returns: { msg: 'what was done: added, password updated, removed, or the line was already right' },
  example:
    '- htpasswd:\n    path: /etc/docker/registry/htpasswd\n    name: "{{ REGISTRY_USER }}"\n' +
    '    password: "{{ REGISTRY_PASSWORD }}"\n    group: docker-registry\n    mode: "0640"',
  async plan(args, _host, facts): Promise<Plan> {
    const [path, name] = [args.path!, args.name!];
    if (/[:\n]/.test(name)) throw taskFailed(`htpasswd: the user name must not hold ":" or a newline: ${name}`);
    if (args.state === 'present' && !args.password) throw taskFailed('htpasswd: state=present needs a password');
    if (args.password) addSecret(args.password);
    if (args.rounds < 4 || args.rounds > 31) throw taskFailed('htpasswd: rounds must be 4 to 31');
    const st = await facts.stat(path, { follow: true });
    if (st.exists && st.isdir) throw taskFailed(`htpasswd: ${path} is a directory`);
    const lines = st.exists ? htpasswdLines(((await facts.read(path)) ?? Buffer.alloc(0)).toString('utf8')) : [];
    for (const l of lines) if (l.hash) addSecret(l.hash);
    const mine = lines.filter((l) => l.name === name);
    const result: Vars = { path, name, state: args.state };
    let after = lines;
    let msg: string;
    let made = false;
    if (args.state === 'absent') {
      if (mine.length) after = lines.filter((l) => l.name !== name);
      msg = mine.length ? `Removed ${name}` : `${name} not present`;
    } else if (mine.length === 1 && verifies(args.password!, mine[0]!.hash!)) {
      msg = `${name} already present`;
    } else {
      if (!st.exists && !args.create) throw taskFailed(`htpasswd: ${path} does not exist and create=no`);
      if (!st.exists && !(await facts.stat(posix.dirname(path), { follow: true })).isdir)
        throw taskFailed(`htpasswd: the folder ${posix.dirname(path)} does not exist`);
      const hash = bcrypt.hashSync(args.password!, args.rounds);
      addSecret(hash);
      made = true;
      const line = { line: `${name}:${hash}`, name, hash };
      let placed = false;
      after = lines.flatMap((l) => (l.name !== name ? [l] : placed ? [] : ((placed = true), [line])));
      if (!placed) after = [...after, line];
      msg = !st.exists
        ? `Created ${path} and added ${name}`
        : mine.length
          ? `Password updated for ${name}`
          : `Added ${name}`;
    }
    result.msg = msg;
    const actions: Action[] = [];
    if (after !== lines) {
      const content = after.length ? `${after.map((l) => l.line).join('\n')}\n` : '';
      const mode = resolveMode(args.mode, st.exists ? (parseOctal(st.mode) ?? NEW_FILE_MODE) : NEW_FILE_MODE, false);
      actions.push({
        put: path,
        content: Buffer.from(content),
        mode: mode === undefined ? undefined : octal(mode),
        owner: args.owner,
        group: args.group,
      });
    } else if (st.exists) actions.push(...fixAttrs(path, st, args).actions);
    if (!actions.length) return { changes: [], result };
    const edited = after !== lines;
    return {
      changes: [
        {
          summary: `htpasswd: ${path}: ${edited ? msg : 'mode/owner/group'}`,
          ...(edited ? { diff: { path, before: masked(lines), after: masked(after) } } : {}),
          ...(made ? { madeAnew: true } : {}),
          actions,
          touches: [`file:${path}`],
        },
      ],
      result,
    };
  },
});
