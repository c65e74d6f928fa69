// One lab host: an overlay root (base below, tmpfs above) booted by systemd-nspawn in the host's network
// namespace, from the host's own cgroup, in a private mount namespace.
import { mkdirSync, readFileSync } from 'node:fs';
import { KplayError } from '../core/errors.js';
import { childCgroups, pidsIn } from './cgroup.js';
import { EXIT_MARK, type HostSpec } from './supervisor.js';
import { pidAlive, run, sleep, waitFor, type RunOptions, type RunResult } from './sys.js';
import type { HostState } from './state.js';

export async function mountOverlay(h: HostState, base: string): Promise<void> {
  for (const d of [h.upper, h.work, h.root]) mkdirSync(d, { recursive: true });
  await run([
    'mount',
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${base},upperdir=${h.upper},workdir=${h.work}`,
    h.root,
  ]);
}

export function nspawnArgv(h: HostState): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    'systemd-nspawn',
    '--boot', // not --quiet: its last words ("Container X failed with error code N") go to the log
    `--directory=${h.root}`,
    `--machine=${h.name}`,
    `--network-namespace-path=/run/netns/${h.netns}`,
    '--capability=CAP_NET_ADMIN',
    '--register=no',
    '--keep-unit',
    '--link-journal=no',
    '--resolv-conf=off',
    '--timezone=off',
    '--console=read-only',
  ];
}

/** What the lab daemon needs to start (and restart) the host. */
export function hostSpec(h: HostState, labCgroups: string[], logFile: string): HostSpec {
  return {
    name: h.name,
    argv: nspawnArgv(h),
    env: { SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network', SYSTEMD_LOG_COLOR: '0' },
    logFile,
    cgroups: childCgroups(labCgroups, h.name),
  };
}

/** The host's systemd-nspawn processes (one, normally), found in its cgroups. */
export function nspawnPids(hostCgroups: string[]): number[] {
  return pidsIn(hostCgroups).filter((p) => pidAlive(p, 'systemd-nspawn'));
}

/**
 * The pid (seen from the controller) of the host's init: the process in its cgroup that is pid 1 in its own pid
 * namespace.
 */
export function initPid(hostCgroups: string[]): number | undefined {
  for (const pid of pidsIn(hostCgroups)) {
    try {
      const m = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const ns = m?.[1]?.trim().split(/\s+/) ?? [];
      if (ns.length >= 2 && ns[ns.length - 1] === '1') return pid;
    } catch {
      /* exited */
    }
  }
  return undefined;
}

/** Runs argv inside the host (all its namespaces, its root), without ssh. */
export function execIn(init: number, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(['nsenter', '-t', String(init), '-m', '-u', '-i', '-n', '-p', '-C', '-r', '-w', '--', ...argv], {
    ...opts,
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...(opts.env ?? {}) },
  });
}

/** Why the host's nspawn is gone: the end of its log, where nspawn's own output and the exit status that
 * the supervisor appends (exit code or signal) stand. Waits a moment for the supervisor's line. */
async function exitReport(h: HostState, logFile: string, during: string): Promise<KplayError> {
  const read = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 40 && !read().includes(EXIT_MARK); i++) await sleep(50);
  const tail = read()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-15)
    .join('\n');
  return new KplayError(
    `${h.name}: systemd-nspawn exited ${during}` +
      `${tail ? `; the end of ${logFile}:\n${tail}` : ` and ${logFile} is empty`}`,
    { code: 'LAB_HOST', host: h.name },
  );
}

/** Waits until systemd in the host says `running`; explains what failed otherwise. */
export async function waitRunning(
  h: HostState,
  hostCgroups: string[],
  timeoutMs: number,
  logFile: string,
): Promise<number> {
  const end = Date.now() + timeoutMs;
  let gone = false;
  const init = await waitFor(
    `${h.name} to start`,
    timeoutMs,
    () => {
      if (!pidAlive(h.pid, 'systemd-nspawn')) gone = true;
      return gone ? -1 : initPid(hostCgroups);
    },
    20,
  );
  if (gone) throw await exitReport(h, logFile, 'before its init started');
  for (;;) {
    const left = end - Date.now();
    // `--wait` returns once boot is over; before systemd listens, the call fails at once and is retried.
    const r = await execIn(init, ['systemctl', 'is-system-running', '--wait'], {
      check: false,
      timeoutMs: Math.max(left, 1000),
    });
    const state = r.stdout.trim();
    if (state === 'running') return init;
    if (state === 'degraded') {
      const failed = await execIn(init, ['systemctl', '--failed', '--no-legend', '--plain'], { check: false });
      throw new KplayError(`${h.name} booted degraded; failed units:\n${failed.stdout.trim()}`, {
        code: 'LAB_HOST',
        host: h.name,
      });
    }
    if (Date.now() > end)
      throw new KplayError(`${h.name} did not reach "running" (last state: ${state || r.stderr.trim()})`, {
        code: 'LAB_TIMEOUT',
        host: h.name,
      });
    if (!pidAlive(h.pid, 'systemd-nspawn')) throw await exitReport(h, logFile, 'during boot');
    await sleep(50);
  }
}

/** `systemctl is-system-running` of a host, or a word saying why it cannot tell. */
export async function hostSystemState(hostCgroups: string[]): Promise<string> {
  if (nspawnPids(hostCgroups).length === 0) return 'stopped';
  const init = initPid(hostCgroups);
  if (!init) return 'starting';
  const r = await execIn(init, ['systemctl', 'is-system-running'], { check: false, timeoutMs: 5000 });
  return r.stdout.trim() || 'unknown';
}

/** Powers the host off (SIGTERM to its nspawn), waiting at most `graceMs`; for hosts whose daemon is gone. */
export async function stopHost(hostCgroups: string[], graceMs: number): Promise<void> {
  const pids = nspawnPids(hostCgroups);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const end = Date.now() + graceMs;
  while (pids.some((p) => pidAlive(p, 'systemd-nspawn')) && Date.now() < end) await sleep(30);
}
