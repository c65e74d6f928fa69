// `with_fileglob` and `with_first_found`: files on the controller, a relative name searched as copy's `src`
// is (the role's files/, then the playbook's files/: playbook/lookup-paths.ts).
import { toBool } from '../core/value-utils.js';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KplayError } from '../core/errors.js';
import { globPaths, isDir, WILD } from '../core/glob.js';
import type { RoleInstance, Vars } from '../core/types.js';
import { candidates, findSource } from '../playbook/lookup-paths.js';

const fail = (msg: string) => new KplayError(msg, { code: 'TASK_FAILED' });
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

const strings = (key: string, v: unknown): string[] => {
  const l = Array.isArray(v) ? v : [v];
  for (const x of l) if (typeof x !== 'string') throw fail(`${key} needs file names, got ${JSON.stringify(x)}`);
  return l as string[];
};

/** `with_fileglob`: the files each pattern matches, in the first search folder holding the pattern's folder. */
export function fileGlob(v: unknown, role: RoleInstance | undefined, playbookDir: string): string[] {
  const out: string[] = [];
  for (const pattern of strings('with_fileglob', v)) {
    const tries = candidates('files', pattern, role, playbookDir);
    const base = tries.find((p) => WILD.test(dirname(p)) || isDir(dirname(p)));
    const wildDirs = base !== undefined && WILD.test(dirname(base));
    const matched = wildDirs
      ? (tries.map(globPaths).find((l) => l.some(isFile)) ?? [])
      : base !== undefined
        ? globPaths(base)
        : [];
    out.push(...matched.filter(isFile));
  }
  return out;
}

/** `with_first_found`: the first file that exists (none: a failure, or no item with `skip`). */
export function firstFound(v: unknown, role: RoleInstance | undefined, playbookDir: string): string[] {
  const terms = Array.isArray(v) ? v : [v];
  const names: string[] = [];
  let skip = false;
  for (const term of terms) {
    if (typeof term === 'string') {
      names.push(...pathsFor([term], undefined));
      continue;
    }
    if (!term || typeof term !== 'object' || Array.isArray(term))
      throw fail(`with_first_found needs file names or {files, paths, skip}, got ${JSON.stringify(term)}`);
    const t = term as Vars;
    const unknown = Object.keys(t).filter((k) => !['files', 'paths', 'skip'].includes(k));
    if (unknown.length) throw fail(`with_first_found: unknown key '${unknown[0]}' (it takes files, paths, skip)`);
    if (t.files === undefined) throw fail('with_first_found: a mapping needs files');
    const paths = t.paths === undefined ? undefined : strings('with_first_found paths', t.paths);
    names.push(...pathsFor(strings('with_first_found files', t.files), paths));
    skip ||= toBool(t.skip);
  }
  for (const n of names) {
    const found = isAbsolute(n) ? (isFile(n) ? n : undefined) : findSource('files', n, role, playbookDir);
    if (found && isFile(found)) return [resolve(found)];
  }
  if (skip) return [];
  throw fail(`with_first_found: none of ${names.map((n) => `'${n}'`).join(', ')} was found on the controller`);
}

/** Each of the files in each of `paths` (the first path's files first), or the files themselves. */
function pathsFor(files: string[], paths: string[] | undefined): string[] {
  if (!paths?.length) return files;
  return paths.flatMap((p) => files.map((f) => (isAbsolute(f) ? f : join(p, f))));
}
