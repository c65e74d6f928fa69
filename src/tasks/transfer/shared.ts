// Shared by the transfer modules: where a controller `src` is (searched like copy's), a random temp path on
// the host for a file sent there to be used once (script, unarchive), and /bin/sh quoting.
import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import type { FactReader, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

/** Single-quoted for /bin/sh. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A random temp path on the host for a file sent there to be used once. */
export function hostTemp(kind: string, name: string): string {
  return `/tmp/.kplay-${kind}-${randomBytes(6).toString('hex')}-${posix.basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Where a controller `src` is, searched like copy's: absolute, the role's files/ and folder, the playbook's files/ and folder. */
export async function findControllerFile(
  facts: FactReader,
  vars: Vars,
  src: string,
): Promise<{ path: string; content: Buffer }> {
  const cands: string[] = [];
  if (posix.isAbsolute(src)) cands.push(src);
  else {
    if (typeof vars.role_path === 'string') cands.push(join(vars.role_path, 'files', src), join(vars.role_path, src));
    if (typeof vars.playbook_dir === 'string')
      cands.push(join(vars.playbook_dir, 'files', src), join(vars.playbook_dir, src));
    cands.push(join('files', src), src);
  }
  for (const p of [...new Set(cands)]) {
    try {
      return { path: p, content: await facts.controllerRead(p) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw taskFailed(`${src} is a directory on the controller; a file is needed`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
  }
  throw taskFailed(`Could not find or access '${src}' on the controller (searched ${[...new Set(cands)].join(', ')})`);
}
