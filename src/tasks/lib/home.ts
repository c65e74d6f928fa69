// A leading `~` or `~/` in a path, as the host's user (Python's os.path.expanduser on the host): from the
// gathered environment's HOME. `~user/...` is left as it is (no user database is read).
import type { FactReader } from '../contract.js';

export async function expandUser(path: string, facts: FactReader): Promise<string> {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const env = (await facts.facts()).ansible_env as Record<string, unknown> | undefined;
  const home = typeof env?.HOME === 'string' && env.HOME ? env.HOME : undefined;
  if (home === undefined) return path;
  return home.replace(/\/+$/, '') + path.slice(1) || '/';
}
