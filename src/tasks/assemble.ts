// assemble: one file made of a folder's fragments, put on the host as copy puts a file (sent only when its sha256
// differs; mode/owner/group fixed in place; backup, validate). Ansible's rules kept:
// - src is a folder on the host (remote_src: true, the default) or on the controller (remote_src: false, found as
//   copy's src is); a missing src fails with "Source (...) does not exist", a file with "... is not a directory";
// - the fragments are the folder's own regular files (links to files count, sub-folders do not), in the order of
//   their names' code points (Python's sorted()); `regexp` (Python's re.search on the name) keeps the matching ones,
//   `ignore_hidden` leaves out names starting with a dot;
// - a newline is put after a fragment that does not end with one when another follows; `delimiter` goes between
//   fragments with Python's backslash escapes decoded (again for each fragment, as Ansible's loop does), always
//   followed by a newline;
// - the result has Ansible's fields: src, dest, checksum (sha1), md5sum, size, mode, owner, group, state, msg 'OK'.
// Differences (docs/ansible-differences.md): check mode is predicted exactly (Ansible skips assemble in check
// mode); kplay has no vault, so a vault-encrypted controller fragment is refused (decrypt: false sends its bytes).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { boolWord } from '../core/value-utils.js';
import type { FactReader } from './contract.js';
import { fileAttrArgs, taskFailed } from './lib/fsattrs.js';
import { listTree } from './lib/list-tree.js';
import { planPutFile } from './lib/put-file.js';
import { aregex, pyRegex } from './lib/py-regex.js';
import { abool, apath, astr, defineTask } from './lib/schema.js';

/** Python's codecs.escape_decode on bytes (held as a latin1 string): \\ \' \" \a \b \f \n \r \t \v, \ooo, \xHH,
 *  a backslash-newline dropped; any other backslash stays. */
export function escapeDecode(s: string): string {
  const one: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
  return s.replace(/\\([0-7]{1,3}|x([0-9a-fA-F]{2})|x|[\s\S])/g, (all, what: string, hex?: string) => {
    if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16));
    if (what === 'x') throw taskFailed(`delimiter: invalid \\x escape in ${JSON.stringify(s)}`);
    if (/^[0-7]/.test(what)) return String.fromCharCode(Number.parseInt(what, 8) & 0xff);
    if (what === '\\' || what === "'" || what === '"') return what;
    return one[what] ?? all;
  });
}

export interface Fragment {
  name: string;
  content: Buffer;
}

/** The fragments joined as Ansible joins them. */
export function joinFragments(fragments: Fragment[], delimiter: string | undefined): Buffer {
  const parts: Buffer[] = [];
  // the delimiter as bytes (latin1 string), decoded once more before each fragment after the first
  let delim = delimiter === undefined ? undefined : Buffer.from(delimiter, 'utf8').toString('latin1');
  let newline = false;
  fragments.forEach((f, i) => {
    if (newline) parts.push(Buffer.from('\n'));
    if (i > 0 && delim) {
      delim = escapeDecode(delim);
      parts.push(Buffer.from(delim, 'latin1'), Buffer.from('\n'));
    }
    parts.push(f.content);
    newline = !f.content.toString('latin1').endsWith('\n');
  });
  return Buffer.concat(parts);
}

/** Python's sorted() of names: by code point, which is UTF-8's byte order. */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Pick {
  regexp?: string | undefined;
  ignore_hidden: boolean;
}

function picked(name: string, o: Pick): boolean {
  if (o.regexp !== undefined && !pyRegex(o.regexp).test(name)) return false;
  return !(o.ignore_hidden && name.startsWith('.'));
}

/** The host folder's fragments. */
async function hostFragments(src: string, o: Pick, facts: FactReader): Promise<Fragment[]> {
  const st = await facts.stat(src, { follow: true });
  if (!st.exists) throw taskFailed(`Source (${src}) does not exist`);
  if (!st.isdir) throw taskFailed(`Source (${src}) is not a directory`);
  const names: string[] = [];
  for (const e of await listTree(facts, src, 1)) {
    const name = posix.basename(e.path);
    if (!picked(name, o)) continue;
    if (e.isreg || (e.islnk && (await facts.stat(e.path, { follow: true })).isreg === true)) names.push(name);
  }
  const out: Fragment[] = [];
  for (const name of names.sort(byCodePoint)) {
    const content = await facts.read(posix.join(src, name));
    if (content === undefined) throw taskFailed(`cannot read ${posix.join(src, name)}`);
    out.push({ name, content });
  }
  return out;
}

/** The controller folder's fragments (links to files followed). */
async function controllerFragments(src: string, o: Pick & { decrypt: boolean }, facts: FactReader) {
  const tree = await facts.controllerTree?.(src);
  if (tree === undefined) throw taskFailed(`Source (${src}) is not a directory`);
  const names = tree.filter((e) => !e.dir && !e.link && !e.path.includes('/') && picked(e.path, o)).map((e) => e.path);
  const out: Fragment[] = [];
  for (const name of names.sort(byCodePoint)) {
    const content = await facts.controllerRead(posix.join(src, name));
    // kplay has no vault: an encrypted fragment is refused rather than put on the host still encrypted
    if (o.decrypt && content.subarray(0, 14).toString() === '$ANSIBLE_VAULT')
      throw taskFailed(
        `${posix.join(src, name)} is encrypted with Ansible Vault, and kplay has no vault: decrypt it first ` +
          '(ansible-vault decrypt), or set decrypt: false to assemble the encrypted bytes as they are',
      );
    out.push({ name, content });
  }
  return out;
}

export const assemble = defineTask({
  name: 'assemble',
  description: "Join a folder's fragments (on the host, or on the controller with remote_src: false) into one file.",
  args: {
    src: apath(),
    dest: apath(),
    delimiter: astr(),
    regexp: aregex(),
    ignore_hidden: abool().default(false),
    remote_src: abool().default(true),
    validate: astr(),
    backup: abool().default(false),
    decrypt: abool().default(true),
    ...fileAttrArgs,
  },
  required: ['src', 'dest'],
  controllerSource: (a) => (boolWord(a.remote_src) === false ? { arg: 'src', kind: 'files' } : undefined),
  returns: {
    dest: 'destination path',
    src: 'the fragments folder',
    checksum: 'sha1 of the assembled file',
    md5sum: 'md5 of the assembled file',
    size: 'size in bytes',
    backup_file: 'backup path when backup=yes',
  },
  example: '- assemble:\n    src: /etc/app/conf.d\n    dest: /etc/app/app.conf\n    delimiter: "### fragment"',
  async plan(args, host, facts) {
    const src = args.src!;
    const fragments = args.remote_src
      ? await hostFragments(src, args, facts)
      : await controllerFragments(src, args, facts);
    const content = joinFragments(fragments, args.delimiter);
    const plan = await planPutFile(
      { ...args, dest: args.dest!, src: undefined, content, force: true },
      host,
      facts,
      'assemble',
    );
    const md5sum = createHash('md5').update(content).digest('hex');
    return { ...plan, result: { ...plan.result, src, md5sum, msg: 'OK' } };
  },
});
