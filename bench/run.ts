// Speed benchmark: kplay against ansible-playbook, tuned and with Mitogen, on the same ~30-task system
// preparation (bench/workload/kplay.yml and bench/workload/ansible.yml), the same hosts, in the same run.
//
// Run (as root on Debian; installs openssh-server, time, ansible-core and ansible-mitogen with apt when missing):
//   npx tsc -p . && node dist/bench/run.js [--hosts 1,5,20,50:1] [--reps 3] [--tools kplay,mitogen,ansible]
//     [--timeout 900] [--out bench/results.md]
// `--hosts` lists host counts N; `N:R` gives that N its own repetition count (50:1 = one repetition at 50 hosts).
//
// For each N: start N sshd on 127.0.1.1..N:2222 (bench/hosts.ts); each repetition runs every engine in turn,
// each: first run (/tmp/kbench removed before it), second run (converged: must report changed=0), --check run on
// the converged state (must report changed=0). After each first run the files under /tmp/kbench are compared
// with kplay's (path, type, mode, owner, bytes). A phase's figure is the median of its repetitions: wall time,
// controller CPU (user+sys of the tool's process tree, from /usr/bin/time; for Ansible plus the CPU its ssh
// ControlPersist masters spent during the run, as they leave the tree) and target CPU (the hosts' sshd trees,
// bench/hosts.ts). Ansible's control sockets are removed before each engine's turn and kept within it, as a
// user's would be. The sshd processes are stopped at the end, also on failure. The table: bench/report.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundle } from '../build/bundle.js';
import { option, readRecap } from './recap.js';
import { startHosts, stopHosts, targetCpu } from './hosts.js';
import { type Phase, type Row, type Sample, type Tool, table, writeResults } from './report.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, 'bench');
const TARGET = '/tmp/kbench';
const CONTROL_DIR = '/tmp/kbench-cp';
const WORK = '/tmp/kbench-hosts/work';
const TIME = '/usr/bin/time';
// kplay is built from src/ into a private folder once, at the start (dist/ may be rebuilt while the benchmark
// runs), as it is installed: tsc, the bundle (build/bundle.ts), and bin/kplay, which runs the bundle from V8's
// code cache.
const BUILD = join(ROOT, '.kplay', 'bench-build');
const KPLAY = join(BUILD, 'bin', 'kplay');

const reps = Number(option('reps', '3'));
const timeoutS = Number(option('timeout', '900'));
const out = resolve(option('out', join(BENCH, 'results.md')));
const MITOGEN_STRATEGY = '/usr/lib/python3/dist-packages/ansible/plugins/strategy/mitogen_linear.py';
const tools = option('tools', 'kplay,mitogen,ansible').split(',') as Tool[];
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
    tools.includes('mitogen') && !existsSync(MITOGEN_STRATEGY) ? 'ansible-mitogen' : '',
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
async function buildKplay(): Promise<void> {
  rmSync(BUILD, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT, '--outDir', join(BUILD, 'dist')],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (tsc.status !== 0) console.error(`tsc reported errors (building anyway):\n${tsc.stdout.slice(0, 2000)}`);
  await bundle(BUILD);
  mkdirSync(join(BUILD, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'kplay'), KPLAY);
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
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: join(BENCH, 'ansible.cfg'),
    ANSIBLE_NOCOLOR: '1',
    NO_COLOR: '1',
    ...(tool === 'mitogen' ? { ANSIBLE_STRATEGY: 'mitogen_linear' } : {}),
  };
  const masters = tool === 'kplay' ? new Map<number, number>() : sshMasters();
  const target0 = targetCpu();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: WORK,
    env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: (timeoutS + 30) * 1000,
  });
  const wall = (performance.now() - t0) / 1000;
  const target = targetCpu() - target0;
  let masterTicks = 0;
  if (tool !== 'kplay') for (const [pid, t] of sshMasters()) masterTicks += t - (masters.get(pid) ?? 0);
  const outText = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const recap = readRecap(outText);
  if (r.status !== 0 || recap.hosts !== n || recap.bad) {
    writeFileSync(join(WORK, `failed-${tool}.log`), outText);
    throw new Error(
      `${tool} ${check ? '--check ' : ''}on ${n} hosts: exit ${r.status ?? r.signal}, ${recap.hosts} recap ` +
        `lines, ${recap.bad} hosts failed; output in ${join(WORK, `failed-${tool}.log`)}\n${outText.slice(-1500)}`,
    );
  }
  const [, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return {
    wall,
    cpu: user! + sys! + masterTicks / CLK_TCK,
    target,
    changed: recap.changed,
    results: recap.results,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** What a first run left under TARGET, one line per path: type, mode, owner, and the bytes' or link's digest. */
function tree(): string[] {
  const r = spawnSync(
    'find',
    [TARGET, '-printf', '%P %y %m %u:%g %l\\n', '-type', 'f', '-exec', 'sha256sum', '{}', '+'],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 },
  );
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** Runs one engine's three phases once; the first run's files are compared with `want` (kplay's). */
function turn(
  tool: Tool,
  n: number,
  inventory: string,
  want: string[] | undefined,
): Record<Phase, Sample> & { files: string[] } {
  clearControlSockets();
  const one = (name: Phase, check: boolean): Sample => {
    const s = runOnce(tool, n, inventory, check);
    console.error(
      `  N=${n} ${tool} ${name}: ${s.wall.toFixed(2)} s wall, ${s.cpu.toFixed(2)} s CPU, ` +
        `${s.target.toFixed(2)} s target CPU, changed=${s.changed}`,
    );
    if (name !== 'first' && s.changed !== 0)
      throw new Error(`${tool} ${name} run on ${n} hosts is not idempotent: changed=${s.changed}`);
    return s;
  };
  rmSync(TARGET, { recursive: true, force: true });
  const first = one('first', false);
  const files = tree();
  if (want && files.join('\n') !== want.join('\n')) {
    const diff = [...files.filter((l) => !want.includes(l)), ...want.filter((l) => !files.includes(l))];
    console.error(`  N=${n} ${tool}: ${diff.length} lines of the file list differ from kplay's (${WORK}/files-*)`);
  }
  writeFileSync(join(WORK, `files-${tool}.txt`), `${files.join('\n')}\n`);
  const second = one('second', false);
  const check = one('check', true);
  clearControlSockets();
  return { first, second, check, files };
}

const mid = (xs: Sample[]): Sample => ({
  wall: median(xs.map((s) => s.wall)),
  cpu: median(xs.map((s) => s.cpu)),
  target: median(xs.map((s) => s.target)),
  changed: Math.max(...xs.map((s) => s.changed)),
  results: median(xs.map((s) => s.results)),
});

/** `r` repetitions, each running every engine in turn; the medians per engine and phase, and how the files of
 *  each engine's first runs compared with kplay's. */
function measure(n: number, inventory: string, r: number): { rows: Row[]; trees: string } {
  const samples = new Map<string, Sample[]>();
  const same = new Map<Tool, boolean>();
  for (let i = 0; i < r; i++) {
    let want: string[] | undefined;
    for (const tool of tools) {
      console.error(`  N=${n} repetition ${i + 1}/${r}: ${tool}`);
      const t = turn(tool, n, inventory, want);
      if (tool === 'kplay') want = t.files;
      else if (want) same.set(tool, (same.get(tool) ?? true) && t.files.join('\n') === want.join('\n'));
      for (const p of ['first', 'second', 'check'] as Phase[])
        samples.set(`${tool} ${p}`, [...(samples.get(`${tool} ${p}`) ?? []), t[p]]);
    }
  }
  const rows = (['first', 'second', 'check'] as Phase[]).map((phase) => ({
    n,
    reps: r,
    phase,
    by: Object.fromEntries(tools.map((t) => [t, mid(samples.get(`${t} ${phase}`)!)])),
  }));
  const trees = [...same].map(([t, ok]) => `${t} ${ok ? 'the same as' : 'NOT the same as'} kplay's`).join(', ');
  return { rows, trees: `N=${n}: ${trees || 'not compared'}` };
}

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(WORK, { recursive: true });
  await buildKplay();
  const rows: Row[] = [];
  const info = { root: ROOT, out, tools, loads: [] as string[], started: new Date(), trees: [] as string[] };
  for (const { n, reps: r } of plan) {
    console.error(`N=${n}: starting ${n} sshd, ${r} repetition(s), engines ${tools.join(', ')}`);
    const hosts = await startHosts(n);
    info.loads.push(
      `N=${n}: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    try {
      const m = measure(n, hosts.inventory, r);
      rows.push(...m.rows);
      info.trees.push(m.trees);
    } finally {
      clearControlSockets();
      hosts.stop();
    }
    console.log(
      table(
        rows.filter((x) => x.n === n),
        tools,
      ).join('\n'),
    );
    writeResults(rows, info);
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
