// Running system commands for the lab: argv arrays only, never a shell string.
import { execFile, spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KplayError } from '../core/errors.js';
import { lockHolder, processExists, tryLock } from '../core/pid-lock.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Reject with a KplayError when the command exits non-zero (default true). */
  check?: boolean;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs argv and collects its output. Throws LAB_COMMAND when it fails and `check` is not false. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new KplayError('internal: empty command', { code: 'INTERNAL' });
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 0,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
        if (e && typeof e.code === 'string') {
          reject(
            new KplayError(`cannot run ${cmd}: ${e.message}`, {
              code: 'LAB_COMMAND',
              hint: e.code === 'ENOENT' ? `install the package that provides ${cmd}` : undefined,
            }),
          );
          return;
        }
        const code = e ? (typeof e.code === 'number' ? e.code : e.killed ? 124 : 1) : 0;
        const res = { code, stdout: String(stdout), stderr: String(stderr) };
        if (code !== 0 && opts.check !== false) {
          const why = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-8).join('\n');
          reject(
            new KplayError(`command failed (exit ${code}): ${argv.join(' ')}${why ? `\n${why}` : ''}`, {
              code: 'LAB_COMMAND',
            }),
          );
          return;
        }
        resolve(res);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs argv with the terminal attached (or the given stdio); resolves to its exit code. */
export function runAttached(argv: string[], opts: SpawnOptions = {}): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new KplayError('internal: empty command', { code: 'INTERNAL' });
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('error', (e) => reject(new KplayError(`cannot run ${cmd}: ${e.message}`, { code: 'LAB_COMMAND' })));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}

/** Full path of an executable on PATH (plus the sbin folders), or undefined. */
export function which(cmd: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The lab drives the kernel directly: it needs Linux and root. Says so plainly otherwise. */
export function requireRootLinux(): void {
  if (process.platform !== 'linux') {
    throw new KplayError(`kplay lab needs Linux (this is ${process.platform})`, {
      code: 'LAB_UNSUPPORTED',
      hint: 'run it on a Linux machine or VM',
    });
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new KplayError('kplay lab needs root: it creates network namespaces, a bridge, mounts and containers', {
      code: 'LAB_UNSUPPORTED',
      hint: 'run it with sudo, or as root',
    });
  }
}

/** Why the lab cannot run here, or undefined when it can (Linux and root). */
export function labUnsupportedReason(): string | undefined {
  try {
    requireRootLinux();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Commands the lab needs, and the Debian package that provides each. */
export const NEEDED_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  mount: 'mount',
  gpgv: 'gpgv', // debootstrap checks the Release signature with it
};

/** Files the lab needs that are not commands, and their packages. */
export const NEEDED_FILES: Record<string, string> = {
  '/usr/share/keyrings/debian-archive-keyring.gpg': 'debian-archive-keyring',
};

/** Installs the Debian packages that provide missing tools (apt-get), or explains why it cannot. */
export async function ensureTools(
  log: (s: string) => void,
  tools: Record<string, string> = NEEDED_TOOLS,
): Promise<void> {
  const missing = [
    ...new Set([
      ...Object.entries(tools)
        .filter(([cmd]) => !which(cmd))
        .map(([, pkg]) => pkg),
      ...Object.entries(NEEDED_FILES)
        .filter(([f]) => !existsSync(f))
        .map(([, pkg]) => pkg),
    ]),
  ];
  if (missing.length === 0) return;
  if (!which('apt-get')) {
    throw new KplayError(`kplay lab needs these packages: ${missing.join(', ')}`, {
      code: 'LAB_UNSUPPORTED',
      hint: 'install them with your package manager (the lab is made and tested on Debian 12)',
    });
  }
  log(`installing ${missing.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env, check: false });
  let r = await install();
  if (r.code !== 0) {
    await run(['apt-get', 'update', '-qq'], { env });
    r = await install();
  }
  if (r.code !== 0)
    throw new KplayError(`apt-get could not install ${missing.join(', ')}:\n${r.stderr.trim()}`, {
      code: 'LAB_COMMAND',
    });
}

/** A process's command line. While the process is inside execve() the kernel shows an empty one (the new
 * image's arguments are not mapped yet): such a read is repeated for a moment instead of being taken for
 * "not that program" (it made a booting lab host look dead). '' when the process is gone or a zombie. */
export function cmdline(pid: number): string {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200; i++) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return '';
      const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (line !== '') return line;
    } catch {
      return '';
    }
    Atomics.wait(pause, 0, 0, 1);
  }
  return '';
}

/** True when a process with this pid exists (and, if given, its command line contains `needle`). */
export function pidAlive(pid: number | undefined, needle?: string): boolean {
  if (!processExists(pid)) return false;
  return needle === undefined || cmdline(pid!).includes(needle);
}

export { lockHolder, tryLock } from '../core/pid-lock.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined> | T | undefined,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new KplayError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`, {
        code: 'LAB_TIMEOUT',
      });
    await sleep(everyMs);
  }
}

/** Runs fn holding a lock file; waits while another holds it (another process, or this one for another lab). */
export async function withLock<T>(file: string, what: string, fn: () => Promise<T>): Promise<T> {
  for (let i = 0; !tryLock(file); i++) {
    const holder = lockHolder(file);
    if (i === 0 && holder !== process.pid) process.stderr.write(`waiting for another kplay (pid ${holder}) ${what}\n`);
    await sleep(holder === process.pid ? 20 : 200);
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
