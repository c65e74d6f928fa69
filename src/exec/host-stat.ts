// The stat of files on a host: one (STAT_SCRIPT), or many in one command (issue 18: one round trip per task),
// the files a loop's items will read, asked for before the first item runs: one `stat` and at most one checksum
// program for all of them, where one stat each costs the host a subshell, a `stat` and a checksum program per
// file. What the many cannot tell for sure (a link not followed, a file that came or went in between) is left
// out: the item's own stat reads it as before.
import { shellFunction, STAT_FIELDS } from '../core/shell-functions.js';
import type { FileRead, StatInfo } from '../tasks/contract.js';
import type { Transport } from '../transport/types.js';

export const STAT_SCRIPT = shellFunction(
  [
    'p=$1; algo=$2; follow=$3',
    'if [ "$follow" = 1 ]; then f=-L; else f=; fi',
    'if [ -e "$p" ] || [ -L "$p" ]; then',
    `  stat $f -c "${STAT_FIELDS}" -- "$p" || exit 3`,
    '  if [ -L "$p" ]; then printf "L|%s\\n" "$(readlink -- "$p")"; fi',
    '  if [ -n "$algo" ] && [ -f "$p" ]; then printf "C|"; ${algo}sum < "$p"; fi',
    'else echo MISSING; fi',
  ].join('\n'),
);

/** The script's output (its checksum is read from stdin: for a name holding a backslash, `sha1sum NAME` escapes
 *  its line and prefixes the sum with a backslash). */
export function parseStat(path: string, out: string): StatInfo {
  const lines = out.trim().split('\n');
  if (lines[0] === 'MISSING') return { exists: false, path };
  const [type, mode, uid, gid, owner, group, size, mtime] = lines[0]!.split('|');
  const st: StatInfo = {
    exists: true,
    path,
    isdir: type === 'directory',
    isreg: type === 'regular file' || type === 'regular empty file',
    islnk: type === 'symbolic link',
    mode: mode!.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner: owner!,
    group: group!,
    size: Number(size),
    mtime: Number(mtime),
  };
  for (const l of lines.slice(1)) {
    if (l.startsWith('L|')) st.lnk_target = l.slice(2);
    if (l.startsWith('C|')) st.checksum = l.slice(2).split(' ')[0];
  }
  return st;
}

/** A regular file with more than one hard link, by its stat line: a change to any file may be to its inode. */
export function hardLinked(st: StatInfo, line: string): boolean {
  return st.isreg === true && Number(line.split('|')[8]) > 1;
}

export type StatRequest = FileRead;

// $1: -L or nothing; $2: a checksum program's prefix or nothing; then the paths. Prints a digit per path (0: it
// does not exist, 1: it does, 2: it is a link), a newline, the existing ones' stat lines, then the checksums of
// the regular files among them that are not links.
const STAT_MANY = shellFunction(
  [
    'follow=$1; algo=$2; shift 2; n=$#',
    'for p; do if [ -L "$p" ]; then printf 2; elif [ -e "$p" ]; then printf 1; else printf 0; continue; fi',
    '  set -- "$@" "$p"; done',
    'echo; shift $n; [ $# -gt 0 ] || exit 0',
    `stat $follow -c "${STAT_FIELDS}" -- "$@" || exit 3`,
    '[ -n "$algo" ] || exit 0',
    'n=$#; for p; do if [ -f "$p" ] && [ ! -L "$p" ]; then set -- "$@" "$p"; fi; done; shift $n',
    '[ $# -eq 0 ] || ${algo}sum -- "$@"',
  ].join('\n'),
);

/** The key a stat is cached under in the host reader. */
export function statKey(r: StatRequest): string {
  return `stat:${r.path}|${r.follow ? 1 : 0}|${r.checksum ?? ''}`;
}

/** Stats of the requests (one command per kind: followed or not, with which checksum), by statKey(); with the
 *  paths of regular files with more than one hard link. Checksums only of paths not followed. */
export async function statMany(
  t: Transport,
  become: boolean,
  requests: StatRequest[],
): Promise<{ stats: Map<string, StatInfo>; linked: string[] }> {
  const groups = new Map<string, StatRequest[]>();
  for (const r of requests) {
    if (r.follow && r.checksum) continue;
    const g = `${r.follow ? 1 : 0}|${r.checksum ?? ''}`;
    const list = groups.get(g) ?? [];
    if (!list.some((x) => x.path === r.path)) list.push(r);
    groups.set(g, list);
  }
  const stats = new Map<string, StatInfo>();
  const linked: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (list) => {
      const { follow, checksum } = list[0]!;
      const paths = list.map((r) => r.path);
      const r = await t.exec(['sh', '-c', STAT_MANY, 'sh', follow ? '-L' : '', checksum ?? '', ...paths], { become });
      if (r.rc !== 0) return;
      const read = readOutput(paths, r.stdout, checksum !== undefined);
      if (!read) return;
      for (const [path, st] of read) {
        stats.set(statKey({ path, follow, checksum }), st.info);
        if (st.linked) linked.push(path);
      }
    }),
  );
  return { stats, linked };
}

/** Each path's stat, or undefined when the output does not line up (a file came or went in between). */
function readOutput(
  paths: string[],
  out: string,
  sums: boolean,
): Map<string, { info: StatInfo; linked: boolean }> | undefined {
  const lines = out.split('\n');
  const flags = lines[0] ?? '';
  if (flags.length !== paths.length || !/^[012]*$/.test(flags)) return undefined;
  const existing = paths.filter((_, i) => flags[i] !== '0');
  const links = new Set(paths.filter((_, i) => flags[i] === '2'));
  const statLines = lines.slice(1, 1 + existing.length);
  const sumLines = lines.slice(1 + existing.length).filter((l) => l !== '');
  if (statLines.length !== existing.length || statLines.some((l) => l.split('|').length !== 9)) return undefined;
  const out2 = new Map<string, { info: StatInfo; linked: boolean }>();
  for (const [i, p] of paths.entries())
    if (flags[i] === '0') out2.set(p, { info: { exists: false, path: p }, linked: false });
  let s = 0;
  for (const [i, p] of existing.entries()) {
    const line = statLines[i]!;
    const info = parseStat(p, line);
    if (sums && info.isreg) {
      // counted for links too: the script leaves them out of its checksums, and so does `isreg` here
      const sum = sumLines[s++];
      if (sum === undefined) return undefined;
      info.checksum = sum.replace(/^\\/, '').split(' ')[0];
    }
    if (!links.has(p)) out2.set(p, { info, linked: hardLinked(info, line) }); // a link: the item's own stat
  }
  if (sums && s !== sumLines.length) return undefined;
  return out2;
}
