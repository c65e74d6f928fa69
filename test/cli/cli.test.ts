// The command line as users type it: real `node bin/kplay` processes, their output and exit codes.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeTree } from '../support/tree.js';
import { join } from 'node:path';

// The plays' host patterns (kubeasz's and Kubespray's group names), as literal text inside a RegExp.
const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CLUSTER = esc('~(etcd|kube_master|kube_control_plane|kube-master|kube_node|kube-node|ex_lb)$');
const WORKERS = esc('~(kube_node|kube-node)$:!~(kube_master|kube_control_plane|kube-master)$');

function kplay(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/kplay', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kplay command line', () => {
  for (const cmd of [[], ['run'], ['inventory'], ['lab']]) {
    it(`has complete help: kplay ${cmd.join(' ')} --help`, () => {
      const r = kplay(...cmd, '--help');
      expect(r.code).to.equal(0);
      expect(r.out).to.match(/Options:/);
      if (cmd[0] === 'run')
        for (const o of [
          '--check',
          '--diff',
          '--tags',
          '--skip-tags',
          '--limit',
          '--extra-vars',
          '--forks',
          '--list-hosts',
          '--list-tasks',
          '--list-tags',
          '--syntax-check',
          '--start-at-task',
          '--inventory',
        ])
          expect(r.out).to.include(o);
    });
  }

  it('--detailed-exitcode without --check is a bad option (exit 5)', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--detailed-exitcode');
    expect(r.code).to.equal(5);
    expect(r.err).to.match(/--detailed-exitcode goes with --check/);
  });

  it('lists the ha-cluster tasks in order with tags', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--list-tasks');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(
      new RegExp(
        '^\\nplaybook: playbooks\\/ha-cluster.yml\\n\\n' +
          ` {2}play #1 \\(${CLUSTER}\\): preflight checks\\tTAGS: \\[\\]\\n` +
          ' {4}tasks:\\n {6}preflight : Check the site\\tTAGS: \\[always, preflight\\]\\n',
      ),
    );
    expect(r.out).to.match(
      new RegExp(
        ' {2}play #\\d+ \\(etcd\\): etcd cluster\\tTAGS: \\[\\]\\n {4}tasks:\\n' +
          ' {6}etcd : Create the etcd folders\\tTAGS: \\[etcd\\]\\n',
      ),
    );
  });

  it('--tags etcd lists only the etcd role', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--tags', 'etcd', '--list-tasks');
    expect(r.code, r.err).to.equal(0);
    const tasks = r.out
      .split('\n')
      .filter((l) => l.startsWith('      '))
      .map((l) => l.trim());
    expect(tasks.filter((t) => !t.startsWith('preflight : ')).map((t) => t.split(' : ')[0])).to.deep.equal(
      Array(8).fill('etcd'),
    );
  });

  it('--list-hosts applies --limit; other hosts stay in the inventory', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--list-hosts', '--limit', 'etcd');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(
      / {2}play #\d+ \(etcd\): etcd cluster\tTAGS: \[\]\n {4}pattern: \['etcd'\]\n {4}hosts \(3\):\n/,
    );
    expect(r.out).to.match(
      new RegExp(
        ` {2}play #\\d+ \\(${WORKERS}\\): workers\\tTAGS: \\[\\]\\n` +
          ` {4}pattern: \\['${WORKERS}'\\]\\n {4}hosts \\(0\\):\\n`,
      ),
    );
  });

  it('--syntax-check works with no host reachable', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--syntax-check');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal('\nplaybook: playbooks/ha-cluster.yml\n');
  });

  it('a bad playbook exits 4 with every problem and no stack trace', () => {
    const dir = writeTree({
      'site.yml': '- hosts: all\n  tasks:\n    - cpoy: src=a dest=b\n    - debug: msg=x\n      whn: true\n',
    });
    const r = kplay('run', join(dir, 'site.yml'), '--syntax-check');
    expect(r.code).to.equal(4);
    expect(r.err).to.include(`ERROR: ${dir}/site.yml:3:7: unknown module or keyword 'cpoy' (did you mean 'copy'?)`);
    expect(r.err).to.include(`ERROR: ${dir}/site.yml:5:7: unknown task keyword 'whn' (did you mean 'when'?)`);
    expect(r.err).to.include('2 problems found; nothing was run.');
    expect(r.err).not.to.match(/\n\s+at /);
  });

  it('a bad option exits 5', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '--no-such-option');
    expect(r.code).to.equal(5);
    expect(r.err).to.match(/Unknown argument/);
  });

  it('a bad -e exits 5', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-e', 'novalue', '--syntax-check');
    expect(r.code).to.equal(5);
    expect(r.err).to.include("'novalue' is not key=value");
  });

  it('a missing playbook exits 1 and says so', () => {
    const r = kplay('run', 'nope.yml', '--syntax-check');
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/playbook not found: .*nope\.yml/);
  });
});

describe('kplay run listings', () => {
  it('--start-at-task starts the listing at the named task (glob)', () => {
    const r = kplay(
      'run',
      'playbooks/ha-cluster.yml',
      '-i',
      'inventories/example',
      '--list-tasks',
      '--start-at-task',
      'Push the etcd cert*',
    );
    expect(r.code, r.err).to.equal(0);
    const tasks = r.out
      .split('\n')
      .filter((l) => l.startsWith('      '))
      .map((l) => l.trim().split('\t')[0]);
    expect(tasks[0]).to.equal('etcd : Push the etcd certificates');
    expect(tasks).to.not.include('etcd : Push the etcd binaries');
  });

  it('--list-tags prints every play with its task tags; --skip-tags removes them', () => {
    const r = kplay(
      'run',
      'playbooks/ha-cluster.yml',
      '-i',
      'inventories/example',
      '--list-tags',
      '--skip-tags',
      'etcd,pki',
    );
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('): prepare the hosts\tTAGS: []\n      TASK TAGS: [prepare, set_hosts]\n');
    expect(r.out).to.match(/ {2}play #\d+ \(etcd\): etcd cluster\tTAGS: \[\]\n {6}TASK TAGS: \[\]\n/);
  });

  // [--limit, what the error says besides]
  const LIMITS: [string, RegExp][] = [
    ['nosuchhost', /hint: give --limit a host or group of the inventory \(-i\): hosts \S+.*; groups .*kube_master/],
    ['kube_nodes', /hint: did you mean 'kube_node'\?/],
  ];
  for (const [limit, hint] of LIMITS)
    it(`a --limit that matches nothing is a bad option, naming what the inventory holds: ${limit}`, () => {
      const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', 'inventories/example', '--list-hosts', '--limit', limit);
      expect(r.code).to.equal(5);
      expect(r.err).to.include(`--limit '${limit}' matches no host in the inventory; nothing was run`);
      expect(r.err).to.match(hint);
    });
});
