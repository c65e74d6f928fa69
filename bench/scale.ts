// Many hosts from one controller: kplay runs bench/workload/scale.yml (10 light tasks) on N sshd hosts of this
// machine (bench/hosts.ts: 127.0.1.1 ..., 250 an address block), --forks N, twice (a first run, then a converged
// one that must report changed=0), and reports per run: wall, the controller's CPU and peak RSS
// (/usr/bin/time), the hosts' CPU (their sshd trees) and what each costs per host. Any failed or unreachable
// host fails the benchmark. Not part of `npm test`.
//
//   npx tsc -p . && node dist/bench/scale.js [--hosts 100,500] [--out bench/scale-results.md]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { option, readRecap } from './recap.js';
import { startHosts, stopHosts, targetCpu } from './hosts.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WORK = '/tmp/kbench-hosts/work';
const TARGET = '/tmp/kscale';

const counts = option('hosts', '100,500').split(',').map(Number);
const out = resolve(option('out', join(ROOT, 'bench', 'scale-results.md')));

interface Run {
  n: number;
  phase: 'first' | 'second';
  wall: number;
  cpu: number;
  rssMiB: number;
  target: number;
  changed: number;
  results: number;
}

function runOnce(n: number, inventory: string, phase: Run['phase']): Run {
  const timeFile = join(WORK, 'scale-time.txt');
  const kplay = join(ROOT, 'bin', 'kplay');
  const argv = ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, kplay, 'run'];
  argv.push(join(ROOT, 'bench/workload/scale.yml'), '-i', inventory, '--forks', String(n));
  const t0 = targetCpu();
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', argv, { cwd: WORK, encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - start) / 1000;
  const target = targetCpu() - t0;
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const recap = readRecap(text);
  if (r.status !== 0 || recap.hosts !== n || recap.bad) {
    writeFileSync(join(WORK, 'scale-failed.log'), text);
    throw new Error(
      `kplay on ${n} hosts (${phase}): exit ${r.status}, ${recap.hosts} recap lines, ${recap.bad} failed ` +
        `or unreachable; output in ${join(WORK, 'scale-failed.log')}\n${text.slice(-1500)}`,
    );
  }
  const [, user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return {
    n,
    phase,
    wall,
    cpu: user! + sys!,
    rssMiB: rssKiB! / 1024,
    target,
    changed: recap.changed,
    results: recap.results,
  };
}

function table(runs: Run[]): string[] {
  const lines = [
    '| N | run | wall s | controller CPU s | peak RSS MiB | targets CPU s ' +
      '| per host: ctl CPU ms / RSS MiB / target CPU ms | target ms per task·host | changed |',
    '|---:|---|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const r of runs)
    lines.push(
      `| ${r.n} | ${r.phase} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ` +
        `${r.target.toFixed(1)} | ${((r.cpu * 1000) / r.n).toFixed(0)} / ${(r.rssMiB / r.n).toFixed(2)} / ` +
        `${((r.target * 1000) / r.n).toFixed(0)} | ${((r.target * 1000) / r.results).toFixed(1)} | ${r.changed} |`,
    );
  return lines;
}

function write(runs: Run[], loads: string[], started: Date): void {
  const cmd = `node dist/bench/scale.js ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# kplay on many hosts from one controller',
    '',
    '`bench/workload/scale.yml` (10 light tasks, no facts) on N sshd hosts of this machine (127.0.x.y), `--forks N`:',
    'a first run, then a converged one (changed=0). Controller CPU and peak RSS: /usr/bin/time of the kplay',
    "process; targets' CPU: every sshd tree of the hosts. The controller and the hosts share the machine's cores.",
    '',
    `Run ${started.toISOString()} with: \`npx tsc -p . && ${cmd}\``,
    `- machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
      `Node ${process.version}`,
    `- load average (1, 5, 15 min) when each N started: ${loads.join('; ')}`,
    '',
    ...table(runs),
    '',
  ];
  writeFileSync(out, md.join('\n'));
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const runs: Run[] = [];
  const loads: string[] = [];
  const started = new Date();
  for (const n of counts) {
    console.error(`N=${n}: starting ${n} sshd`);
    const hosts = await startHosts(n);
    loads.push(
      `N=${n}: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    try {
      rmSync(TARGET, { recursive: true, force: true });
      for (const phase of ['first', 'second'] as const) {
        const r = runOnce(n, hosts.inventory, phase);
        console.error(`  N=${n} ${phase}: ${r.wall.toFixed(1)} s, changed=${r.changed}`);
        if (phase === 'second' && r.changed !== 0) throw new Error(`the second run on ${n} hosts changed ${r.changed}`);
        runs.push(r);
      }
    } finally {
      hosts.stop();
      rmSync(TARGET, { recursive: true, force: true });
    }
    console.log(table(runs.filter((r) => r.n === n)).join('\n'));
    write(runs, loads, started);
  }
  console.log(`\nwritten: ${out}`);
}

process.on('SIGINT', () => {
  stopHosts();
  process.exit(130);
});
main().catch((e: Error) => {
  stopHosts();
  console.error(e.message);
  process.exitCode = 1;
});
