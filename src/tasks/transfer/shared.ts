// Shared by the transfer modules: a controller `src` (found like copy's), and a random temp path on the host
// for a file sent there to be used once (script, unarchive).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { FactReader, HostView } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

/** A random temp path on the host for a file sent there to be used once. */
export function hostTemp(kind: string, name: string): string {
  return (
    `/tmp/.kplay-${kind}-${randomBytes(6).toString('hex')}-` +
    `${posix.basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}`
  );
}

/** A controller file and its content, found where copy's `src` is (the engine's one search order). */
export async function findControllerFile(
  facts: FactReader,
  host: HostView,
  src: string,
): Promise<{ path: string; content: Buffer }> {
  const { path, searched } = host.controllerPath('files', src);
  if (path !== undefined) {
    try {
      return { path, content: await facts.controllerRead(path) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw taskFailed(`${src} is a directory on the controller; a file is needed`);
      throw e;
    }
  }
  throw taskFailed(`Could not find or access '${src}' on the controller (searched ${searched.join(', ')})`);
}
