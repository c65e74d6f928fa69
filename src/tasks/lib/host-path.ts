// A path argument as a module on the host sees it: Ansible's modules open a relative path from the process's
// working folder, which is the remote user's login folder over ssh and the controller's folder with the local
// connection. kplay writes files by absolute path (atomic writes, touches, check mode's overlay), so a relative
// path is made absolute here, from the folder a command on the host starts in (`pwd`, read once per run).
// A symlink is followed to the file the text-editing modules write.
import { posix } from 'node:path';
import type { FactReader, StatInfo } from '../contract.js';
import { taskFailed } from './fsattrs.js';

export async function absoluteOnHost(path: string, facts: FactReader): Promise<string> {
  if (path.startsWith('/')) return path;
  const r = await facts.probe(['pwd']);
  const cwd = r.stdout.trim();
  if (r.rc !== 0 || !cwd.startsWith('/')) throw taskFailed(`cannot tell the working folder for ${path}: ${r.stderr}`);
  return posix.resolve(cwd, path);
}

/** A path's real target when it is a symlink (links to links too), with its stat. */
export async function followLink(path: string, facts: FactReader): Promise<{ target: string; st: StatInfo }> {
  let st = await facts.stat(path, { follow: false });
  let target = path;
  for (let i = 0; st.islnk && st.lnk_target !== undefined && i < 20; i++) {
    target = posix.resolve(posix.dirname(target), st.lnk_target);
    st = await facts.stat(target, { follow: false });
  }
  return { target, st };
}
