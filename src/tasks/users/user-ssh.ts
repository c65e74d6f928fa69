// The user module's generate_ssh_key: a key pair made with ssh-keygen when the private key file does not exist
// yet (an existing one is kept, as Ansible keeps it). ssh_key_file is relative to the user's home unless
// absolute (default .ssh/id_<type>); the folder is created 0700 and the files are given to the user. The
// passphrase is a secret: it reaches ssh-keygen through stdin, never in kplay's argv, summary or result.
import type { Action, FactReader } from '../contract.js';

export interface SshKeyArgs {
  generate_ssh_key: boolean;
  ssh_key_type: string;
  ssh_key_bits: number;
  ssh_key_file?: string | undefined;
  ssh_key_comment?: string | undefined;
  ssh_key_passphrase?: string | undefined;
}

// $1 path, $2 type, $3 bits (0: ssh-keygen's default), $4 comment, $5 user; the passphrase on stdin
const KEYGEN =
  'set -e; umask 077; d=$(dirname -- "$1"); mkdir -p -- "$d"; p=$(cat); ' +
  'if [ "$3" = 0 ]; then ssh-keygen -q -t "$2" -C "$4" -f "$1" -N "$p"; ' +
  'else ssh-keygen -q -t "$2" -b "$3" -C "$4" -f "$1" -N "$p"; fi; ' +
  'chown -- "$5": "$d" "$1" "$1.pub"';

export function sshKeyPath(a: SshKeyArgs, home: string): string {
  const f = a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`;
  return f.startsWith('/') ? f : `${home.replace(/\/+$/, '')}/${f}`;
}

/** The key's path (for the result) and the action that makes it, when it does not exist yet. */
export async function sshKey(
  facts: FactReader,
  a: SshKeyArgs,
  name: string,
  home: string,
  host: string,
  exists: boolean,
): Promise<{ path?: string; actions: Action[] }> {
  if (!a.generate_ssh_key) return { actions: [] };
  const path = sshKeyPath(a, home);
  if (exists && (await facts.stat(path)).exists) return { path, actions: [] };
  const comment = a.ssh_key_comment ?? `ansible-generated on ${host}`;
  const argv = ['sh', '-c', KEYGEN, 'ssh_key', path, a.ssh_key_type, String(a.ssh_key_bits), comment, name];
  return { path, actions: [{ exec: argv, stdin: a.ssh_key_passphrase ?? '' }] };
}
