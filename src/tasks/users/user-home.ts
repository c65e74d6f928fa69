// An existing user's home that is missing is made again when create_home is on (Ansible's rule): the folder
// and its parents, the skeleton's files copied in, the mode 0777 minus the umask (the task's `umask`, else
// UMASK in /etc/login.defs, else 022), everything given to the user. '/nonexistent' is left alone.
import type { Action, FactReader } from '../contract.js';

// $1 home, $2 skeleton, $3 uid:gid, $4 umask ('' -> /etc/login.defs)
const MKHOME =
  'set -e; u=$4; [ -n "$u" ] || u=$(sed -n "s/^UMASK[[:space:]]*\\([0-7]*\\).*/\\1/p" /etc/login.defs ' +
  '2>/dev/null | tail -n 1); [ -n "$u" ] || u=022; mkdir -p -- "$1"; ' +
  'if [ -d "$2" ]; then cp -a -- "$2/." "$1/"; fi; chmod -- "$(printf %o $((0777 & ~0$u)))" "$1"; ' +
  'chown -R -- "$3" "$1"';

export async function missingHome(
  facts: FactReader,
  home: string,
  owner: { uid: number; gid: number },
  opts: { skeleton?: string | undefined; umask?: string | undefined },
): Promise<Action[]> {
  if (home === '' || home === '/nonexistent' || (await facts.stat(home)).exists) return [];
  const argv = ['sh', '-c', MKHOME, 'mkhome', home, opts.skeleton ?? '/etc/skel', `${owner.uid}:${owner.gid}`];
  return [{ exec: [...argv, opts.umask ?? ''] }];
}
