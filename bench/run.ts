// Speed benchmark: kplay against ansible-playbook on the same ~30-task system preparation
// (bench/workload/kplay.yml and bench/workload/ansible.yml), the same hosts, in the same run.
//
// Run (as root on Debian; installs openssh-server and time with apt when missing):
//   npx tsc -p . && node dist/bench/run.js [--hosts 1,5,20,50:1] [--reps 3] [--timeout 900] [--out bench/results.md]
// `--hosts` lists host counts N; `N:R` gives that N its own repetition count (50:1 = one repetition at 50 hosts).
//
// For each N: start N sshd on 127.0.1.1..N:2222 (bench/hosts.ts), then for kplay, then Ansible:
//   first run  (/tmp/kbench removed before each repetition), second run (converged: must report changed=0),
//   --check run on the converged state (must report changed=0).
// Each phase is the median of its repetitions: wall time, and controller CPU (user+sys of the tool's process
// tree, from /usr/bin/time; for Ansible plus the CPU its ssh ControlPersist masters spent during the run, as
// they leave the tree). Ansible's control sockets are removed before its first run and kept across its own
// repetitions, as a user's would be. The sshd processes are stopped at the end, also on failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startHosts, stopHosts } from './hosts.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, 'bench');
const TARGET = '/tmp/kbench';
const CONTROL_DIR = '/tmp/kbench-cp';
const WORK = '/tmp/kbench-hosts/work';
const TIME = '/usr/bin/time';
// kplay is built from src/ into a private folder once, at the start: dist/ may be rebuilt while the benchmark runs.
const BUILD = join(ROOT, '.kplay', 'bench-build');
const KPLAY = join(BUILD, 'kplay.mjs');

type Tool = 'kplay' | 'ansible';
type Phase = 'first' | 'second' | 'check';
interface Sample {
  wall: number;
  cpu: number;
  changed: number;
}
interface Row {
  n: number;
  reps: number;
  phase: Phase;
  kplay: Sample;
  ansible: Sample;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const reps = Number(option('reps', '3'));
const timeoutS = Number(option('timeout', '900'));
const out = resolve(option('out', join(BENCH, 'results.md')));
const plan = option('hosts', '1,5,20,50')
  .split(',')
  .map((s) => {
    const [n, r] = s.split(':');
    return { n: Number(n), reps: r ? Number(r) : reps };
  });

function ensureTools(): void {
  const missing = [
    existsSync(TIME) ? '' : 'time',
    existsSync('/usr/bin/ansible-playbook') ? '' : 'ansible-core',
  ].filter(Boolean);
  if (missing.length)
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
}

const CLK_TCK = 100;
/** CPU ticks (utime+stime) of every ssh ControlPersist master of ours, by pid. */
function sshMasters(): Map<number, number> {
  const m = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.startsWith('ssh\0') || !cmd.includes(CONTROL_DIR)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      m.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {
      /* gone */
    }
  }
  return m;
}

/** Ends Ansible's ssh masters (ssh -O exit on each socket) and removes the sockets. */
function clearControlSockets(): void {
  if (existsSync(CONTROL_DIR)) {
    for (const s of readdirSync(CONTROL_DIR))
      spawnSync('ssh', ['-o', `ControlPath=${join(CONTROL_DIR, s)}`, '-O', 'exit', 'kbench'], {
        stdio: 'ignore',
        timeout: 10_000,
      });
  }
  rmSync(CONTROL_DIR, { recursive: true, force: true });
}

/** Builds kplay into BUILD and checks that it reads the workload. */
function buildKplay(): void {
  rmSync(BUILD, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT, '--outDir', BUILD],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (tsc.status !== 0) console.error(`tsc reported errors (building anyway):\n${tsc.stdout.slice(0, 2000)}`);
  writeFileSync(
    KPLAY,
    "import { main } from './src/cli/main.js';\n" +
      'main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n',
  );
  writeFileSync(join(WORK, 'syntax-hosts.yml'), 'all:\n  hosts:\n    h01:\n');
  const r = spawnSync(
    process.execPath,
    [KPLAY, 'run', join(BENCH, 'workload/kplay.yml'), '-i', join(WORK, 'syntax-hosts.yml'), '--syntax-check'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0)
    throw new Error(`the kplay build in ${BUILD} does not read the workload:\n${r.stdout}${r.stderr}`);
}

function command(tool: Tool, n: number, inventory: string, check: boolean): string[] {
  if (tool === 'kplay')
    return [
      process.execPath,
      KPLAY,
      'run',
      join(BENCH, 'workload/kplay.yml'),
      '-i',
      inventory,
      '--forks',
      String(n),
      ...(check ? ['--check'] : []),
    ];
  return [
    'ansible-playbook',
    '-i',
    inventory,
    join(BENCH, 'workload/ansible.yml'),
    '--forks',
    String(n),
    ...(check ? ['--check'] : []),
  ];
}

/** One run, timed; fails unless every host reports failed=0 unreachable=0. */
function runOnce(tool: Tool, n: number, inventory: string, check: boolean): Sample {
  const timeFile = join(WORK, 'time.txt');
  const argv = [
    TIME,
    '-f',
    '%e %U %S',
    '-o',
    timeFile,
    'timeout',
    '-k',
    '10',
    String(timeoutS),
    ...command(tool, n, inventory, check),
  ];
  const env = { ...process.env, ANSIBLE_CONFIG: join(BENCH, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', NO_COLOR: '1' };
  const masters = tool === 'ansible' ? sshMasters() : new Map<number, number>();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: WORK,
    env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: (timeoutS + 30) * 1000,
  });
  const wall = (performance.now() - t0) / 1000;
  let masterTicks = 0;
  if (tool === 'ansible') for (const [pid, t] of sshMasters()) masterTicks += t - (masters.get(pid) ?? 0);
  const outText = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const recap = [...outText.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)];
  const bad = recap.filter((m) => m[3] !== '0' || m[4] !== '0');
  if (r.status !== 0 || recap.length !== n || bad.length) {
    writeFileSync(join(WORK, `failed-${tool}.log`), outText);
    throw new Error(
      `${tool} ${check ? '--check ' : ''}on ${n} hosts: exit ${r.status ?? r.signal}, ${recap.length} recap ` +
        `lines, ${bad.length} hosts failed; output in ${join(WORK, `failed-${tool}.log`)}\n${outText.slice(-1500)}`,
    );
  }
  const [, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user! + sys! + masterTicks / CLK_TCK, changed: recap.reduce((s, m) => s + Number(m[2]), 0) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function measure(tool: Tool, n: number, inventory: string, r: number): Record<Phase, Sample> {
  const phase = (name: Phase, fn: () => Sample): Sample => {
    const samples: Sample[] = [];
    for (let i = 0; i < r; i++) {
      samples.push(fn());
      const s = samples.at(-1)!;
      console.error(
        `  N=${n} ${tool} ${name} #${i + 1}: ${s.wall.toFixed(2)} ` +
          `s wall, ${s.cpu.toFixed(2)} s CPU, changed=${s.changed}`,
      );
      if (name !== 'first' && s.changed !== 0)
        throw new Error(`${tool} ${name} run on ${n} hosts is not idempotent: changed=${s.changed}`);
    }
    return {
      wall: median(samples.map((s) => s.wall)),
      cpu: median(samples.map((s) => s.cpu)),
      changed: Math.max(...samples.map((s) => s.changed)),
    };
  };
  const first = phase('first', () => {
    rmSync(TARGET, { recursive: true, force: true });
    return runOnce(tool, n, inventory, false);
  });
  const second = phase('second', () => runOnce(tool, n, inventory, false));
  const check = phase('check', () => runOnce(tool, n, inventory, true));
  return { first, second, check };
}

function version(argv: string[], pick: (s: string) => string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? pick(`${r.stdout}${r.stderr}`) : 'unknown';
}

function machine(): string[] {
  const os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? 'Linux';
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const rev = version(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], (s) => s.trim());
  return [
    `- machine: ${os}, kernel ${version(['uname', '-r'], (s) => s.trim())}, ${cpus().length} ` +
      `× ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- kplay ${pkg.version} (git ${rev}, working tree as run), Node ${process.version}`,
    `- ${version(['ansible-playbook', '--version'], (s) => s.split('\n')[0]!.trim())}, ` +
      `${version(['python3', '--version'], (s) => s.trim())}`,
    `- ${version(['ssh', '-V'], (s) => s.trim())}; targets: sshd processes on 127.0.1.x of this same machine`,
  ];
}

const fmt = (x: number) => x.toFixed(2);

function table(rows: Row[]): string[] {
  const lines = [
    '| N | reps | phase | kplay s | ansible s | ansible/kplay ' +
      '| kplay CPU s | ansible CPU s | changed kplay / ansible |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.n} | ${r.reps} | ${r.phase} | ${fmt(r.kplay.wall)} | ${fmt(r.ansible.wall)} ` +
        `| ${(r.ansible.wall / r.kplay.wall).toFixed(1)}× | ${fmt(r.kplay.cpu)} ` +
        `| ${fmt(r.ansible.cpu)} | ${r.kplay.changed} / ${r.ansible.changed} |`,
    );
  }
  return lines;
}

/** results.md with every N measured so far (written after each N, so a long run keeps what it measured). */
function writeResults(rows: Row[], loads: string[], started: Date): void {
  const cmd = `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# kplay vs Ansible: speed',
    '',
    `The same ~30-task system preparation (\`bench/workload/kplay.yml\`, ` +
      `\`bench/workload/ansible.yml\`: directories, copies,`,
    '5 templates, lineinfile edits, modes and owners, a link, ' +
      '`command`/`shell` with `creates`, a `stat` and a task on its',
    'result, a 10-item loop, a handler; facts gathered by both) on N hosts, each host an sshd on 127.0.1.<i> of this',
    'machine. Times are medians of `reps` repetitions: wall seconds, and controller CPU seconds (user+sys of the',
    'tool\'s process tree, plus Ansible\'s ssh ControlPersist masters). "first" starts from nothing, "second" and',
    '"check" (`--check`) run on the converged hosts and must report changed=0 (the last column: total over hosts).',
    '',
    `Run ${started.toISOString()} with: \`npx tsc -p . && ${cmd}\``,
    '',
    ...machine(),
    `- Ansible: \`bench/ansible.cfg\` (pipelining, ControlPersist=60s, ` +
      `no callbacks), \`--forks N\`; kplay: \`--forks N\``,
    `- load average (1, 5, 15 min) when each N started: ${loads.join('; ')}`,
    '',
    ...table(rows),
    '',
  ];
  writeFileSync(out, md.join('\n'));
}

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(WORK, { recursive: true });
  buildKplay();
  const rows: Row[] = [];
  const loads: string[] = [];
  const started = new Date();
  for (const { n, reps: r } of plan) {
    console.error(`N=${n}: starting ${n} sshd, ${r} repetition(s) per phase`);
    const hosts = await startHosts(n);
    loads.push(
      `N=${n}: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    try {
      clearControlSockets();
      const k = measure('kplay', n, hosts.inventory, r);
      clearControlSockets();
      const a = measure('ansible', n, hosts.inventory, r);
      clearControlSockets();
      for (const phase of ['first', 'second', 'check'] as Phase[])
        rows.push({ n, reps: r, phase, kplay: k[phase], ansible: a[phase] });
    } finally {
      clearControlSockets();
      hosts.stop();
    }
    console.log(table(rows.filter((x) => x.n === n)).join('\n'));
    writeResults(rows, loads, started);
  }
  rmSync(TARGET, { recursive: true, force: true });
  console.log(`\nwritten: ${out}`);
}

const stopAll = () => {
  try {
    clearControlSockets();
  } finally {
    stopHosts();
  }
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(143);
});
main().catch((e: Error) => {
  stopAll();
  console.error(e.message);
  process.exitCode = 1;
});
