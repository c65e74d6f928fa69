// A kubeasz cluster folder (`hosts` + `config.yml`), run by kplay as `-i FOLDER` and by Debian's ansible-playbook
// as kubeasz runs it (`-i FOLDER/hosts -e @FOLDER/config.yml`): every host sees the same values, through its own
// variables and through hostvars, with kubeasz's own node-name rule from config.yml. And the difference kplay
// makes on purpose (docs/ansible-differences.md): Ansible given the folder reads config.yml as an inventory,
// skips each of its settings with a warning and runs without them; kplay reads it as kubeasz's settings.
// On the controller only (connection: local), no lab host.
import { expect } from 'chai';
import { join } from 'node:path';
import { kplay } from '../e2e/support.js';
import { writeTree } from '../support/tree.js';
import { ansiblePlaybook } from './ansible.js';

const SITE: Record<string, string> = {
  'c/hosts':
    "[etcd]\n10.9.0.1\n\n[kube_master]\n10.9.0.1 k8s_nodename='Master_01'\n\n[kube_node]\n10.9.0.4\n10.9.0.5\n\n" +
    '[all:vars]\nPROXY_MODE="iptables"\nMAX_PODS=10\nk8s_nodename=\'\'\n',
  'c/group_vars/kube_node.yml': 'MAX_PODS: 20\n',
  'c/config.yml':
    'PROXY_MODE: "nftables"\nCLUSTER_NAME: "c1"\nCONTEXT_NAME: "context-{{ CLUSTER_NAME }}"\n' +
    "K8S_NODENAME: \"{%- if k8s_nodename != '' -%} \\\n    {{ k8s_nodename|replace('_', '-')|lower }} \\\n" +
    "  {%- else -%} \\\n    k8s-{{ inventory_hostname|replace('.', '-') }} \\\n  {%- endif -%}\"\n",
  'site.yml':
    '- hosts: kube_master:kube_node\n  gather_facts: false\n  connection: local\n  tasks:\n' +
    "    - name: show\n      debug:\n        msg: \"{{ PROXY_MODE }} {{ MAX_PODS | default('-') }} " +
    "{{ CONTEXT_NAME | default('-') }} {{ K8S_NODENAME | default('-') }} " +
    "{{ hostvars['10.9.0.5']['K8S_NODENAME'] | default('-') }}\"\n",
};

type Shown = Record<string, string>;

async function ansibleShows(dir: string, inventory: string[]): Promise<{ shown: Shown; stderr: string }> {
  const r = await ansiblePlaybook([...inventory, 'site.yml'], dir);
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
    plays: { tasks: { hosts: Record<string, { msg?: string }> }[] }[];
  };
  const task = out.plays[0]!.tasks[0]!;
  return {
    shown: Object.fromEntries(Object.entries(task.hosts).map(([h, x]) => [h, String(x.msg)])),
    stderr: r.stderr,
  };
}

async function kplayShows(dir: string): Promise<Shown> {
  const r = await kplay(['run', 'site.yml', '-i', 'c', '--json'], { cwd: dir });
  expect(r.code, r.stderr + r.stdout.slice(-2000)).to.equal(0);
  const shown: Shown = {};
  for (const e of r.events)
    if (e.type === 'host_result')
      shown[String(e.host)] = String((e.result as { msg?: unknown } | undefined)?.msg ?? e.msg);
  return shown;
}

describe('@parity a kubeasz cluster folder: kplay -i FOLDER as kubeasz runs Ansible', () => {
  it('the same values on every host as ansible-playbook -i hosts -e @config.yml', async function () {
    this.timeout(120_000);
    const dir = writeTree(SITE);
    const ansible = await ansibleShows(dir, ['-i', join('c', 'hosts'), '-e', `@${join('c', 'config.yml')}`]);
    expect(ansible.shown['10.9.0.1']).to.equal('nftables 10 context-c1 master-01 k8s-10-9-0-5');
    expect(await kplayShows(dir)).to.deep.equal(ansible.shown);
  });

  it('differs on purpose: Ansible given the folder skips config.yml with a warning per setting', async function () {
    this.timeout(120_000);
    const dir = writeTree(SITE);
    const ansible = await ansibleShows(dir, ['-i', 'c']);
    expect(ansible.stderr).to.match(/Skipping 'PROXY_MODE' as this is not a valid group definition/);
    expect(ansible.shown['10.9.0.4']).to.equal('iptables 20 - - -');
    expect((await kplayShows(dir))['10.9.0.4']).to.equal('nftables 20 context-c1 k8s-10-9-0-4 k8s-10-9-0-5');
  });
});
