// Tests on paths of the controller, as Ansible's (`x is file`, `is exists`, `is link_exists`, `is same_file(y)`,
// `is mount`), with their older `is_` names, and the path filters `fileglob` and `path_join`. A relative path is
// from the current folder.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { FilterError, type Filter, type Test } from './filters-base.js';
import { pyType } from './py-format.js';
import { globPaths } from '../core/glob.js';
import { toText } from '../core/value-utils.js';

function statOf(v: unknown) {
  try {
    return statSync(toText(v));
  } catch {
    return undefined;
  }
}
function lstatOf(v: unknown) {
  try {
    return lstatSync(toText(v));
  } catch {
    return undefined;
  }
}

/** os.path.ismount: a folder on another device than its parent, or the same inode as its parent (`/`). */
function isMount(v: unknown): boolean {
  const p = resolve(toText(v));
  const st = lstatOf(p);
  if (!st?.isDirectory()) return false;
  const parent = lstatOf(dirname(p));
  if (!parent) return false;
  return st.dev !== parent.dev || st.ino === parent.ino;
}

function sameFile(a: unknown, b: unknown): boolean {
  const x = statOf(a);
  const y = statOf(b);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

const TESTS: Record<string, Test> = {
  exists: (v) => existsSync(toText(v)),
  file: (v) => statOf(v)?.isFile() === true,
  directory: (v) => statOf(v)?.isDirectory() === true,
  link: (v) => lstatOf(v)?.isSymbolicLink() === true,
  link_exists: (v) => lstatOf(v) !== undefined,
  abs: (v) => isAbsolute(toText(v)),
  same_file: (v, [other]) => sameFile(v, other),
  mount: isMount,
};

export const PATH_TESTS: Record<string, Test> = {
  ...TESTS,
  is_file: TESTS.file!,
  is_dir: TESTS.directory!,
  is_link: TESTS.link!,
  is_abs: TESTS.abs!,
  is_same_file: TESTS.same_file!,
  is_mount: TESTS.mount!,
};

/** Python's os.path.join: an absolute part starts the path anew. */
function pathJoin(parts: string[]): string {
  let out = '';
  for (const p of parts) out = p.startsWith('/') || out === '' ? p : out.endsWith('/') ? out + p : `${out}/${p}`;
  return out;
}

export const PATH_FILTERS: Record<string, Filter> = {
  path_join: (v) => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return pathJoin(v.map((x) => toText(x)));
    throw new FilterError(`|path_join expects string or sequence, got <class '${pyType(v)}'> instead.`);
  },
  // the files a pattern matches (no folder), as glob.glob gives them: relative to the current folder if it is
  fileglob: (v) => {
    const pattern = toText(v);
    const abs = isAbsolute(pattern);
    return globPaths(abs ? pattern : join(process.cwd(), pattern))
      .filter((p) => statOf(p)?.isFile() === true)
      .map((p) => (abs ? p : relative(process.cwd(), p)));
  },
};
