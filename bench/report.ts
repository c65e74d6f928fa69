// bench/run.ts's results: the machine, one table of every engine per N and phase, written to results.md after
// each N (a long run keeps what it measured).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export type Tool = 'kplay' | 'mitogen' | 'ansible';
export type Phase = 'first' | 'second' | 'check';
export interface Sample {
  wall: number;
  /** controller CPU s: the tool's process tree (and Ansible's ssh masters) */
  cpu: number;
  /** target CPU s: the hosts' sshd trees */
  target: number;
  changed: number;
  /** task results over all hosts (ok + skipped in the recap): the task-host pairs */
  results: number;
}
export interface Row {
  n: number;
  reps: number;
  phase: Phase;
  by: Partial<Record<Tool, Sample>>;
}

function version(argv: string[], pick: (s: string) => string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? pick(`${r.stdout}${r.stderr}`) : 'unknown';
}

function machine(root: string): string[] {
  const os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? 'Linux';
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const rev = version(['git', '-C', root, 'rev-parse', '--short', 'HEAD'], (s) => s.trim());
  const mitogen = version(['dpkg-query', '-W', '-f', '${Version}', 'ansible-mitogen'], (s) => s.trim());
  return [
    `- machine: ${os}, kernel ${version(['uname', '-r'], (s) => s.trim())}, ${cpus().length} ` +
      `× ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- kplay ${pkg.version} (git ${rev}, working tree as run), Node ${process.version}`,
    `- ${version(['ansible-playbook', '--version'], (s) => s.split('\n')[0]!.trim())}, ` +
      `${version(['python3', '--version'], (s) => s.trim())}; Mitogen: Debian's ansible-mitogen ${mitogen}`,
    `- ${version(['ssh', '-V'], (s) => s.trim())}; targets: sshd processes on 127.0.1.x of this same machine`,
  ];
}

const f2 = (x: number) => x.toFixed(2);
const ratio = (a: Sample | undefined, k: Sample | undefined) => (a && k ? `${(a.wall / k.wall).toFixed(1)}×` : '-');
/** Target CPU per task and host, in ms. */
const perTask = (s: Sample | undefined) => (s?.results ? ((s.target * 1000) / s.results).toFixed(1) : '-');

/** One table: every engine's wall time, the ratios to kplay, controller and target CPU, changed counts. */
export function table(rows: Row[], tools: Tool[]): string[] {
  const others = tools.filter((t) => t !== 'kplay');
  const head = [
    'N',
    'reps',
    'phase',
    ...tools.map((t) => `${t} s`),
    ...others.map((t) => `${t}/kplay`),
    ...tools.map((t) => `${t} CPU s (ctl / targets)`),
    ...tools.map((t) => `${t} target ms per task·host`),
    'changed',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 2 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      String(r.n),
      String(r.reps),
      r.phase,
      ...tools.map((t) => (r.by[t] ? f2(r.by[t]!.wall) : '-')),
      ...others.map((t) => ratio(r.by[t], r.by.kplay)),
      ...tools.map((t) => (r.by[t] ? `${f2(r.by[t]!.cpu)} / ${f2(r.by[t]!.target)}` : '-')),
      ...tools.map((t) => perTask(r.by[t])),
      tools.map((t) => r.by[t]?.changed ?? '-').join(' / '),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

export interface RunInfo {
  root: string;
  out: string;
  tools: Tool[];
  loads: string[];
  started: Date;
  /** per N: whether every engine left the same files (path, type, mode, owner, bytes) after its first run */
  trees: string[];
}

const NOTES = [
  'Notes:',
  '- The hosts log in as `kbench`, a second name for uid 0 with `/bin/sh` and an empty home (`bench/hosts.ts`):',
  "  root's login shell on this machine is bash, which sources `~/.bashrc` for every ssh command, and that file",
  '  runs `pyenv init` (0.26 s): logging in as root would measure that rather than the tools.',
  "- The hosts share this machine's filesystem: each works under /tmp/kbench/<host>, and kplay's host lock is a",
  '  file per host (`kplay_host_lock`).',
  "- Target CPU counts every process the hosts' sshd started (sessions, shells, what they ran) while the run",
  "  lasted, Ansible's ControlPersist sessions and Mitogen's Python included.",
];

export function writeResults(rows: Row[], info: RunInfo): void {
  const cmd = `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# kplay vs Ansible (tuned, and with Mitogen): speed',
    '',
    'The same ~30-task system preparation (`bench/workload/kplay.yml`, `bench/workload/ansible.yml`: directories,',
    'copies, 5 templates, lineinfile edits, modes and owners, a link, `command`/`shell` with `creates`, a `stat` and',
    'a task on its result, a 10-item loop, a handler; facts gathered by all) on N hosts, each host an sshd on',
    '127.0.1.<i> of this machine. Each repetition runs the engines one after the other (first, second, check each),',
    "so they share the machine's state; a figure is the median of `reps` repetitions. Wall seconds; controller",
    "CPU seconds (user+sys of the tool's process tree, plus Ansible's ssh ControlPersist masters); target CPU",
    "seconds (every sshd tree of the hosts: the sessions, the shells and what they ran, Mitogen's and Ansible's",
    'Python). "first" starts from nothing; "second" and "check" (`--check`) run on the converged hosts and must',
    'report changed=0 (the last column: the total over hosts, per engine).',
    '',
    `Run ${info.started.toISOString()} with: \`npx tsc -p . && ${cmd}\``,
    '',
    ...machine(info.root),
    '- Ansible: `bench/ansible.cfg` (pipelining, ControlPersist=60s, no callbacks), `--forks N`; Mitogen: the same,',
    '  with `ANSIBLE_STRATEGY=mitogen_linear`; kplay: `--forks N`, run as installed (`bin/kplay`: the bundle,',
    "  compiled from V8's code cache)",
    `- load average (1, 5, 15 min) when each N started: ${info.loads.join('; ')}`,
    `- files left by each engine's first run: ${info.trees.join('; ')}`,
    '',
    ...table(rows, info.tools),
    '',
    ...NOTES,
    '',
  ];
  // the file's later sections (## ..., the integration targets) are kept
  const old = existsSync(info.out) ? readFileSync(info.out, 'utf8') : '';
  const rest = old.indexOf('\n## ') >= 0 ? old.slice(old.indexOf('\n## ') + 1) : '';
  writeFileSync(info.out, `${md.join('\n')}\n${rest}`);
}
