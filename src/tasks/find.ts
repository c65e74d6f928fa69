// find: the files under folders that match names (fnmatch patterns, or Python regexps with use_regex, matched
// at the start of the base name), excludes, a type, an age, a size and a content regexp. One `find -printf` per
// folder lists the entries with their lstat fields (as Ansible's, which stats without following links); what
// matches is decided here, as Ansible's module decides it:
// - without recurse only a folder's own entries; with recurse every level, or with `depth: N` entries down to
//   level N (the folder's own entries are level 1). `examined` counts every entry of every folder walked, as
//   Ansible's count does (with depth, the entries one level deeper too: they are listed, then left out);
// - names starting with a dot are left out unless `hidden` (hidden folders are still walked);
// - file_type file: regular files, filtered by name, age, size and `contains` (a regexp matched at the start of
//   a line, or searched in the whole file with read_whole_file); directory and link: name and age; any: name
//   and age;
// - a path that is not a folder is skipped: `skipped_paths` says why, and `msg` that not all were examined.
// Differences (docs/ansible-differences.md): entries come in a stable order (each folder's non-folders, then its
// folders, by name; Ansible gives the file system's order); with follow=yes, a link is reported as what it
// points to (find -L).
import { posix } from 'node:path';
import { fnmatch } from '../core/fnmatch.js';
import type { FactReader, Plan, Vars } from './contract.js';
import { taskFailed } from './lib/fsattrs.js';
import { pyRegex } from './lib/py-regex.js';
import { abool, aint, alist, apath, astr, choice, defineTask } from './lib/schema.js';

const FIELDS = ['%y', '%m', '%U', '%G', '%u', '%g', '%s', '%i', '%D', '%n', '%A@', '%T@', '%C@', '%d', '%p'];
const FORMAT = `${FIELDS.join('\\t')}\\0`;

export const findArgv = (path: string, maxdepth: number | undefined, follow: boolean) => [
  'find',
  ...(follow ? ['-L'] : []),
  path,
  '-mindepth',
  '1',
  ...(maxdepth === undefined ? [] : ['-maxdepth', String(maxdepth)]),
  '-printf',
  FORMAT,
];

export interface Entry {
  type: string;
  depth: number;
  path: string;
  stat: Vars;
}

// biome-ignore format: a table
const BITS: [string, number][] = [
  ['rusr', 0o400], ['wusr', 0o200], ['xusr', 0o100], ['rgrp', 0o40], ['wgrp', 0o20], ['xgrp', 0o10],
  ['roth', 0o4], ['woth', 0o2], ['xoth', 0o1], ['isuid', 0o4000], ['isgid', 0o2000],
];

/** Python's re.match: at the start of the text only (a sticky copy of the pattern). */
function atStart(re: RegExp): (s: string) => boolean {
  const sticky = new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}y`);
  return (s) => {
    sticky.lastIndex = 0;
    return sticky.test(s);
  };
}

const TYPES: Record<string, string> = { f: 'isreg', d: 'isdir', l: 'islnk', b: 'isblk', c: 'ischr', p: 'isfifo' };

/** find's -printf records (NUL-ended; the path last, so a tab in a name is kept). */
export function parseFind(out: string): Entry[] {
  return out.split('\0').flatMap((rec) => {
    if (!rec) return [];
    const f = rec.split('\t');
    const path = f.slice(FIELDS.length - 1).join('\t');
    const [type, m, uid, gid, user, group, size, ino, dev, nlink, atime, mtime, ctime, depth] = f;
    const mode = Number.parseInt(m!, 8);
    const stat: Vars = { path, mode: mode.toString(8).padStart(4, '0') };
    for (const [c, k] of Object.entries(TYPES)) stat[k] = type === c;
    stat.issock = type === 's';
    for (const [k, b] of BITS) stat[k] = (mode & b) !== 0;
    Object.assign(stat, {
      uid: Number(uid),
      gid: Number(gid),
      pw_name: /^\d+$/.test(user!) ? '' : user,
      gr_name: /^\d+$/.test(group!) ? '' : group,
      size: Number(size),
      inode: Number(ino),
      dev: Number(dev),
      nlink: Number(nlink),
      atime: Number(atime),
      mtime: Number(mtime),
      ctime: Number(ctime),
    });
    return [{ type: type!, depth: Number(depth), path, stat }];
  });
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function amount(v: string | undefined, table: Record<string, number>, what: string): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(-?\d+)([a-z])?$/i.exec(v.trim());
  const unit = m ? table[(m[2] ?? Object.keys(table)[0]!).toLowerCase()] : undefined;
  if (!m || unit === undefined) throw taskFailed(`failed to process ${what} "${v}"`);
  return Number(m[1]) * unit;
}

/** Ansible's rule for a signed limit: N means at least N, -N at most N. */
const within = (value: number, limit: number | undefined) =>
  limit === undefined || (limit >= 0 ? value >= limit : value <= -limit);

/** Entries in Ansible's walk order, made stable: each folder's non-folders, then its folders (walked). */
function walkOrder(entries: Entry[], root: string): Entry[] {
  const byDir = new Map<string, Entry[]>();
  for (const e of entries) {
    const dir = posix.dirname(e.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), e]);
  }
  const out: Entry[] = [];
  const visit = (dir: string) => {
    const kids = (byDir.get(dir) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const dirs = kids.filter((k) => k.type === 'd');
    out.push(...kids.filter((k) => k.type !== 'd'), ...dirs);
    for (const d of dirs) visit(d.path);
  };
  visit(root);
  return out;
}

/** Ansible's content test: the regexp matched at the start of a line, or searched in the whole file. */
async function contains(facts: FactReader, path: string, re: RegExp, whole: boolean): Promise<boolean> {
  const text = ((await facts.read(path)) ?? Buffer.alloc(0)).toString('latin1');
  if (whole) return new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(text);
  const match = atStart(re);
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).some(match);
}

export const find = defineTask({
  name: 'find',
  description: 'List the files under folders that match names, a type, an age, a size or a content regexp.',
  args: {
    paths: alist(apath()),
    patterns: alist(astr()).default([]),
    excludes: alist(astr()).default([]),
    contains: astr(),
    read_whole_file: abool().default(false),
    file_type: choice(['file', 'directory', 'link', 'any']).default('file'),
    age: astr(),
    age_stamp: choice(['atime', 'ctime', 'mtime']).default('mtime'),
    size: astr(),
    recurse: abool().default(false),
    hidden: abool().default(false),
    follow: abool().default(false),
    get_checksum: abool().default(false),
    use_regex: abool().default(false),
    depth: aint(),
  },
  argAliases: { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
  required: ['paths'],
  returns: {
    files: 'the matches, each with stat fields (path, mode, isdir, isreg, islnk, uid, gid, size, mtime ...)',
    matched: 'how many matched',
    examined: 'how many entries were looked at',
    skipped_paths: 'a path that is not a folder -> why',
    msg: "'All paths examined', or 'Not all paths examined, check warnings for details'",
  },
  example: '- find: paths=/etc/kubernetes patterns="*.yaml" recurse=yes\n  register: manifests',
  async plan(args, _host, facts): Promise<Plan> {
    const compile = (p: string): ((s: string) => boolean) => {
      if (args.use_regex) return atStart(pyRegex(p));
      const re = fnmatch(p);
      return (s) => re.test(s);
    };
    const pats = args.patterns.length ? args.patterns.map(compile) : [() => true];
    const excl = args.excludes.map(compile);
    const named = (name: string) => pats.some((m) => m(name)) && !excl.some((m) => m(name));
    const age = amount(args.age, UNITS, 'age');
    const size = amount(args.size, SIZES, 'size');
    const content = args.contains === undefined ? undefined : pyRegex(args.contains);
    let now = 0;
    if (age !== undefined) {
      const r = await facts.probe(['date', '+%s'], { fresh: true });
      now = Number(r.stdout.trim());
    }
    const maxdepth = !args.recurse ? 1 : args.depth === undefined ? undefined : args.depth + 1;
    const files: Vars[] = [];
    const skipped: Record<string, string> = {};
    let examined = 0;
    for (const path of args.paths!) {
      const st = await facts.stat(path, { follow: true });
      if (!st.isdir) {
        skipped[path] = `'${path}' is not a directory`;
        continue;
      }
      const r = await facts.probe(findArgv(path, maxdepth, args.follow));
      if (r.rc !== 0 && !r.stdout) throw taskFailed(`find: cannot list ${path}: ${r.stderr.trim()}`);
      const root = path.length > 1 ? path.replace(/\/+$/, '') : path;
      const entries = walkOrder(parseFind(r.stdout), root);
      examined += entries.length;
      for (const e of entries) {
        if (args.depth !== undefined && args.recurse && e.depth > args.depth) continue;
        const name = posix.basename(e.path);
        if (name.startsWith('.') && !args.hidden) continue;
        const want = args.file_type;
        const typeOk =
          want === 'any' || (want === 'file' ? e.type === 'f' : want === 'directory' ? e.type === 'd' : e.type === 'l');
        if (!typeOk || !named(name)) continue;
        if (age !== undefined && !within(now - (e.stat[args.age_stamp] as number), age)) continue;
        // regular files only: size and checksum (file_type=any too, as in Ansible), contains (file_type=file)
        if (e.type === 'f' && (want === 'file' || want === 'any')) {
          if (!within(e.stat.size as number, size)) continue;
          if (want === 'file' && content && !(await contains(facts, e.path, content, args.read_whole_file))) continue;
          if (args.get_checksum) e.stat.checksum = (await facts.stat(e.path, { checksum: 'sha1' })).checksum;
        }
        files.push(e.stat);
      }
    }
    const all = Object.keys(skipped).length === 0;
    const result: Vars = {
      files,
      matched: files.length,
      examined,
      msg: all ? 'All paths examined' : 'Not all paths examined, check warnings for details',
      skipped_paths: skipped,
    };
    return { changes: [], result };
  },
});
