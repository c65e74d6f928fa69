// The members of a tar, tar.gz/tgz or zip archive, read in TypeScript (for unarchive's comparison with
// what is in dest): tar with GNU long names and pax headers; zip from its central directory (Unix modes,
// symlink targets, the UT mtime when present; zip64 is refused).
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { taskFailed } from '../lib/fsattrs.js';

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
  const want = parseInt(
    h
      .subarray(148, 156)
      .toString('latin1')
      .replace(/[\0 ]+/g, ' ')
      .trim(),
    8,
  );
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
    const t: Member['type'] =
      type === '0' || type === '\0' || type === '7'
        ? name.endsWith('/')
          ? 'dir'
          : 'file'
        : type === '5'
          ? 'dir'
          : type === '2'
            ? 'link'
            : type === '1'
              ? 'hardlink'
              : 'other';
    out.push({
      path,
      type: t,
      size: t === 'file' ? realSize : 0,
      mtime,
      mode,
      linkname: t === 'link' || t === 'hardlink' ? linkname : undefined,
    });
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
    out.push({
      path,
      type: isDir ? 'dir' : isLink ? 'link' : 'file',
      size: isDir || isLink ? 0 : usize,
      mtime,
      mode: unixMode & 0o7777 || (isDir ? 0o755 : 0o644),
      linkname,
    });
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
