// Talking to the lab daemon (daemon-main.ts): start it detached in the lab's cgroup, have it start the
// hosts, let go of it; stop it at `down`.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KplayError } from '../core/errors.js';
import { KPLAY_ROOT } from '../core/package-root.js';
import { spawnInside } from './cgroup.js';
import type { HostSpec } from './supervisor.js';
import { pidAlive, sleep } from './sys.js';

/** The daemon runs from tsc's output, also when the bundled command line starts it. */
const MAIN = join(KPLAY_ROOT, 'dist/src/lab/daemon-main.js');
export const DAEMON_MARK = 'daemon-main.js';

export interface Daemon {
  pid: number;
  port: number;
  log: string;
  child?: ChildProcess; // while `up` is connected
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

export async function startDaemon(o: {
  host: string;
  port: number;
  cacheDir: string;
  log: string;
  cgroups: string[];
}): Promise<Daemon> {
  mkdirSync(o.cacheDir, { recursive: true });
  const fd = openSync(o.log, 'a');
  let child: ChildProcess;
  try {
    child = spawnInside(o.cgroups, () =>
      fork(MAIN, ['--host', o.host, '--port', String(o.port), '--cache', o.cacheDir], {
        detached: true,
        stdio: ['ignore', fd, fd, 'ipc'],
        execArgv: [],
      }),
    );
  } finally {
    closeSync(fd);
  }
  const answer = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer in 10 s'), 10_000);
    child.once('message', (m) => (clearTimeout(timer), resolve(String(m))));
    child.once('exit', (code) => (clearTimeout(timer), resolve(`exited with code ${code}`)));
  });
  if (answer !== 'ready' || !child.pid) {
    if (child.pid) stopDaemon(child.pid);
    const t = tail(o.log);
    throw new KplayError(`the lab daemon (apt proxy) did not start: ${answer}${t ? `\n${t}` : ''}`, {
      code: 'LAB_PROXY',
    });
  }
  return { pid: child.pid, port: o.port, log: o.log, child };
}

/** Asks the daemon to start a host; returns nspawn's pid. */
export function daemonStartHost(d: Daemon, spec: HostSpec): Promise<number> {
  const child = d.child;
  if (!child?.connected) throw new KplayError('internal: the lab daemon is not connected', { code: 'INTERNAL' });
  return new Promise((resolve, reject) => {
    const onMsg = (m: { op?: string; name?: string; pid?: number; error?: string }) => {
      if (m?.op !== 'started' || m.name !== spec.name) return;
      child.off('message', onMsg);
      if (m.error || !m.pid)
        reject(
          new KplayError(`cannot start ${spec.name}: ${m.error ?? 'no pid'}`, { code: 'LAB_HOST', host: spec.name }),
        );
      else resolve(m.pid);
    };
    child.on('message', onMsg);
    child.send({ op: 'start', spec });
  });
}

/** Lets the daemon live on without this process. */
export function detachDaemon(d: Daemon): void {
  const c = d.child;
  if (!c) return;
  c.removeAllListeners('message');
  if (c.connected) c.disconnect();
  c.unref();
  delete d.child;
}

export function stopDaemon(pid: number): void {
  if (!pidAlive(pid, DAEMON_MARK)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

/** Stops the daemon (it powers the hosts off first) and waits at most `waitMs` for it to end. */
export async function stopDaemonAndWait(pid: number, waitMs: number): Promise<void> {
  stopDaemon(pid);
  const end = Date.now() + waitMs;
  while (pidAlive(pid, DAEMON_MARK) && Date.now() < end) await sleep(30);
}
