// Module family "transfer": moving files between the controller, the host and the network.
//
// slurp    the host's file, base64, in the result (`content`, `encoding: base64`, `source`); never a change.
// fetch    a host file for the controller: the plan reads it (`dest` computed as
//          Ansible does: <dest>/<inventory_hostname>/<src path>, or <dest> with flat=yes). Writing it on the
//          controller is an action the engine runs on the controller (controllerPut).
// script   a controller file (found like copy's src: the role's files/, the playbook's files/ ...) is put to
//          a temp path on the host (0700), run through /bin/sh (or `executable`) with its arguments, then
//          removed. creates/removes skip it; like command it is not idempotent otherwise.
// unarchive a tar, tar.gz/tgz or zip archive from the controller (put to a temp path, extracted, removed) or
//          already on the host (remote_src) extracted into `dest`, which must be an existing directory.
//          Idempotence (roughly Ansible's): the archive's members are listed here (parsed in TypeScript; a
//          remote archive is read to the controller for that) and compared with what is in dest: every
//          directory must exist, every file must exist with the same size and, for tar (and zip members
//          carrying a Unix timestamp), the same mtime; every symlink with the same target. Contents are not
//          compared (Ansible's tar --diff does). mode/owner/group apply to each member, as in Ansible.
//          `creates` skips everything. zip needs `unzip` on the host; tar needs GNU tar (Debian's).
// get_url  the host downloads `url` with curl (or wget) to a temp file beside dest, checks the checksum, sets
//          mode/owner and renames it into place. dest existing: with `checksum` the download is skipped when
//          it matches; without, force=no (the default) leaves it alone; force=yes compares the sha256 of what
//          the URL serves now (a read-only probe on the host) with dest's. A dest directory gets the URL's
//          basename (Ansible may use Content-Disposition and always downloads then).
import { fnmatch } from './fnmatch.js';
import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import type { Action, Change, FactReader, Plan, Vars } from './contract.js';
import { splitCommand } from './command.js';
import {
  backupAction, backupName, chmodArg, fileAttrArgs, fixAttrs, NEW_FILE_MODE, octal, parseOctal, resolveMode, sameGroup, sameOwner, sha1,
  taskFailed, type ModeArg,
} from './fsattrs.js';
import { abool, aint, alist, astr, defineTask, type ModuleSpec } from './schema.js';

/** Single-quoted for /bin/sh. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A random temp path on the host for a file sent there to be used once. */
function hostTemp(kind: string, name: string): string {
  return `/tmp/.kplay-${kind}-${randomBytes(6).toString('hex')}-${posix.basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Where a controller `src` is, searched like copy's: absolute, the role's files/ and folder, the playbook's files/ and folder. */
export async function findControllerFile(facts: FactReader, vars: Vars, src: string): Promise<{ path: string; content: Buffer }> {
  const cands: string[] = [];
  if (posix.isAbsolute(src)) cands.push(src);
  else {
    if (typeof vars.role_path === 'string') cands.push(join(vars.role_path, 'files', src), join(vars.role_path, src));
    if (typeof vars.playbook_dir === 'string') cands.push(join(vars.playbook_dir, 'files', src), join(vars.playbook_dir, src));
    cands.push(join('files', src), src);
  }
  for (const p of [...new Set(cands)]) {
    try {
      return { path: p, content: await facts.controllerRead(p) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw taskFailed(`${src} is a directory on the controller; a file is needed`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
  }
  throw taskFailed(`Could not find or access '${src}' on the controller (searched ${[...new Set(cands)].join(', ')})`);
}

// ---------------------------------------------------------------------------------------------- slurp

export const slurp = defineTask({
  name: 'slurp',
  description: "Read a file on the host into the result, base64-encoded (`content`); nothing changes.",
  args: { src: astr() },
  argAliases: { path: 'src' },
  required: ['src'],
  returns: { content: 'the file, base64', encoding: "'base64'", source: 'the path read' },
  example: "- slurp: src=/etc/kubernetes/ssl/ca.pem\n  register: ca\n- debug: msg=\"{{ ca.content | b64decode }}\"",
  async plan(args, _host, facts): Promise<Plan> {
    const src = args.src!;
    const st = await facts.stat(src, { follow: true });
    if (!st.exists) throw taskFailed(`file not found: ${src}`);
    if (st.isdir) throw taskFailed(`source is a directory and must be a file: ${src}`);
    const b = await facts.read(src);
    if (b === undefined) throw taskFailed(`file not found: ${src}`);
    return { changes: [], result: { content: b.toString('base64'), encoding: 'base64', source: src } };
  },
});

// ---------------------------------------------------------------------------------------------- fetch

export function fetchDest(dest: string, src: string, host: string, flat: boolean, baseDir: string | undefined): string {
  const base = posix.isAbsolute(dest) || baseDir === undefined ? dest : posix.join(baseDir, dest);
  if (flat) return base.endsWith('/') ? posix.join(base, posix.basename(src)) : base;
  return posix.join(base, host, posix.normalize(`/${src}`));
}

export const fetch = defineTask({
  name: 'fetch',
  description: 'Copy a file from the host to the controller (<dest>/<host>/<path>, or <dest> with flat=yes).',
  args: { src: astr(), dest: astr(), flat: abool().default(false), fail_on_missing: abool().default(true), validate_checksum: abool().default(true) },
  required: ['src', 'dest'],
  returns: { dest: 'the controller path', checksum: 'sha1 of the file', remote_checksum: 'sha1 on the host' },
  example: '- fetch: src=/etc/kubernetes/admin.conf dest=/etc/kubeasz/clusters/k8s-01/ flat=yes',
  async plan(args, host, facts): Promise<Plan> {
    const src = args.src!;
    const st = await facts.stat(src, { follow: true });
    if (!st.exists || st.isdir) {
      const msg = st.isdir ? 'remote file is a directory, fetch cannot work on directories' : 'the remote file does not exist, not transferring';
      if (args.fail_on_missing) throw taskFailed(msg);
      return { changes: [], result: { msg, file: src } };
    }
    const b = (await facts.read(src))!;
    const baseDir = typeof host.vars.playbook_dir === 'string' ? host.vars.playbook_dir : undefined;
    const dest = fetchDest(args.dest!, src, host.name, args.flat, baseDir);
    const sum = sha1(b);
    let local: Buffer | undefined;
    try {
      local = await facts.controllerRead(dest);
    } catch {
      local = undefined;
    }
    const result: Vars = { file: src, dest, checksum: sum, remote_checksum: sum };
    if (local !== undefined && sha1(local) === sum) return { changes: [], result };
    return { changes: [{ summary: `fetch: ${src} to the controller's ${dest}`, actions: [{ controllerPut: dest, content: b }], touches: [`controller:${dest}`] }], result };
  },
});

// ---------------------------------------------------------------------------------------------- script

export const script = defineTask({
  name: 'script',
  description: 'Send a script from the controller to the host and run it there (removed afterwards).',
  freeForm: true,
  converges: false,
  args: { _raw_params: astr(), cmd: astr(), creates: astr(), removes: astr(), chdir: astr(), executable: astr(), decrypt: abool().default(true) },
  requiredOneOf: [['_raw_params', 'cmd']],
  mutuallyExclusive: [['_raw_params', 'cmd']],
  returns: { rc: 'exit code', stdout: 'standard output', stderr: 'standard error', stdout_lines: 'stdout split in lines' },
  example: '- script: files/prepare.sh --force\n  args:\n    creates: /etc/prepared',
  async plan(args, host, facts): Promise<Plan> {
    const line = (args._raw_params ?? args.cmd ?? '').trim();
    const m = /^("[^"]*"|'[^']*'|\S+)\s*([\s\S]*)$/.exec(line);
    if (!m) throw taskFailed('script: no script given');
    const file = splitCommand(m[1]!)[0]!;
    const rest = m[2]!;
    const skipped = (msg: string): Plan => ({ changes: [], result: { msg, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] } });
    if (args.creates !== undefined && (await facts.stat(args.creates, { follow: false })).exists) return skipped(`skipped, since ${args.creates} exists`);
    if (args.removes !== undefined && !(await facts.stat(args.removes, { follow: false })).exists) return skipped(`skipped, since ${args.removes} does not exist`);
    const { content } = await findControllerFile(facts, host.vars, file);
    const tmp = hostTemp('script', file);
    const run = `${args.executable ? `${args.executable} ` : ''}${shq(tmp)}${rest ? ` ${rest}` : ''}`;
    const actions: Action[] = [
      { put: tmp, content, mode: '0700' },
      { exec: ['/bin/sh', '-c', run], cwd: args.chdir },
      { remove: tmp },
    ];
    const touches = [args.creates, args.removes].filter((p): p is string => p !== undefined).map((p) => `file:${p}`);
    return { changes: [{ summary: `script: ${line}`, actions, touches }], result: {} };
  },
});

// ---------------------------------------------------------------------------------------------- archives

export interface Member {
  path: string; // normalised: no leading ./ or /, no trailing /
  type: 'file' | 'dir' | 'link' | 'hardlink' | 'other';
  size: number;
  mtime?: number | undefined;
  mode: number;
  linkname?: string | undefined;
}

export type ArchiveKind = 'tar' | 'tgz' | 'zip';

export function archiveKind(b: Buffer): ArchiveKind | undefined {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'tgz';
  if (b.length >= 4 && b.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (b.length >= 4 && b.readUInt32LE(0) === 0x06054b50) return 'zip'; // an empty zip
  if (b.length >= 263 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  if (b.length >= 512 && tarChecksumOk(b.subarray(0, 512))) return 'tar'; // old v7 tar
  return undefined;
}

function tarChecksumOk(h: Buffer): boolean {
  const want = parseInt(h.subarray(148, 156).toString('latin1').replace(/[\0 ]+/g, ' ').trim(), 8);
  if (Number.isNaN(want)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === want;
}

export function normMember(p: string): string | undefined {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  if (!parts.length || parts.includes('..')) return undefined;
  return parts.join('/');
}

function tarNum(b: Buffer): number {
  if (b[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = b.toString('latin1').replace(/\0.*$/s, '').trim();
  return s ? parseInt(s, 8) : 0;
}

const cstr = (b: Buffer) => {
  const i = b.indexOf(0);
  return b.subarray(0, i < 0 ? b.length : i).toString('utf8');
};

/** The members of a tar (already decompressed): GNU long names and pax headers understood. */
export function tarMembers(b: Buffer): Member[] {
  const out: Member[] = [];
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (let off = 0; off + 512 <= b.length; ) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    if (!tarChecksumOk(h)) throw taskFailed('unarchive: corrupt tar header');
    const size = tarNum(h.subarray(124, 136));
    const type = String.fromCharCode(h[156]!);
    const data = b.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstr(data);
      continue;
    }
    if (type === 'K') {
      longLink = cstr(data);
      continue;
    }
    if (type === 'x' || type === 'g') {
      if (type === 'x') pax = parsePax(data);
      continue;
    }
    const magic = h.subarray(257, 262).toString('latin1');
    const prefix = magic === 'ustar' ? cstr(h.subarray(345, 500)) : '';
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
    const linkname = pax.linkpath ?? longLink ?? cstr(h.subarray(157, 257));
    const mtime = pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : tarNum(h.subarray(136, 148));
    const realSize = pax.size !== undefined ? Number(pax.size) : size;
    const mode = tarNum(h.subarray(100, 108)) & 0o7777;
    [longName, longLink, pax] = [undefined, undefined, {}];
    const path = normMember(name);
    if (path === undefined) continue;
    const t: Member['type'] = type === '0' || type === '\0' || type === '7' ? (name.endsWith('/') ? 'dir' : 'file') : type === '5' ? 'dir' : type === '2' ? 'link' : type === '1' ? 'hardlink' : 'other';
    out.push({ path, type: t, size: t === 'file' ? realSize : 0, mtime, mode, linkname: t === 'link' || t === 'hardlink' ? linkname : undefined });
  }
  return out;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.subarray(off, sp).toString('latin1'), 10);
    if (!len) break;
    const rec = data.subarray(sp + 1, off + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}

/** The members of a zip, from its central directory (Unix modes, symlink targets, the UT mtime when present). */
export function zipMembers(b: Buffer): Member[] {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw taskFailed('unarchive: not a zip file (no end of central directory)');
  const count = b.readUInt16LE(eocd + 10);
  let off = b.readUInt32LE(eocd + 16);
  if (off === 0xffffffff || count === 0xffff) throw taskFailed('unarchive: zip64 archives are not supported');
  const out: Member[] = [];
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(off) !== 0x02014b50) throw taskFailed('unarchive: corrupt zip central directory');
    const madeBy = b[off + 5]!;
    const method = b.readUInt16LE(off + 10);
    const csize = b.readUInt32LE(off + 20);
    const usize = b.readUInt32LE(off + 24);
    const nlen = b.readUInt16LE(off + 28);
    const xlen = b.readUInt16LE(off + 30);
    const clen = b.readUInt16LE(off + 32);
    const ext = b.readUInt32LE(off + 38);
    const local = b.readUInt32LE(off + 42);
    const name = b.subarray(off + 46, off + 46 + nlen).toString('utf8');
    const extra = b.subarray(off + 46 + nlen, off + 46 + nlen + xlen);
    off += 46 + nlen + xlen + clen;
    let mtime: number | undefined;
    for (let x = 0; x + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(x);
      const len = extra.readUInt16LE(x + 2);
      if (id === 0x5455 && len >= 5 && extra[x + 4]! & 1) mtime = extra.readUInt32LE(x + 5);
      x += 4 + len;
    }
    const unixMode = madeBy === 3 ? ext >>> 16 : 0;
    const isDir = name.endsWith('/') || (unixMode & 0o170000) === 0o040000;
    const isLink = (unixMode & 0o170000) === 0o120000;
    const path = normMember(name);
    if (path === undefined) continue;
    let linkname: string | undefined;
    if (isLink) {
      const lnl = b.readUInt16LE(local + 26);
      const lxl = b.readUInt16LE(local + 28);
      const raw = b.subarray(local + 30 + lnl + lxl, local + 30 + lnl + lxl + csize);
      linkname = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    }
    out.push({ path, type: isDir ? 'dir' : isLink ? 'link' : 'file', size: isDir || isLink ? 0 : usize, mtime, mode: unixMode & 0o7777 || (isDir ? 0o755 : 0o644), linkname });
  }
  return out;
}

export function archiveMembers(b: Buffer, kind: ArchiveKind): Member[] {
  if (kind === 'zip') return zipMembers(b);
  let tar: Buffer;
  try {
    tar = kind === 'tgz' ? gunzipSync(b) : b;
  } catch (e) {
    throw taskFailed(`unarchive: cannot decompress: ${(e as Error).message}`);
  }
  return tarMembers(tar);
}

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

const STAT_MEMBERS = 'cd -- "$1" || exit 3; shift; for p; do if [ -e "$p" ] || [ -L "$p" ]; then s=$(stat -c "%s|%Y|%F|%a|%U|%G|%u|%g" -- "$p") || s=MISSING; if [ -L "$p" ]; then printf "%s|%s\\n" "$s" "$(readlink -- "$p")"; else printf "%s|\\n" "$s"; fi; else echo MISSING; fi; done';

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
      out.push({ size: Number(size), mtime: Number(mtime), type: type!, mode: parseInt(mode!, 8), owner: owner!, group: group!, uid: Number(uid), gid: Number(gid), link: link.join('|') });
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
  description: 'Extract a tar, tar.gz or zip archive (from the controller, or already on the host) into an existing directory.',
  args: {
    src: astr(), dest: astr(), remote_src: abool().default(false), creates: astr(), list_files: abool().default(false),
    exclude: alist(astr()).default([]), extra_opts: alist(astr()).default([]), keep_newer: abool().default(false),
    validate_certs: abool().default(true), decrypt: abool().default(true), ...fileAttrArgs,
  },
  required: ['src', 'dest'],
  returns: { dest: 'the directory extracted into', src: 'the archive', handler: 'TgzArchive, TarArchive or ZipArchive', files: 'member names (list_files=yes)' },
  example: '- unarchive:\n    src: cni-plugins-linux-amd64-v1.4.0.tgz\n    dest: /opt/cni/bin\n    creates: /opt/cni/bin/bridge',
  async plan(args, host, facts): Promise<Plan> {
    const src = args.src!;
    const dest = args.dest!.replace(/(.)\/+$/, '$1');
    if (/^[a-z]+:\/\//i.test(src)) throw taskFailed('unarchive: a URL src is not supported; download it with get_url first');
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
    } else archive = (await findControllerFile(facts, host.vars, src)).content;
    const kind = archiveKind(archive);
    if (!kind) throw taskFailed(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed (supported here: tar, tar.gz/tgz, zip)`);
    const excl = args.exclude.map(fnmatch);
    const all = archiveMembers(archive, kind);
    const members = all.filter((m) => !excl.some((re) => re.test(m.path) || re.test(posix.basename(m.path))));
    const handler = { tar: 'TarArchive', tgz: 'TgzArchive', zip: 'ZipArchive' }[kind];
    const result: Vars = { dest, src, handler };
    if (args.list_files) result.files = all.map((m) => m.path + (m.type === 'dir' ? '/' : ''));
    const onHost = await statMembers(facts, dest, members.map((m) => m.path));
    const differ = members.map((m, i) => [m, memberDiffers(m, onHost[i], args)] as const).filter(([, why]) => why !== undefined);
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
      actions.push({ exec: ['unzip', '-o', ...args.extra_opts, file, ...(args.exclude.length ? ['-x', ...args.exclude] : []), '-d', dest] });
    } else {
      actions.push({ exec: ['tar', '--extract', '-C', dest, ...(kind === 'tgz' ? ['-z'] : []), ...args.exclude.map((e) => `--exclude=${e}`), ...(args.keep_newer ? ['--keep-newer-files'] : []), ...args.extra_opts, '-f', file] });
    }
    if (!args.remote_src) actions.push({ remove: file });
    const paths = members.map((m) => posix.join(dest, m.path));
    if (args.owner !== undefined || args.group !== undefined) {
      const who = args.owner !== undefined ? (args.group !== undefined ? `${args.owner}:${args.group}` : args.owner) : `:${args.group}`;
      for (const argv of chunked(['chown', '-h', who, '--'], paths)) actions.push({ exec: argv });
    }
    if (args.mode !== undefined) {
      const notLinks = members.filter((m) => m.type === 'file' || m.type === 'dir').map((m) => posix.join(dest, m.path));
      for (const argv of chunked(['chmod', chmodArg(args.mode), '--'], notLinks)) actions.push({ exec: argv });
    }
    const [first, why] = differ[0]!;
    const summary = `unarchive: ${src} → ${dest} (${differ.length} of ${members.length} members differ; ${first.path}: ${why})`;
    const change: Change = { summary, actions, touches: [`file:${dest}/`] };
    return { changes: [change], result };
  },
});

// ---------------------------------------------------------------------------------------------- get_url

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/** A checksum file's digest for `name` (lines `<hex>  <name>` / `<hex> *<name>`; a lone digest counts). */
export function digestFromList(text: string, name: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const l of lines) {
    const m = /^([0-9a-fA-F]+)\s+\*?(?:\.\/)?(.+)$/.exec(l);
    if (m && (m[2] === name || posix.basename(m[2]!) === name)) return m[1]!.toLowerCase();
  }
  if (lines.length === 1 && /^[0-9a-fA-F]+$/.test(lines[0]!)) return lines[0]!.toLowerCase();
  return undefined;
}

interface Fetcher {
  tool: 'curl' | 'wget';
  /** argv that writes the URL's body to stdout. */
  toStdout: string[];
  /** argv that writes it to the file given as the next argument + the url. */
  toFile: (file: string) => string[];
}

interface HttpOpts {
  headers?: Record<string, unknown> | undefined;
  validate_certs: boolean;
  timeout: number;
  url_username?: string | undefined;
  url_password?: string | undefined;
  ca_path?: string | undefined;
  client_cert?: string | undefined;
  client_key?: string | undefined;
  use_proxy?: boolean;
  http_agent?: string | undefined;
}

/** Which downloader the host has: curl (preferred) or wget; a clear failure when neither. */
async function fetcher(facts: FactReader, url: string, o: HttpOpts): Promise<Fetcher> {
  const r = await facts.probe(['sh', '-c', 'command -v curl || command -v wget']);
  const path = r.stdout.trim().split('\n')[0] ?? '';
  const headers = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  if (r.rc === 0 && /curl$/.test(path)) {
    const base = ['curl', '-fsSL', '--connect-timeout', String(o.timeout), ...(o.validate_certs ? [] : ['-k']), ...(o.ca_path ? ['--cacert', o.ca_path] : []),
      ...(o.client_cert ? ['--cert', o.client_cert] : []), ...(o.client_key ? ['--key', o.client_key] : []), ...(o.use_proxy === false ? ['--noproxy', '*'] : []),
      ...(o.http_agent ? ['-A', o.http_agent] : []), ...headers.flatMap((h) => ['-H', h]),
      ...(o.url_username !== undefined ? ['-u', `${o.url_username}:${o.url_password ?? ''}`] : [])];
    return { tool: 'curl', toStdout: [...base, '--url', url], toFile: (f) => [...base, '-o', f, '--url', url] };
  }
  if (r.rc === 0 && /wget$/.test(path)) {
    const base = ['wget', '-q', `--timeout=${o.timeout}`, ...(o.validate_certs ? [] : ['--no-check-certificate']), ...(o.ca_path ? [`--ca-certificate=${o.ca_path}`] : []),
      ...(o.client_cert ? [`--certificate=${o.client_cert}`] : []), ...(o.client_key ? [`--private-key=${o.client_key}`] : []), ...(o.use_proxy === false ? ['--no-proxy'] : []),
      ...(o.http_agent ? [`--user-agent=${o.http_agent}`] : []), ...headers.map((h) => `--header=${h}`),
      ...(o.url_username !== undefined ? [`--user=${o.url_username}`, `--password=${o.url_password ?? ''}`] : [])];
    return { tool: 'wget', toStdout: [...base, '-O', '-', url], toFile: (f) => [...base, '-O', f, url] };
  }
  throw taskFailed('get_url: the host has neither curl nor wget; install one first (e.g. `apt: name=curl`)');
}

const DOWNLOAD = [
  'set -e',
  'dest=$1 algo=$2 want=$3 mode=$4 own=$5; shift 5',
  'tmp=$(mktemp "$dest.kplay-XXXXXX")',
  'trap \'rm -f "$tmp"\' EXIT',
  // the downloader's argv follows, with the literal word @TMP@ standing for the temp file
  'for a; do shift; if [ "$a" = @TMP@ ]; then set -- "$@" "$tmp"; else set -- "$@" "$a"; fi; done',
  '"$@" </dev/null',
  'if [ -n "$want" ]; then got=$(${algo}sum "$tmp" | cut -d" " -f1); if [ "$got" != "$want" ]; then echo "The checksum for $dest did not match $want; it was $got." >&2; exit 1; fi; fi',
  'chmod "$mode" "$tmp"',
  'if [ -n "$own" ]; then chown "$own" "$tmp"; fi',
  'mv -f "$tmp" "$dest"',
  'trap - EXIT',
].join('\n');

const httpArgs = {
  headers: z.record(z.string(), z.unknown()), validate_certs: abool().default(true), url_username: astr(), url_password: astr(),
  force_basic_auth: abool().default(false), use_proxy: abool().default(true), http_agent: astr(), client_cert: astr(), client_key: astr(), ca_path: astr(),
};

export const get_url = defineTask({
  name: 'get_url',
  description: 'Download a file from HTTP(S)/FTP to the host (with curl or wget there), verified by checksum, sent into place atomically.',
  args: {
    url: astr(), dest: astr(), checksum: astr().default(''), force: abool().default(false), backup: abool().default(false), timeout: aint().default(10),
    tmp_dest: astr(), ...httpArgs, ...fileAttrArgs,
  },
  argAliases: { thirsty: 'force', username: 'url_username', password: 'url_password' },
  required: ['url', 'dest'],
  returns: { dest: 'the file', url: 'the URL', checksum_dest: 'sha1 of dest', checksum_src: 'sha1 of what was downloaded', msg: 'what happened', backup_file: 'backup path' },
  example: '- get_url:\n    url: https://dl.k8s.io/v1.30.0/bin/linux/amd64/kubectl\n    dest: /usr/local/bin/kubectl\n    mode: "0755"\n    checksum: sha256:7c3807c0f5c1b30110a2ff1e55da1d112a6d0096201f1beb81b269f582b5d1c5',
  async plan(args, _host, facts): Promise<Plan> {
    const url = args.url!;
    let algo: (typeof ALGOS)[number] | undefined;
    let want = '';
    if (args.checksum) {
      const i = args.checksum.indexOf(':');
      const a = args.checksum.slice(0, i).toLowerCase();
      const v = args.checksum.slice(i + 1).trim();
      if (i < 0 || !(ALGOS as readonly string[]).includes(a)) throw taskFailed(`The checksum parameter has to be in format <algorithm>:<checksum>, with algorithm one of ${ALGOS.join(', ')}`);
      algo = a as (typeof ALGOS)[number];
      if (/^[a-z]+:\/\//i.test(v)) {
        const f = await fetcher(facts, v, args);
        const r = await facts.probe(f.toStdout);
        if (r.rc !== 0) throw taskFailed(`get_url: cannot download the checksum file ${v}: ${r.stderr.trim()}`);
        const name = posix.basename(new URL(url).pathname);
        const d = digestFromList(r.stdout, name);
        if (!d) throw taskFailed(`Unable to find a checksum for file '${name}' in '${v}'`);
        want = d;
      } else {
        want = v.toLowerCase();
        if (!/^[0-9a-f]+$/.test(want)) throw taskFailed(`The checksum format is invalid: ${v}`);
      }
    }
    let dest = args.dest!;
    const dst = await facts.stat(dest, { follow: true });
    if (dst.isdir) {
      const name = posix.basename(new URL(url).pathname);
      if (!name) throw taskFailed(`get_url: dest ${dest} is a directory and no file name is in the URL`);
      dest = posix.join(dest, name);
    }
    const st = await facts.stat(dest, { follow: true, checksum: 'sha1' });
    if (st.isdir) throw taskFailed(`get_url: ${dest} is a directory`);
    const result: Vars = { url, dest };
    const touches = [`file:${dest}`];
    const keep = (msg: string): Plan => {
      result.msg = msg;
      if (st.checksum !== undefined) result.checksum_dest = st.checksum;
      const fix = fixAttrs(dest, st, args);
      return { changes: fix.actions.length ? [{ summary: `get_url: ${dest}: ${fix.parts.join(', ')}`, actions: fix.actions, touches }] : [], result };
    };
    let reason = 'missing';
    if (st.exists) {
      if (algo) {
        const have = algo === 'sha1' ? st.checksum : (await facts.probe([`${algo}sum`, '--', dest])).stdout.split(/\s/)[0];
        if (have === want) return keep('file already exists');
        reason = `${algo} differs`;
      } else if (!args.force) return keep('file already exists');
      else {
        const f = await fetcher(facts, url, args);
        const r = await facts.probe(['sh', '-c', '"$@" | sha256sum', 'sh', ...f.toStdout]);
        const mine = await facts.stat(dest, { follow: true, checksum: 'sha256' });
        if (r.rc === 0 && r.stdout.split(/\s/)[0] === mine.checksum) return keep('file already exists');
        reason = 'content differs';
      }
    }
    const parent = posix.dirname(dest);
    const p = await facts.stat(parent, { follow: true });
    if (!p.exists || !p.isdir) throw taskFailed(`Destination dir ${parent} not writable`);
    const f = await fetcher(facts, url, args);
    const mode = resolveMode(args.mode, st.exists ? (parseOctal(st.mode) ?? NEW_FILE_MODE) : NEW_FILE_MODE, false) ?? (st.exists ? parseOctal(st.mode)! : NEW_FILE_MODE);
    const own = args.owner !== undefined ? (args.group !== undefined ? `${args.owner}:${args.group}` : args.owner) : args.group !== undefined ? `:${args.group}` : '';
    const actions: Action[] = [];
    if (args.backup && st.exists) {
      result.backup_file = backupName(dest);
      actions.push(backupAction(dest, result.backup_file as string));
    }
    // the script on stdin keeps the command line (shown in errors) short
    actions.push({ exec: ['sh', '-s', '--', dest, algo ?? '', want, octal(mode), own, ...f.toFile('@TMP@')], stdin: DOWNLOAD });
    return { changes: [{ summary: `get_url: ${url} → ${dest} (${reason})`, actions, touches }], result };
  },
});

export const modules: ModuleSpec[] = [slurp, fetch, script, unarchive, get_url];
