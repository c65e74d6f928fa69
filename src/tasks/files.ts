// Files on the host: copy, template, assemble, file, lineinfile (each in its own file) and stat, here.
// stat returns Ansible's `stat` dictionary (field names as Ansible's: pw_name, gr_name, lnk_target ...); the
// times (atime, ctime, mtime as floats), dev, inode, nlink, blocks, the special types (isblk, ischr, isfifo,
// issock) and access for the connecting user (readable, writeable, executable) come from one more `stat` call.
// mimetype and charset (get_mime) come from `file -b -i` ('unknown' when it cannot tell, as in Ansible).
// Not returned: attributes (get_attributes), which need `lsattr`.
import type { FactReader, Vars } from './contract.js';
import { shellFunction } from '../core/shell-functions.js';
import { octal, parseOctal } from './lib/fsattrs.js';
import { expandUser } from './lib/home.js';
import { abool, choice, defineTask, apath } from './lib/schema.js';
import { posix } from 'node:path';

export { assemble } from './assemble.js';
export { copy, template } from './copy.js';
export { file } from './file/file.js';
export { lineinfile } from './lineinfile.js';

const PERM_BITS: [string, number][] = [
  ['rusr', 0o400],
  ['wusr', 0o200],
  ['xusr', 0o100],
  ['rgrp', 0o40],
  ['wgrp', 0o20],
  ['xgrp', 0o10],
  ['roth', 0o4],
  ['woth', 0o2],
  ['xoth', 0o1],
  ['isuid', 0o4000],
  ['isgid', 0o2000],
];

export const stat = defineTask({
  name: 'stat',
  description: 'Read what a path is (exists, type, mode, owner, size, checksum) without changing it.',
  args: {
    path: apath(),
    follow: abool().default(false),
    get_checksum: abool().default(true),
    checksum_algorithm: choice(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha1'),
    get_mime: abool().default(true),
    get_attributes: abool().default(true),
  },
  argAliases: { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm' },
  required: ['path'],
  returns: {
    'stat.exists': 'whether the path exists',
    'stat.isdir': 'a directory',
    'stat.islnk': 'a symlink',
    'stat.mode': 'octal mode',
    'stat.checksum': 'checksum',
  },
  example: '- stat: path=/etc/etcd/ssl/ca.pem\n  register: ca',
  async plan(args, _host, facts) {
    const path = await expandUser(args.path!, facts); // `~/x` as the host's user, as Ansible's path arguments
    const alg = args.checksum_algorithm;
    const direct = alg === 'sha1' || alg === 'sha256' ? alg : undefined;
    const st = await facts.stat(path, { follow: args.follow, checksum: args.get_checksum ? direct : undefined });
    if (!st.exists) return { changes: [], result: { stat: { exists: false } } };
    const out: Vars = {
      exists: true,
      path,
      mode: st.mode,
      isdir: st.isdir === true,
      isreg: st.isreg === true,
      islnk: st.islnk === true,
      uid: st.uid,
      gid: st.gid,
      pw_name: st.owner,
      gr_name: st.group,
      size: st.size,
      mtime: st.mtime,
    };
    const m = parseOctal(st.mode) ?? 0;
    for (const [k, bit] of PERM_BITS) out[k] = (m & bit) !== 0;
    out.mode = octal(m);
    if (st.islnk && st.lnk_target !== undefined) {
      out.lnk_target = st.lnk_target;
      out.lnk_source = posix.resolve(posix.dirname(path), st.lnk_target);
    }
    // check mode: a path an earlier planned change sets has no inode or times yet (they are left out)
    if (!st.planned) Object.assign(out, await moreStat(facts, path, args.follow));
    if (args.get_mime && !st.planned) {
      const r = await facts.probe(['file', '-b', '-i', ...(args.follow ? ['-L'] : []), '--', path]);
      Object.assign(out, parseMime(r.rc === 0 ? r.stdout : ''));
    }
    if (args.get_checksum && st.isreg) {
      if (direct) out.checksum = st.checksum;
      else {
        const r = await facts.probe([`${alg}sum`, '--', path]);
        if (r.rc === 0) out.checksum = r.stdout.split(/\s/)[0];
      }
    }
    return { changes: [], result: { stat: out } };
  },
});

/** `file -b -i`'s answer (`text/plain; charset=us-ascii`) as Ansible's mimetype and charset. */
export function parseMime(out: string): { mimetype: string; charset: string } {
  const [type, ...rest] = out.trim().split(';');
  const charset = rest.map((p) => /^\s*charset=(.+)$/.exec(p)?.[1]?.trim()).find((c) => c !== undefined);
  return { mimetype: type?.trim() || 'unknown', charset: charset || 'unknown' };
}

// %X %Z %Y with nanoseconds, then device, inode, links, type, blocks, I/O block size, rdev major/minor (hex)
export const MORE_STAT = shellFunction(
  'stat $2 -c "%.9X|%.9Z|%.9Y|%d|%i|%h|%F|%b|%o|%t|%T" -- "$1" && ' +
    'printf "%s|%s|%s\\n" "$([ -r "$1" ] && echo 1)" "$([ -w "$1" ] && echo 1)" "$([ -x "$1" ] && echo 1)"',
);

/** The fields of Ansible's stat the reader's cached stat does not carry; none when the host's stat cannot. */
export function parseMoreStat(out: string): Vars {
  const [line, access] = out.trim().split('\n');
  const f = (line ?? '').split('|');
  if (f.length !== 11 || Number.isNaN(Number(f[0]))) return {};
  const [major, minor] = [Number.parseInt(f[9]!, 16), Number.parseInt(f[10]!, 16)];
  const [r, w, x] = (access ?? '').split('|');
  return {
    atime: Number(f[0]),
    ctime: Number(f[1]),
    mtime: Number(f[2]),
    dev: Number(f[3]),
    inode: Number(f[4]),
    nlink: Number(f[5]),
    isblk: f[6] === 'block special file',
    ischr: f[6] === 'character special file',
    isfifo: f[6] === 'fifo',
    issock: f[6] === 'socket',
    blocks: Number(f[7]),
    block_size: Number(f[8]),
    // glibc's makedev()
    device_type: (minor & 0xff) + (major & 0xfff) * 256 + (minor & ~0xff) * 4096 + (major & ~0xfff) * 2 ** 32,
    readable: r === '1',
    writeable: w === '1',
    executable: x === '1',
  };
}

async function moreStat(facts: FactReader, path: string, follow: boolean): Promise<Vars> {
  const r = await facts.probe(['sh', '-c', MORE_STAT, 'sh', path, follow ? '-L' : '']);
  return r.rc === 0 ? parseMoreStat(r.stdout) : {};
}
