// A directory's contents read with one `find` on the host: used by file (recurse) and the package modules.
import type { FactReader, StatInfo } from '../contract.js';
import { taskFailed } from './fsattrs.js';

/** One entry of `find -printf '%y %m %U %G %u %g %p\n'` (type, octal mode, uid, gid, owner, group, path). */
export interface TreeEntry extends StatInfo {
  type: string;
}

/** What is beneath a directory (not the directory itself), read with one `find`. */
export async function listTree(facts: FactReader, path: string, maxDepth?: number): Promise<TreeEntry[]> {
  const depth = maxDepth === undefined ? [] : ['-maxdepth', String(maxDepth)];
  const r = await facts.probe(['find', path, '-mindepth', '1', ...depth, '-printf', '%y %m %U %G %u %g %p\\n']);
  if (r.rc !== 0) throw taskFailed(`cannot list ${path}: ${r.stderr.trim()}`);
  const out: TreeEntry[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S) ([0-7]+) (\d+) (\d+) (\S+) (\S+) (.*)$/.exec(line);
    if (!m) continue;
    out.push({
      exists: true,
      path: m[7]!,
      type: m[1]!,
      isdir: m[1] === 'd',
      isreg: m[1] === 'f',
      islnk: m[1] === 'l',
      mode: m[2]!.padStart(4, '0'),
      uid: Number(m[3]),
      gid: Number(m[4]),
      owner: m[5]!,
      group: m[6]!,
    });
  }
  return out;
}
