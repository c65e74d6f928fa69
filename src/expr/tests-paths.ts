// Ansible's tests of paths on the controller (relative paths are from the current folder), each also under its
// old name (`is_dir`, `is_file` ...): exists (a link is followed), link_exists (it is not), file, directory, link,
// abs, same_file (the same device and inode; false when either is missing) and mount (a mount point: its device
// differs from its parent's, or it is its own parent, `/`).
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Test } from './filters-base.js';
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

const sameFile: Test = (v, [other]) => {
  const [a, b] = [statOf(v), statOf(other)];
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
};

const mount: Test = (v) => {
  const st = lstatOf(v);
  if (!st || st.isSymbolicLink() || !st.isDirectory()) return false;
  const path = resolve(toText(v));
  const parent = statOf(dirname(path));
  return parent === undefined || parent.dev !== st.dev || parent.ino === st.ino;
};

const own: Record<string, Test> = {
  exists: (v) => existsSync(toText(v)),
  link_exists: (v) => lstatOf(v) !== undefined,
  file: (v) => statOf(v)?.isFile() === true,
  directory: (v) => statOf(v)?.isDirectory() === true,
  link: (v) => lstatOf(v)?.isSymbolicLink() === true,
  abs: (v) => isAbsolute(toText(v)),
  same_file: sameFile,
  mount,
};

export const PATH_TESTS: Record<string, Test> = {
  ...own,
  is_dir: own.directory!,
  is_file: own.file!,
  is_link: own.link!,
  is_abs: own.abs!,
  is_same_file: sameFile,
  is_mount: mount,
};
