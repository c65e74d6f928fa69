// Keeps the hosts' systemd-nspawn processes going: a host that reboots (nspawn exits with 133) is started
// again, as a real machine comes back; a host that powers off stays off. Runs inside the lab daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { spawnInside } from './cgroup.js';

export interface HostSpec {
  name: string;
  argv: string[];
  env: Record<string, string>;
  logFile: string;
  cgroups: string[];
}

/** systemd-nspawn's exit status when the container asked for a reboot. */
export const REBOOT_EXIT = 133;

/** The line the supervisor appends to a host's log when its nspawn ends (`waitRunning` quotes it). */
export const EXIT_MARK = 'kplay lab: systemd-nspawn';

export function exitLine(pid: number | undefined, code: number | null, signal: string | null): string {
  return `${EXIT_MARK} (pid ${pid ?? '?'}) ended: ${signal ? `killed by ${signal}` : `exit status ${code}`}`;
}

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly log: (line: string) => void) {}

  /** Starts the host, born in its own cgroups; returns nspawn's pid. */
  start(spec: HostSpec): number {
    const fd = openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      const [cmd, ...args] = spec.argv;
      child = spawnInside(spec.cgroups, () =>
        spawn(cmd!, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...spec.env } }),
      );
    } finally {
      closeSync(fd);
    }
    this.children.set(spec.name, child);
    child.on('error', (e) => this.log(`${spec.name}: ${e.message}`));
    child.on('exit', (code, signal) => {
      try {
        appendFileSync(spec.logFile, `\n${exitLine(child.pid, code, signal)}\n`);
      } catch {
        /* the lab is being removed */
      }
      if (this.children.get(spec.name) === child) this.children.delete(spec.name);
      if (this.stopping) return;
      if (code === REBOOT_EXIT) {
        this.log(`${spec.name} rebooted; starting it again`);
        this.start(spec);
      } else this.log(`${spec.name} stopped (${signal ?? `exit ${code}`})`);
    });
    return child.pid ?? 0;
  }

  /** Powers every host off (SIGTERM to nspawn), waiting at most `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    const exited = running.map((c) => new Promise<void>((r) => c.once('exit', () => r())));
    for (const c of running) c.kill('SIGTERM');
    await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, graceMs))]);
  }
}
