// A kubeasz cluster folder as it is: `hosts` plus `config.yml`, which kubeasz passes as `-e @config.yml`. kplay
// reads it from the site folder (or the folder of an -i hosts file) at that precedence: above every inventory
// variable, below the command line's -e, and in hostvars as Ansible shows extra vars there.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { flatten } from '../../src/playbook/listing.js';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { newRunVars, taskVars } from '../../src/vars/context.js';
import { parseExtraVars } from '../../src/vars/vars.js';
import type { Vars } from '../../src/core/types.js';
import { planFiles } from '../../src/cli/plan-files.js';
import { writeTree } from '../support/tree.js';

describe("a kubeasz cluster folder's config.yml", () => {
  const dir = writeTree({
    'c/hosts':
      "[kube_node]\n10.0.0.1 k8s_nodename='w1'\n10.0.0.2\n\n" +
      '[all:vars]\nk8s_nodename=\'\'\nCLUSTER_NETWORK="flannel"\nMAX_PODS=10\n',
    'c/group_vars/all.yml': 'PROXY_MODE: ipvs\n',
    'c/config.yml':
      'PROXY_MODE: "nftables"\nMAX_PODS: 110\n' +
      // kubeasz's node-name rule as its config.yml writes it: a double-quoted scalar continued with backslashes
      "K8S_NODENAME: \"{%- if k8s_nodename != '' -%} \\\n    {{ k8s_nodename|lower }} \\\n" +
      "  {%- else -%} \\\n    k8s-{{ inventory_hostname|replace('.', '-') }} \\\n  {%- endif -%}\"\n",
    'site.yml': '- hosts: kube_node\n  tasks:\n    - debug: msg=x\n',
    'bad/hosts': '[kube_node]\n10.0.0.1\n',
    'bad/config.yml': '- a list\n',
  });
  const pb = loadPlaybook(join(dir, 'site.yml'));
  const play = pb.plays[0]!;
  const task = flatten(play.tasks)[0]!;
  const varsOf = (inventory: string, extra: string[], host: string) => {
    const problems = new Problems();
    const inv = loadInventory([join(dir, inventory)], problems);
    problems.throwIfAny();
    return taskVars(newRunVars(inv, parseExtraVars(extra), dir, false), play, task, host, [host]);
  };

  const cases: { name: string; inventory: string; extra: string[]; host: string; want: Vars }[] = [
    {
      name: 'the folder: config.yml wins over [all:vars] and group_vars',
      inventory: 'c',
      extra: [],
      host: '10.0.0.1',
      want: { PROXY_MODE: 'nftables', MAX_PODS: 110, CLUSTER_NETWORK: 'flannel', K8S_NODENAME: 'w1' },
    },
    {
      name: "the hosts file given as -i: config.yml is read from its folder; kubeasz's name rule",
      inventory: 'c/hosts',
      extra: [],
      host: '10.0.0.2',
      want: { PROXY_MODE: 'nftables', K8S_NODENAME: 'k8s-10-0-0-2' },
    },
    {
      name: 'the command line -e wins over config.yml',
      inventory: 'c',
      extra: ['PROXY_MODE=iptables'],
      host: '10.0.0.1',
      want: { PROXY_MODE: 'iptables', MAX_PODS: 110 },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const v = varsOf(c.inventory, c.extra, c.host);
      for (const [k, want] of Object.entries(c.want)) expect(v[k], k).to.deep.equal(want);
    });

  it('is not read as an inventory, and hostvars of another host show its settings (as Ansible shows -e there)', () => {
    const v = varsOf('c', [], '10.0.0.1');
    const hv = v.hostvars as Record<string, Vars>;
    expect(Object.keys(hv)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    expect(hv['10.0.0.2']!.K8S_NODENAME).to.equal('k8s-10-0-0-2');
    expect(hv['10.0.0.2']!.MAX_PODS).to.equal(110);
  });

  it('must be a mapping: the problem names the file', () => {
    const problems = new Problems();
    loadInventory([join(dir, 'bad')], problems);
    expect(problems.list.map((p) => p.message)).to.deep.equal([
      `${join(dir, 'bad', 'config.yml')} must hold a mapping of settings (kubeasz's config.yml)`,
    ]);
  });

  it('is one of the files a plan is made from (kplay apply refuses a plan when it changed)', () => {
    for (const inventory of ['c', 'c/hosts'])
      expect(Object.keys(planFiles(join(dir, 'site.yml'), [join(dir, inventory)]))).to.include(
        join(dir, 'c', 'config.yml'),
      );
  });
});
