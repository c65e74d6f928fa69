// The host lock (as k0sctl keeps one): a run holds /run/lock/kplay.lock on each target for as long as its
// connection lives, so two controllers never change one host at once. The lock is a flock held by a shell
// that waits on its stdin: it goes when the run closes the connection, and also when the run dies or the
// network drops (sshd closes the shell's stdin) — a SIGKILLed run never leaves a lock behind.
// A host without flock(1) (util-linux) is not locked. `kplay_host_lock` (a host variable) names another file,
// or with false takes no lock: hosts that share one /run (containers, the benchmark's sshd on one machine).
import { KplayError } from '../core/errors.js';
import type { Client } from 'ssh2';
import { openExec } from './channel.js';
import type { RunningProc } from './session.js';
import { commandLine } from './shell.js';
import { quote } from '../core/shell-quote.js';

export const HOST_LOCK = '/run/lock/kplay.lock';

/** The script the lock channel runs; its first line says what happened: locked, busy <owner>, or nolock. */
export function hostLockScript(owner: string, path = HOST_LOCK): string {
  const q = owner.replace(/'/g, `'\\''`);
  const lock = quote(path);
  const ownerFile = quote(`${path}.owner`);
  return [
    "trap '' HUP PIPE",
    'command -v flock >/dev/null 2>&1 || { echo nolock; exit 0; }',
    `exec 9>>${lock} || { echo nolock; exit 0; }`,
    `flock -n 9 || { echo "busy $(cat ${ownerFile} 2>/dev/null)"; exit 0; }`,
    `printf '%s\\n' '${q}' > ${ownerFile}`,
    'echo locked',
    'cat >/dev/null',
    `rm -f ${ownerFile}`,
  ].join('\n');
}

/** The error for a host another run holds. */
export function hostLocked(host: string, answer: string, path = HOST_LOCK): KplayError {
  const owner = answer.replace(/^busy\s*/, '').trim() || 'unknown';
  return new KplayError(`another kplay run holds ${path} on this host (${owner})`, {
    code: 'HOST_LOCKED',
    host,
    hint: 'two runs at once would both change it; wait for that run to finish (the lock goes with its connection)',
  });
}

/** The lock script's answer line (a login shell's rc file may print something before it); '' if it ended. */
export function lockAnswer(proc: RunningProc): Promise<string> {
  return new Promise<string>((resolve) => {
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const m = /^(locked|nolock|busy.*)$/m.exec(buf);
      if (m) resolve(m[1]!);
    });
    void proc.done.then(() => resolve(''));
  });
}

/** Takes the host's lock over its own exec channel: the channel while held (ending its stdin lets the lock go),
 *  or undefined where the host has no flock; a host another run holds fails. */
export async function takeHostLock(
  host: string,
  client: Client,
  owner: string,
  current: () => boolean,
  onRetry: () => void,
  path: string | false = HOST_LOCK,
): Promise<RunningProc | undefined> {
  if (path === false) return undefined;
  const proc = await openExec(client, commandLine(['sh', '-c', hostLockScript(owner, path)], {}), current, onRetry);
  proc.stdin.on('error', () => {});
  const first = await lockAnswer(proc);
  if (first === 'locked') return proc;
  proc.kill();
  if (first.startsWith('busy')) throw hostLocked(host, first, path);
  return undefined;
}
