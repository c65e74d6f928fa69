// Shared by the kernel modules: the touch key of a read-only probe, a config file's text, and the check
// that the directory of a file about to be created exists.
import { posix } from 'node:path';
import type { FactReader } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

export const probeKey = (argv: string[]) => `probe:${argv.join(' ')}`;

/** A file's text, '' when missing (with whether it exists). */
export async function readText(facts: FactReader, path: string): Promise<{ exists: boolean; text: string }> {
  const b = await facts.read(path);
  return { exists: b !== undefined, text: b === undefined ? '' : b.toString('utf8') };
}

export async function needDir(facts: FactReader, path: string): Promise<void> {
  const dir = posix.dirname(path);
  const st = await facts.stat(dir, { follow: true });
  if (!st.exists || !st.isdir) throw taskFailed(`Destination directory ${dir} does not exist`);
}
