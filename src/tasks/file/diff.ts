// The `diff` the file module registers, in Ansible's shape (registered whether or not --diff is on, as Ansible's
// module returns it): `before` and `after` each name the path; the state before and the state asked when they
// differ (`touch` is never a path's state, so a touch names both); then each attribute the task changes, before
// and after: mode as '0' + three or more octal digits, owner and group as numeric ids, mtime in seconds, the
// link's src, and for a directory removed, the directories and files it held (`path_content`).
import type { FactReader, StatInfo, Vars } from '../contract.js';
import type { WantTime } from '../lib/file-times.js';
import { listTree } from '../lib/list-tree.js';
import { parseOctal, resolveMode, sameGroup, sameOwner, type Attrs } from '../lib/fsattrs.js';

export interface FileDiff {
  before: Vars;
  after: Vars;
}

export function initialDiff(path: string, state: string, prev: string): FileDiff {
  const d: FileDiff = { before: { path }, after: { path } };
  if (prev !== state) {
    d.before.state = prev;
    d.after.state = state;
  }
  return d;
}

/** A mode as Ansible's diff writes it: '0644', '01777'. */
export function diffMode(n: number): string {
  return `0${n.toString(8).padStart(3, '0')}`;
}

/** A user or group asked by name or number, as a numeric id (read from /etc/passwd or /etc/group; the name
 *  itself when it is not there). */
async function idOf(facts: FactReader, db: 'passwd' | 'group', who: string): Promise<number | string> {
  if (/^\d+$/.test(who)) return Number(who);
  const text = (await facts.read(`/etc/${db}`))?.toString('utf8') ?? '';
  const line = text.split('\n').find((l) => l.startsWith(`${who}:`));
  const id = Number(line?.split(':')[2] ?? Number.NaN);
  return Number.isNaN(id) ? who : id;
}

/** Adds what the task changes of an existing path's mode, owner, group and mtime to the diff. */
export async function addAttrDiff(
  d: FileDiff,
  facts: FactReader,
  st: StatInfo,
  want: Attrs,
  times: { mtime: WantTime; atime: WantTime },
  noDeref = false,
): Promise<void> {
  if (!st.exists) return;
  const cur = parseOctal(st.mode) ?? 0;
  const mode = noDeref ? undefined : resolveMode(want.mode, cur, st.isdir === true);
  if (mode !== undefined && mode !== cur) {
    d.before.mode = diffMode(cur);
    d.after.mode = diffMode(mode);
  }
  if (want.owner !== undefined && !sameOwner(want.owner, st)) {
    d.before.owner = st.uid;
    d.after.owner = await idOf(facts, 'passwd', want.owner);
  }
  if (want.group !== undefined && !sameGroup(want.group, st)) {
    d.before.group = st.gid;
    d.after.group = await idOf(facts, 'group', want.group);
  }
  const mtime = times.mtime === 'now' ? Date.now() / 1000 : times.mtime;
  if (mtime !== undefined && st.mtime !== mtime) {
    d.before.mtime = st.mtime;
    d.after.mtime = mtime;
  }
}

/** What a directory removed held, as Ansible's diff lists it: every directory and file beneath, by full path. */
export async function pathContent(
  facts: FactReader,
  path: string,
): Promise<{ directories: string[]; files: string[] }> {
  const tree = await listTree(facts, path);
  return {
    directories: tree.filter((e) => e.isdir && !e.islnk).map((e) => e.path),
    files: tree.filter((e) => !e.isdir || e.islnk).map((e) => e.path),
  };
}
