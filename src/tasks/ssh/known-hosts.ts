// known_hosts: one host's key in a known_hosts file (default ~/.ssh/known_hosts of the host's user), plain or
// hashed (hash_host). present: a line for the host with the same key type and key (hashed as asked) is kept;
// otherwise the host's lines of that key type are removed and the key appended at the end. absent: the host's
// lines holding the key (or every line for the host, when no key is given) are removed. Other lines keep their
// order. The result always has `diff` ({before, after, before_header, after_header}), as Ansible's does.
import { posix } from 'node:path';
import type { Action, Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { expandUser } from '../lib/home.js';
import { abool, apath, astr, choice, defineTask } from '../lib/schema.js';
import { hashHost, isHashed, namesHost, parseHostKey } from './host-keys.js';

/** The key line checked against the host it should name; the line to write. */
function wantedLine(name: string, key: string, hash: boolean): { line: string; type: string; key: string } {
  const k = parseHostKey(key);
  if (!k || k.marker) throw taskFailed(`Invalid host key specified: ${key.trim()}`);
  if (!namesHost(k.hosts, name)) throw taskFailed('Host parameter does not match hashed host field in supplied key');
  const rest = key.trim().slice(k.hosts.length);
  const line = hash && !isHashed(k.hosts) ? `${hashHost(name)}${rest}` : key.trim();
  return { line, type: k.type, key: k.key };
}

export const known_hosts = defineTask({
  name: 'known_hosts',
  description: "Add or remove one host's SSH key in a known_hosts file, plain or hashed.",
  args: {
    name: astr(),
    key: astr(),
    path: apath().default('~/.ssh/known_hosts'),
    hash_host: abool().default(false),
    state: choice(['present', 'absent']).default('present'),
  },
  argAliases: { host: 'name' },
  required: ['name'],
  requiredIf: [['state', 'present', ['key']]],
  returns: { diff: 'before/after of the file, with its path as before_header/after_header' },
  example: "- known_hosts: name=git.example.org key=\"{{ lookup('file', 'git.pub') }}\"",
  async plan(args, _host, facts): Promise<Plan> {
    const name = args.name!.toLowerCase();
    if (name.includes(','))
      throw taskFailed(
        'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.',
      );
    const path = await expandUser(args.path, facts);
    const want = args.key === undefined ? undefined : wantedLine(name, args.key, args.hash_host);
    const st = await facts.stat(path, { follow: true });
    if (st.isdir) throw taskFailed(`${path} is a directory`);
    const before = st.exists ? ((await facts.read(path)) ?? Buffer.alloc(0)).toString('utf8') : '';
    const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
    const mine = (l: string) => {
      const k = parseHostKey(l);
      return k && !k.marker && namesHost(k.hosts, name) ? k : undefined;
    };
    let out = lines;
    if (args.state === 'absent') {
      out = lines.filter((l) => {
        const k = mine(l);
        return !k || (want !== undefined && (k.type !== want.type || k.key !== want.key));
      });
    } else if (want) {
      const hashed = isHashed(want.line);
      const kept = lines.some((l) => {
        const k = mine(l);
        return k && k.type === want.type && k.key === want.key && isHashed(k.hosts) === hashed;
      });
      if (!kept) out = [...lines.filter((l) => mine(l)?.type !== want.type), want.line];
    }
    const after = out.length ? `${out.join('\n')}\n` : '';
    const same = out.length === lines.length && out.every((l, i) => l === lines[i]);
    const diff = { before_header: path, after_header: path, before, after: same ? before : after };
    if (same) return { changes: [], result: { diff } };
    const actions: Action[] = [];
    const dir = posix.dirname(path);
    if (!st.exists && !(await facts.stat(dir, { follow: true })).exists)
      actions.push({ exec: ['mkdir', '-p', '-m', '0700', '--', dir] });
    actions.push({ put: path, content: Buffer.from(after, 'utf8'), mode: st.mode ?? '0644' });
    const summary = `known_hosts: ${path}: ${args.state === 'absent' ? 'remove' : 'add'} ${name}`;
    const madeAnew = want !== undefined && args.hash_host && args.state === 'present';
    return {
      changes: [{ summary, diff: { path, before, after }, actions, touches: [`file:${path}`], madeAnew }],
      result: { diff },
    };
  },
});
