// group_vars/ and host_vars/ beside an inventory source, found as Ansible's host_group_vars plugin finds them:
// for a group or host NAME the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists; a folder is
// read whole (files sorted by name, recursively, skipping hidden files, `~` backups and other extensions),
// later files replacing earlier top-level keys.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { didYouMean, type Problems } from '../core/errors.js';
import { badPort, noteSecretVar } from './model.js';
import { loadYamlFile } from '../core/source.js';
import { keyLoc, locOf, setPlace, valueLoc } from '../core/places.js';
import type { Loc } from '../core/loc.js';
import { setKey } from '../core/own-keys.js';

export interface VarsDir {
  /** The folder holding group_vars/ and host_vars/ (an inventory folder, or the folder of an inventory file). */
  dir: string;
  groups: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
}

const EXTS = ['', '.yml', '.yaml', '.json'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function dirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (isDir(full) && !ext) out.push(...dirFiles(full));
    else if (!isDir(full) && EXTS.includes(ext)) out.push(full);
  }
  return out;
}

/** The files that give vars to `name` inside `folder` (group_vars or host_vars). */
export function varsFilesFor(folder: string, name: string): string[] {
  for (const ext of EXTS) {
    const p = join(folder, name + ext);
    if (existsSync(p)) return isDir(p) ? dirFiles(p) : [p];
  }
  return [];
}

/** The merged variables of `files`; where each key was last set stays readable with keyLoc(out, key). */
function readVarsFiles(files: string[], problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Map<string | number, Loc>();
  setPlace(out, { file: files[0]!, line: 1, col: 1 }, keys);
  for (const f of files) {
    const data = loadYamlFile(f, { problems });
    if (data === undefined || data === null) continue;
    if (typeof data !== 'object' || Array.isArray(data)) {
      problems.add(
        `a vars file must hold a mapping of variables, got ${Array.isArray(data) ? 'a list' : typeof data}`,
        {
          code: 'INVENTORY',
          loc: locOf(data) ?? { file: f, line: 1, col: 1 },
        },
      );
      continue;
    }
    for (const [k, v] of Object.entries(data)) {
      const bad = badPort(k, v);
      if (bad) problems.add(`${k} ${bad}`, { code: 'INVENTORY', loc: valueLoc(data, k) });
      noteSecretVar(k, v);
      setKey(out, k, v);
      const at = keyLoc(data, k);
      if (at) keys.set(k, at);
    }
  }
  return out;
}

/** Names that entries of a vars folder stand for (file names without a vars extension, folder names). */
function entryNames(folder: string): string[] {
  if (!isDir(folder)) return [];
  const names = new Set<string>();
  for (const e of readdirSync(folder)) {
    if (e.startsWith('.') || e.endsWith('~')) continue;
    const ext = extname(e);
    names.add(EXTS.includes(ext) && ext ? e.slice(0, -ext.length) : e);
  }
  return [...names];
}

/** Load group_vars/ and host_vars/ of `dir` for the groups and hosts that exist. */
export function loadVarsDir(
  dir: string,
  groups: Iterable<string>,
  hosts: Iterable<string>,
  problems: Problems,
  warnings: string[],
): VarsDir {
  const out: VarsDir = { dir, groups: new Map(), hosts: new Map() };
  for (const [sub, names, target, what] of [
    ['group_vars', [...groups], out.groups, 'group'],
    ['host_vars', [...hosts], out.hosts, 'host'],
  ] as const) {
    const folder = join(dir, sub);
    if (!isDir(folder)) continue;
    for (const name of names) {
      const files = varsFilesFor(folder, name);
      if (files.length > 0) target.set(name, readVarsFiles(files, problems));
    }
    // Ansible ignores files for unknown names silently; a warning catches typos like group_vars/kube-node.yml
    const known = new Set(names);
    for (const e of entryNames(folder)) {
      if (known.has(e)) continue;
      const guess = didYouMean(e, names);
      warnings.push(
        `${join(folder, e)}: no ${what} named "${e}" in the inventory` +
          `${guess ? ` (did you mean "${guess}"?)` : ''}; ignored`,
      );
    }
  }
  return out;
}
