// `kplay site check` and the site linter at the start of `kplay run`, as users type them (the command line parsed
// by main(), in this process; one real `node bin/kplay`): output, positions and exit codes (0 clean or with
// warnings, 1 with --strict and warnings, 4 for a site that cannot be read).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeTree } from '../support/tree.js';
import { main } from '../../src/cli/main.js';

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

async function kplay(...args: string[]): Promise<Ran> {
  const r = { out: '', err: '' };
  const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  const code = await main(args, {
    print: (t) => void (r.out += line(t)),
    warn: (t) => void (r.err += `[WARNING]: ${line(t)}`),
    error: (t) => void (r.err += line(t)),
  });
  return { code, ...r };
}

function spawned(...args: string[]): Ran {
  const r = spawnSync(process.execPath, ['bin/kplay', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const HA_TAGS =
  'addons, etcd, ex-lb, force_change_certs, images, kube-lb, kube-master, kube-node, network, pki, preflight, ' +
  'prepare, registry, restart_etcd, restart_kube-lb, restart_lb, restart_master, restart_node, runtime, set_hosts, ' +
  'upgrade_k8s';

describe('kplay site check', function () {
  this.timeout(60_000);
  const misspelt = writeTree({
    hosts: '[etcd]\nn1 k8s_nodname=a\n[kube_master]\nn1\n[all:vars]\nSECURE_PORT=6443\nOS_HARDEN=true\n',
    'group_vars/kube-node.yml': 'x: 1\n',
  });
  const clean = writeTree({ hosts: '[etcd]\nn1 k8s_nodename=a ansible_user=root\n[all:vars]\nSECURE_PORT=6443\n' });

  const cases: [string, string[], number, (r: Ran) => void][] = [
    [
      'a clean site: one line, exit 0',
      ['site', 'check', '-i', clean],
      0,
      (r) => expect(r.out).to.equal(`${clean}: every setting is read by playbooks/ha-cluster.yml\n`),
    ],
    [
      'a site with warnings: grouped, each at its place, exit 0',
      ['site', 'check', '-i', misspelt],
      0,
      (r) =>
        expect(r.out).to.equal(
          `${misspelt} against playbooks/ha-cluster.yml:\n\n` +
            'unknown settings: nothing in the playbook reads them (1):\n' +
            `  ${join(misspelt, 'hosts')}:2:4: unknown setting k8s_nodname, read by nothing ` +
            '(did you mean k8s_nodename?)\n\n' +
            'kubeasz settings kplay does not honour (1):\n' +
            `  ${join(misspelt, 'hosts')}:7:1: kubeasz setting OS_HARDEN is not honoured by kplay: ` +
            'kplay does not harden the operating system\n\n' +
            'inventory warnings (1):\n' +
            `  ${join(misspelt, 'group_vars', 'kube-node')}: no group named "kube-node" in the inventory; ` +
            'ignored\n\n' +
            '3 warnings\n',
        ),
    ],
    [
      '--strict fails on warnings (exit 1)',
      ['site', 'check', '-i', misspelt, '--strict'],
      1,
      (r) => expect(r.out).to.match(/\n3 warnings \(--strict: failing\)\n$/),
    ],
    ['--strict passes a clean site', ['site', 'check', '-i', clean, '--strict'], 0, () => {}],
    [
      'several -i, and the playbook after them',
      ['site', 'check', '-i', clean, '-i', 'inventories/example', 'playbooks/ha-cluster.yml'],
      0,
      (r) => expect(r.out).to.match(/^\S+, inventories\/example against playbooks\/ha-cluster\.yml:\n/),
    ],
    [
      'the repository example against a stage playbook: the roles beside it count',
      ['site', 'check', '-i', 'inventories/example', 'playbooks/02.etcd.yml'],
      0,
      (r) => {
        expect(r.out).to.include('inventories/example/hosts:67:1: kubeasz setting cluster_dir is not honoured');
        expect(r.out).to.not.include('unknown setting');
      },
    ],
    [
      'a site that cannot be read is an error at its place (exit 4)',
      ['site', 'check', '-i', writeTree({ hosts: '[all:vars]\nnoequals\n' })],
      4,
      (r) => expect(r.err).to.match(/hosts:2:1: expected key=value in \[all:vars\], got "noequals"/),
    ],
    [
      'a site that is not there is an error (exit 1, as for kplay run)',
      ['site', 'check', '-i', 'no/such/site'],
      1,
      (r) => expect(r.err).to.include('inventory not found: no/such/site'),
    ],
    [
      'a playbook that is not there (exit 1)',
      ['site', 'check', '-i', clean, 'nope.yml'],
      1,
      (r) => expect(r.err).to.match(/nope\.yml/),
    ],
  ];
  for (const [what, args, code, check] of cases)
    it(what, async () => {
      const r = await kplay(...args);
      expect(r.code, r.err).to.equal(code);
      check(r);
    });
});

describe('kplay run: the site linter and unknown tags before any connection', function () {
  this.timeout(60_000);
  it("--tags naming no tag warns with the playbook's tags; the site is linted (it has the preflight role)", () => {
    const r = spawned(
      'run',
      'playbooks/ha-cluster.yml',
      '-i',
      'inventories/example',
      '--tags',
      'nosuchtag',
      '--syntax-check',
    );
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.include(
      `[WARNING]: tag 'nosuchtag' (--tags) matches nothing in playbooks/ha-cluster.yml (tags there: ${HA_TAGS})\n`,
    );
    // the kubeasz settings kplay does not honour, in one line that says where the list is
    expect(r.err).to.include(
      '[WARNING]: 1 kubeasz setting is not honoured by kplay (cluster_dir): ' +
        '`kplay site check -i inventories/example` says where and why\n',
    );
  });

  it('--skip-tags naming no tag warns too, with --list-tasks', async () => {
    const r = await kplay(
      'run',
      'playbooks/02.etcd.yml',
      '-i',
      'inventories/example-yaml',
      '--skip-tags',
      'etcd,nosuch',
      '--list-tasks',
    );
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.match(
      /\[WARNING\]: tag 'nosuch' \(--skip-tags\) matches nothing in playbooks\/02\.etcd\.yml \(tags there: /,
    );
    expect(r.err).to.not.include("tag 'etcd'");
  });

  it('a playbook without the preflight role: tags are checked, the site is not linted', async () => {
    const dir = writeTree({
      'pb.yml': '- hosts: all\n  tasks:\n    - debug: msg=1\n      tags: [a]\n',
      'site/hosts': '[g]\nn1 zz_unread=1\n',
    });
    const r = await kplay('run', join(dir, 'pb.yml'), '-i', join(dir, 'site'), '--tags', 'b', '--syntax-check');
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.include(`[WARNING]: tag 'b' (--tags) matches nothing in ${join(dir, 'pb.yml')} (tags there: a)`);
    expect(r.err).to.not.include('zz_unread');
  });
});
