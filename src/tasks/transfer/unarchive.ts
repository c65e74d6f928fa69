// unarchive: a tar, tar.gz/tgz or zip archive from the controller (put to a temp path, extracted, removed) or
// already on the host (remote_src) extracted into `dest`, which must be an existing directory.
// Idempotence (roughly Ansible's): the archive's members are listed here (parsed in TypeScript; a
// remote archive is read to the controller for that) and compared with what is in dest: every
// directory must exist, every file must exist with the same size and, for tar (and zip members
// carrying a Unix timestamp), the same mtime; every symlink with the same target. Contents are not
// compared (Ansible's tar --diff does). mode/owner/group apply to each member, as in Ansible.
// `include` extracts only the members named (patterns, as Ansible's; exclusive with `exclude`), and `list_files`
// lists the members extracted. `creates` skips everything. zip needs `unzip` on the host; tar needs GNU tar (Debian's).
import { posix } from 'node:path';
import type { Action, Change, FactReader, Plan, Vars } from '../contract.js';
import { fnmatch } from '../../core/fnmatch.js';
import {
  chmodArg,
  fileAttrArgs,
  octal,
  resolveMode,
  sameGroup,
  sameOwner,
  taskFailed,
  type ModeArg,
} from '../lib/fsattrs.js';
import { abool, alist, astr, defineTask, apath } from '../lib/schema.js';
import { archiveKind, archiveMembers, type Member } from './archive.js';
import { findControllerFile, hostTemp } from './shared.js';

interface OnHost {
  size: number;
  mtime: number;
  type: string; // stat's %F
  mode: number;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  link: string;
}

const STAT_MEMBERS =
  'cd -- "$1" || exit 3; shift; for p; do if [ -e "$p" ] || [ -L "$p" ]; then ' +
  's=$(stat -c "%s|%Y|%F|%a|%U|%G|%u|%g" -- "$p") || s=MISSING; ' +
  'if [ -L "$p" ]; then printf "%s|%s\\n" "$s" "$(readlink -- "$p")"; else printf "%s|\\n" "$s"; fi; ' +
  'else echo MISSING; fi; done';

/** stat of every member under dest, a few probes of at most ~48 kB of names each. */
async function statMembers(facts: FactReader, dest: string, paths: string[]): Promise<(OnHost | undefined)[]> {
  const out: (OnHost | undefined)[] = [];
  for (let i = 0; i < paths.length; ) {
    const chunk: string[] = [];
    for (let len = 0; i < paths.length && (chunk.length === 0 || len + paths[i]!.length < 48_000); i++) {
      chunk.push(paths[i]!);
      len += paths[i]!.length + 3;
    }
    const r = await facts.probe(['sh', '-c', STAT_MEMBERS, 'sh', dest, ...chunk]);
    if (r.rc !== 0) throw taskFailed(`unarchive: cannot look into ${dest}: ${r.stderr.trim()}`);
    const lines = r.stdout.split('\n');
    for (let k = 0; k < chunk.length; k++) {
      const l = lines[k] ?? 'MISSING';
      if (l.startsWith('MISSING')) {
        out.push(undefined);
        continue;
      }
      const [size, mtime, type, mode, owner, group, uid, gid, ...link] = l.split('|');
      out.push({
        size: Number(size),
        mtime: Number(mtime),
        type: type!,
        mode: parseInt(mode!, 8),
        owner: owner!,
        group: group!,
        uid: Number(uid),
        gid: Number(gid),
        link: link.join('|'),
      });
    }
  }
  return out;
}

interface AttrWant {
  mode?: ModeArg;
  owner?: string | undefined;
  group?: string | undefined;
}

/** Why a member is not as the archive (and the attribute args) say, or undefined when it is. */
export function memberDiffers(m: Member, h: OnHost | undefined, want: AttrWant): string | undefined {
  if (!h) return 'missing';
  if (m.type === 'dir') {
    if (h.type !== 'directory') return 'not a directory';
  } else if (m.type === 'link') {
    if (h.type !== 'symbolic link') return 'not a symlink';
    if (h.link !== m.linkname) return `link target ${h.link} → ${m.linkname}`;
    return undefined; // links have no attributes of their own worth comparing
  } else if (m.type === 'file') {
    if (!h.type.startsWith('regular')) return 'not a regular file';
    if (h.size !== m.size) return `size ${h.size} → ${m.size}`;
    if (m.mtime !== undefined && h.mtime !== m.mtime) return 'mtime differs';
  }
  if (want.mode !== undefined && m.type !== 'hardlink' && m.type !== 'other') {
    const mode = resolveMode(want.mode, h.mode, m.type === 'dir');
    if (mode !== undefined && mode !== h.mode) return `mode ${octal(h.mode)} → ${octal(mode)}`;
  }
  const st = { exists: true, path: m.path, uid: h.uid, gid: h.gid, owner: h.owner, group: h.group };
  if (want.owner !== undefined && !sameOwner(want.owner, st)) return `owner ${h.owner} → ${want.owner}`;
  if (want.group !== undefined && !sameGroup(want.group, st)) return `group ${h.group} → ${want.group}`;
  return undefined;
}

/** argv chunks of `[...head, ...paths]`, each under ~48 kB. */
function chunked(head: string[], paths: string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const p of paths) {
    if (cur.length && len + p.length > 48_000) {
      out.push([...head, ...cur]);
      [cur, len] = [[], 0];
    }
    cur.push(p);
    len += p.length + 3;
  }
  if (cur.length) out.push([...head, ...cur]);
  return out;
}

export const unarchive = defineTask({
  name: 'unarchive',
  description:
    'Extract a tar, tar.gz or zip archive (from the controller, or already on the host) into an existing directory.',
  args: {
    src: apath(),
    dest: apath(),
    remote_src: abool().default(false),
    creates: apath(),
    list_files: abool().default(false),
    exclude: alist(astr()).default([]),
    include: alist(astr()).default([]),
    extra_opts: alist(astr()).default([]),
    keep_newer: abool().default(false),
    validate_certs: abool().default(true),
    decrypt: abool().default(true),
    ...fileAttrArgs,
  },
  required: ['src', 'dest'],
  mutuallyExclusive: [['include', 'exclude']],
  groupFailures: {
    mutuallyExclusive: { 'include,exclude': { msg: 'parameters are mutually exclusive: include|exclude' } },
  },
  returns: {
    dest: 'the directory extracted into',
    src: 'the archive',
    handler: 'TgzArchive, TarArchive or ZipArchive',
    files: 'member names (list_files=yes)',
  },
  example:
    '- unarchive:\n    src: cni-plugins-linux-amd64-v1.4.0.tgz\n    dest: /opt/cni/bin\n' +
    '    creates: /opt/cni/bin/bridge',
  async plan(args, host, facts): Promise<Plan> {
    const src = args.src!;
    const dest = args.dest!.replace(/(.)\/+$/, '$1');
    if (/^[a-z]+:\/\//i.test(src))
      throw taskFailed('unarchive: a URL src is not supported; download it with get_url first');
    if (args.creates !== undefined && (await facts.stat(args.creates, { follow: false })).exists) {
      return { changes: [], result: { dest, src, msg: `skipped, since ${args.creates} exists` } };
    }
    const d = await facts.stat(dest, { follow: true });
    if (!d.exists || !d.isdir) throw taskFailed(`dest '${dest}' must be an existing dir`);
    let archive: Buffer;
    if (args.remote_src) {
      const s = await facts.stat(src, { follow: true });
      if (!s.exists) throw taskFailed(`Source '${src}' does not exist`);
      if (!s.isreg) throw taskFailed(`Source '${src}' not readable, it is not a regular file`);
      archive = (await facts.read(src))!;
    } else archive = (await findControllerFile(facts, host, src)).content;
    const kind = archiveKind(archive);
    if (!kind)
      throw taskFailed(
        `Failed to find handler for "${src}". Make sure the required command to extract the file is installed ` +
          `(supported here: tar, tar.gz/tgz, zip)`,
      );
    const excl = args.exclude.map(fnmatch);
    const incl = args.include.map(fnmatch);
    // include: the members named (a pattern, or a directory and what is beneath it: tar's own matching)
    const included = (p: string) =>
      incl.some((re) => re.test(p)) || args.include.some((i) => p.startsWith(`${i.replace(/\/+$/, '')}/`));
    const members = archiveMembers(archive, kind).filter((m) =>
      incl.length ? included(m.path) : !excl.some((re) => re.test(m.path) || re.test(posix.basename(m.path))),
    );
    const handler = { tar: 'TarArchive', tgz: 'TgzArchive', zip: 'ZipArchive' }[kind];
    const result: Vars = { dest, src, handler };
    if (args.list_files) result.files = members.map((m) => m.path + (m.type === 'dir' ? '/' : ''));
    const onHost = await statMembers(
      facts,
      dest,
      members.map((m) => m.path),
    );
    const differ = members
      .map((m, i) => [m, memberDiffers(m, onHost[i], args)] as const)
      .filter(([, why]) => why !== undefined);
    if (!differ.length) return { changes: [], result };
    const actions: Action[] = [];
    let file = src;
    if (!args.remote_src) {
      file = hostTemp('unarchive', src);
      actions.push({ put: file, content: archive, mode: '0600' });
    }
    if (kind === 'zip') {
      const unzip = await facts.probe(['sh', '-c', 'command -v unzip']);
      if (unzip.rc !== 0) throw taskFailed(`unarchive: ${src} is a zip archive and unzip is not installed on the host`);
      actions.push({
        exec: [
          'unzip',
          '-o',
          ...args.extra_opts,
          file,
          ...args.include,
          ...(args.exclude.length ? ['-x', ...args.exclude] : []),
          '-d',
          dest,
        ],
      });
    } else {
      actions.push({
        exec: [
          'tar',
          '--extract',
          '-C',
          dest,
          ...(kind === 'tgz' ? ['-z'] : []),
          ...args.exclude.map((e) => `--exclude=${e}`),
          ...(args.keep_newer ? ['--keep-newer-files'] : []),
          ...args.extra_opts,
          '-f',
          file,
          ...args.include,
        ],
      });
    }
    if (!args.remote_src) actions.push({ remove: file });
    const paths = members.map((m) => posix.join(dest, m.path));
    if (args.owner !== undefined || args.group !== undefined) {
      const who =
        args.owner !== undefined
          ? args.group !== undefined
            ? `${args.owner}:${args.group}`
            : args.owner
          : `:${args.group}`;
      for (const argv of chunked(['chown', '-h', who, '--'], paths)) actions.push({ exec: argv });
    }
    if (args.mode !== undefined) {
      const notLinks = members
        .filter((m) => m.type === 'file' || m.type === 'dir')
        .map((m) => posix.join(dest, m.path));
      for (const argv of chunked(['chmod', chmodArg(args.mode), '--'], notLinks)) actions.push({ exec: argv });
    }
    const [first, why] = differ[0]!;
    const summary =
      `unarchive: ${src} → ${dest} ` +
      `(${differ.length} of ${members.length} members differ; ` +
      `${first.path}: ${why})`;
    const change: Change = { summary, actions, touches: [`file:${dest}/`] };
    return { changes: [change], result };
  },
});
