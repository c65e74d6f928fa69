// The live view on a real terminal: `kplay run` inside a detached tmux session of 120 x 40, against 5 and then
// 50 real hosts (plain sshd on loopback, bench/hosts.ts, reached through kplay's ssh2 transport). The pane is
// read while the run goes (tmux capture-pane) and at its end: at 5 hosts each host has its line; at 50 the
// running task never shows more than the bound of host lines; a long task (sleep 3) shows each running host's
// elapsed time and what it runs (its time only under no_log); the failure of one host is shown; the recap lists
// every host. The final panes are kept under .kplay/test-artifacts/.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type HostsOptions, startHosts, stopHosts } from '../../bench/hosts.js';
import { boundsFor } from '../../src/ui/live-view.js';

// a set of hosts of its own, beside the benchmark's (port 2222, /tmp/kbench-hosts, login kbench)
const HOSTS: HostsOptions = { stateDir: '/tmp/kplay-live-view-hosts', port: 2230, login: 'kplive' };
const SOCKET = `kplay-live-${process.pid}`;
const [COLS, ROWS] = [120, 40];
const ARTIFACTS = resolve('.kplay/test-artifacts');

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: a quick command
      command: "true"
    - name: a long one
      command: sleep 3
      no_log: "{{ inventory_hostname == 'h03' }}"
    - name: fails on one host
      command: "{{ 'false' if inventory_hostname == 'h02' else 'true' }}"
`;

const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: 'pipe',
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hostName = (i: number) => `h${String(i).padStart(2, '0')}`;
const HOST = /\bh\d\d\b/;

/** The lines under the task being drawn (its title starts with listr2's spinner, a braille character). */
function liveBlock(pane: string): string[] {
  const lines = pane.split('\n');
  const at = lines.map((l) => /^[\u2800-\u28ff] (TASK|HANDLER) \[/.test(l)).lastIndexOf(true);
  if (at < 0) return [];
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !l.startsWith('  '));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Runs the playbook on `n` hosts in tmux; the panes read while it ran, and the whole history at its end. */
async function runInTmux(n: number): Promise<{ panes: string[]; final: string }> {
  const hosts = await startHosts(n, HOSTS);
  const work = mkdtempSync(join(tmpdir(), 'kplay-live-view-'));
  writeFileSync(join(work, 'site.yml'), PLAYBOOK);
  // CI is set in CI, where kplay would print plain lines; the shell stays so the pane can be read at the end
  const cmd =
    `cd ${work} && env -u CI ${resolve('bin/kplay')} run site.yml -i ${hosts.inventory}; ` +
    'echo kplay-exit=$?; exec sleep 600';
  tmux('new-session', '-d', '-s', 'live', '-x', String(COLS), '-y', String(ROWS), 'sh', '-c', cmd);
  const panes: string[] = [];
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const pane = tmux('capture-pane', '-p', '-t', 'live');
    panes.push(pane);
    if (pane.includes('kplay-exit=')) break;
    await sleep(150);
  }
  const final = tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', 'live');
  tmux('kill-session', '-t', 'live');
  rmSync(work, { recursive: true, force: true }); // the playbook, the run's journal and report
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `live-view-${n}-hosts.txt`);
  writeFileSync(file, final);
  console.log(`      final pane (${n} hosts): ${file}`);
  return { panes, final };
}

describe('@lab live view in a terminal (tmux, real sshd hosts)', () => {
  before(() => {
    execFileSync('tmux', ['-V']); // .ci/apt-packages.txt installs it
  });
  after(() => {
    try {
      tmux('kill-server');
    } catch {
      /* no session left */
    }
    stopHosts(HOSTS);
  });

  for (const n of [5, 50]) {
    it(`draws ${n} hosts within the bound, with progress, the failure and the recap`, async function () {
      this.timeout(180_000);
      const { panes, final } = await runInTmux(n);
      expect(final).to.include('kplay-exit=2');
      const names = Array.from({ length: n }, (_, i) => hostName(i + 1));
      // the panes before the recap (at 50 hosts its title scrolls out of the pane, its lines stay)
      const running = panes.filter((p) => !/PLAY RECAP|: ok=\d/.test(p));
      expect(running.length).to.be.greaterThan(5);
      // the running task's lines: at most the bound (the hosts running, one line naming the others, a failure)
      const b = boundsFor(ROWS);
      const bound = Math.min(n, b.running) + (n > b.running ? 1 : 0) + 1;
      for (const p of running) expect(liveBlock(p).filter((l) => HOST.test(l)).length).to.be.at.most(bound);
      // the whole pane too: the tasks done are one line each (a failure adds its line)
      if (n > b.running)
        for (const p of running) expect(p.split('\n').filter((l) => HOST.test(l)).length).to.be.at.most(bound + 2);
      const longPanes = running.filter((p) => /TASK \[a long one\] {2}0\/\d+ done · \d+\.\ds/.test(p));
      expect(longPanes.length, 'captures of the long task after 2 s').to.be.greaterThan(0);
      const mid = join(ARTIFACTS, `live-view-${n}-hosts-running.txt`);
      writeFileSync(mid, longPanes.at(-1)!);
      console.log(`      a pane while the long task ran (${n} hosts): ${mid}`);
      const long = longPanes.map(liveBlock);
      // each running host's elapsed time and what it runs; h03's command is hidden by no_log
      const lines = long.flat().map((l) => l.replace(/^ {2}(› )? */, ''));
      expect(lines.some((l) => /^h01 {2}\d+\.\ds {2}run: sleep 3$/.test(l))).to.equal(true);
      expect(lines.some((l) => /^h03 {2}\d+\.\ds {2}running$/.test(l))).to.equal(true);
      expect(lines.filter((l) => l.startsWith('h03') && l.includes('sleep'))).to.deep.equal([]);
      if (n <= b.running) for (const h of names) expect(lines.some((l) => l.startsWith(`${h} `))).to.equal(true);
      else
        expect(long.flat().some((l) => new RegExp(`\\b${n - b.running} more running: h11 h12`).test(l))).to.equal(true);
      // the history: each task once, as its line of counts; the failure under its task; the recap of every host
      const history = final.split('\n');
      expect(history.filter((l) => l.includes('TASK [a long one]'))).to.have.length(1);
      const named = n <= b.running ? ` \\(${names.join(' ')}\\)` : '';
      const quick = new RegExp(`^✔ TASK \\[a quick command\\] {2}${n} hosts · changed ${n}${named} · \\d+\\.\\ds$`);
      expect(history.filter((l) => quick.test(l))).to.have.length(1);
      const failed = history.findIndex((l) => l.startsWith('✖ TASK [fails on one host]'));
      expect(history[failed]).to.include('failed 1 (h02)');
      expect(history[failed + 1]).to.match(/^ {2}› h02: failed: non-zero return code 1 from `false`/);
      const recap = history.slice(history.findIndex((l) => l.startsWith('PLAY RECAP')));
      for (const h of names)
        expect(
          recap.some((l) =>
            new RegExp(`^${h} +: ok=\\d+ +changed=\\d+ +unreachable=0 +failed=${h === 'h02' ? 1 : 0}`).test(l),
          ),
          h,
        ).to.equal(true);
    });
  }
});
