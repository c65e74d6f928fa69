// Benchmark hosts: N plain sshd processes on this machine, host i listening on 127.0.1.<i>:2222, each with its
// own config and host key; root logs in with one generated client key. Writes a known_hosts with every host key
// and one inventory (hosts.yml, Ansible's YAML shape) that both kplay and ansible-playbook read.
// The hosts share this machine's filesystem, so a workload must keep its paths per host.
// A second set (a test's: test/ui/live-tmux.test.ts) runs beside the benchmark's with its own state folder, port
// and login (`HostsOptions`); the benchmark uses the defaults.
// Run by itself: node dist/bench/hosts.js up N   (prints the inventory path; sshd keep running)
//                node dist/bench/hosts.js down   (stops them by the pids recorded in the state folder)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const STATE_DIR = '/tmp/kbench-hosts';
export const PORT = 2222;
// The benchmark logs in as LOGIN, a second name for uid 0 with /bin/sh and an empty home: root's own login
// shell here is bash, which sources ~/.bashrc for every ssh command (this machine's runs `pyenv init`, about
// 0.26 s), a cost that would swamp what is measured: each tool's own overhead per task.
export const LOGIN = 'kbench';
const SSHD = '/usr/sbin/sshd';

/** Where a set of hosts lives: its state folder (keys, configs, pids, inventory), its port, its login. */
export interface HostsOptions {
  stateDir?: string;
  port?: number;
  login?: string;
}

type Where = Required<HostsOptions>;
const where = (o: HostsOptions = {}): Where => ({
  stateDir: o.stateDir ?? STATE_DIR,
  port: o.port ?? PORT,
  login: o.login ?? LOGIN,
});
const pidsOf = (w: Where) => join(w.stateDir, 'pids');

export interface BenchHosts {
  names: string[];
  /** hosts.yml, also the folder kplay is given with -i */
  inventory: string;
  dir: string;
  stop(): void;
}

export const hostName = (i: number) => `h${String(i).padStart(2, '0')}`;
/** 127.0.1.1 ... 127.0.1.250, then 127.0.2.1 ... (loopback answers on all of 127/8). */
export const hostAddr = (i: number) => `127.0.${1 + Math.floor((i - 1) / 250)}.${((i - 1) % 250) + 1}`;

function ensurePackages(): void {
  if (existsSync(SSHD)) return;
  console.error('installing openssh-server (apt) ...');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 300_000,
  });
}

function keygen(file: string, comment: string): void {
  if (existsSync(file)) return;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { timeout: 30_000 });
}

function sshdConfig(i: number, dir: string, port: number): string {
  return [
    `ListenAddress ${hostAddr(i)}:${port}`,
    `HostKey ${join(dir, `host_${i}_ed25519`)}`,
    `PidFile ${join(dir, `sshd_${i}.pid`)}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    'StrictModes no',
    'MaxSessions 20',
    'MaxStartups 200',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function waitForPort(host: string, port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd on ${host}:${port} did not start`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function inventoryYaml(n: number, w: Where): string {
  const dir = w.stateDir;
  const lines = [
    'all:',
    '  vars:',
    `    ansible_user: ${w.login}`,
    `    ansible_port: ${w.port}`,
    `    ansible_ssh_private_key_file: ${join(dir, 'id_ed25519')}`,
    `    ansible_ssh_common_args: -o UserKnownHostsFile=${join(dir, 'known_hosts')} -o StrictHostKeyChecking=yes`,
    '    ansible_python_interpreter: /usr/bin/python3',
    // the hosts share this machine's /run: kplay's host lock, one file per host (Ansible ignores the variable)
    `    kplay_host_lock: ${join(dir, 'lock')}-{{ inventory_hostname }}`,
    '  children:',
    '    bench:',
    '      hosts:',
  ];
  for (let i = 1; i <= n; i++) lines.push(`        ${hostName(i)}:`, `          ansible_host: ${hostAddr(i)}`);
  return lines.join('\n') + '\n';
}

function addLogin(w: Where): void {
  const home = join(w.stateDir, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  removeLogin(w.login);
  execFileSync('useradd', ['-o', '-u', '0', '-g', '0', '-M', '-d', home, '-s', '/bin/sh', w.login], {
    stdio: 'ignore',
  });
  // '*' rather than useradd's locked '!': sshd without PAM refuses accounts whose password is locked
  execFileSync('usermod', ['-p', '*', w.login], { stdio: 'ignore' });
}

function removeLogin(login: string): void {
  try {
    // -f: uid 0 always has processes running, which plain userdel refuses
    execFileSync('userdel', ['-f', login], { stdio: 'ignore' });
  } catch {
    /* not there */
  }
}

/** Stops every sshd recorded in the state folder (by pid), and removes the login. Safe to call twice. */
export function stopHosts(o: HostsOptions = {}): void {
  const w = where(o);
  removeLogin(w.login);
  const pids = pidsOf(w);
  if (!existsSync(pids)) return;
  for (const p of readFileSync(pids, 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(p), 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  rmSync(pids, { force: true });
}

export async function startHosts(n: number, o: HostsOptions = {}): Promise<BenchHosts> {
  if (n < 1 || n > 1000) throw new Error('hosts: 1..1000');
  ensurePackages();
  const w = where(o);
  stopHosts(w);
  const dir = w.stateDir;
  const PIDS = pidsOf(w);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true });
  addLogin(w);
  keygen(join(dir, 'id_ed25519'), 'kbench-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o600 });
  const known: string[] = [];
  const pids: number[] = [];
  try {
    for (let i = 1; i <= n; i++) {
      const key = join(dir, `host_${i}_ed25519`);
      keygen(key, `kbench-host-${i}`);
      const [type, blob] = readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/);
      known.push(`[${hostAddr(i)}]:${w.port} ${type} ${blob}`);
      const cfg = join(dir, `sshd_${i}.conf`);
      writeFileSync(cfg, sshdConfig(i, dir, w.port));
      const child = spawn(SSHD, ['-D', '-f', cfg], { detached: true, stdio: 'ignore' });
      child.unref();
      if (child.pid === undefined) throw new Error(`sshd ${i} did not start`);
      pids.push(child.pid);
      writeFileSync(PIDS, pids.join('\n') + '\n');
    }
    writeFileSync(join(dir, 'known_hosts'), known.join('\n') + '\n');
    writeFileSync(join(dir, 'hosts.yml'), inventoryYaml(n, w));
    const deadline = Date.now() + 15_000;
    await Promise.all(Array.from({ length: n }, (_, k) => waitForPort(hostAddr(k + 1), w.port, deadline)));
  } catch (e) {
    stopHosts(w);
    throw e;
  }
  return {
    names: Array.from({ length: n }, (_, k) => hostName(k + 1)),
    inventory: join(dir, 'hosts.yml'),
    dir,
    stop: () => stopHosts(w),
  };
}

const CLK_TCK = 100;

/** CPU seconds the hosts' sshd trees have spent (each listener, the sessions it reaped, and every session still
 *  running with what it reaped): the targets' CPU, as a difference of two readings around a run. */
export function targetCpu(o: HostsOptions = {}): number {
  const pids = pidsOf(where(o));
  if (!existsSync(pids)) return 0;
  const roots = new Set(readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number));
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // after the name: state ppid ... utime(12th) stime cutime cstime
      procs.set(Number(d), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {
      /* gone */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++) if (roots.has(p)) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, p] of procs) if (inTree(pid)) ticks += p.ticks;
  return ticks / CLK_TCK;
}

const self = process.argv[1] ?? '';
if (self.endsWith('/bench/hosts.js')) {
  const [cmd, arg] = process.argv.slice(2);
  if (cmd === 'up')
    startHosts(Number(arg ?? 3)).then(
      (h) => console.log(h.inventory),
      (e: Error) => {
        console.error(e.message);
        process.exitCode = 1;
      },
    );
  else if (cmd === 'down') stopHosts();
  else {
    console.error('usage: node dist/bench/hosts.js up N | down');
    process.exitCode = 2;
  }
}
