// The shipped HA cluster's cluster-wide variables (playbooks/roles/kplay-defaults and the roles' defaults) for a
// kubeasz site with no config.yml: kubeasz's names and rules hold without one.
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import type { Vars } from '../../src/core/types.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { flatten } from '../../src/playbook/listing.js';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { renderString } from '../../src/template/template.js';
import { newRunVars, taskVars } from '../../src/vars/context.js';
import { writeTree } from '../support/tree.js';

describe('the HA cluster variables of a kubeasz site', () => {
  const dir = writeTree({});
  const base = join(dir, 'kubeasz'); // kubeasz's base_dir, with its bin/
  mkdirSync(join(base, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'site'));
  writeFileSync(
    join(dir, 'site', 'hosts'),
    "[etcd]\n10.1.0.1\n\n[kube_master]\n10.1.0.1 k8s_nodename='Master_01'\n\n" +
      "[kube_node]\n10.1.0.4\nnode5 ansible_host=10.1.0.5\n\n[all:vars]\nk8s_nodename=''\n" +
      `base_dir="${base}"\nMASTER_CERT_HOSTS=["k8s.example.org"]\nCERT_EXPIRY="48h"\n`,
  );
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'site')], problems);
  problems.throwIfAny();
  const pb = loadPlaybook('playbooks/ha-cluster.yml');
  const hosts = ['10.1.0.1', '10.1.0.4', 'node5'];
  const playOf = (role: string) => pb.plays.find((p) => (p.roles ?? []).some((r) => r.name === role))!;
  const vars = (role: string, taskName: string, host: string): { v: Vars; task: ReturnType<typeof flatten>[0] } => {
    const play = playOf(role);
    const task = flatten(play.tasks).find((t) => t.name?.includes(taskName))!;
    return { v: taskVars(newRunVars(inv, {}, pb.dir, false), play, task, host, hosts), task };
  };

  const names: [string, string][] = [
    ['10.1.0.1', 'master-01'], // k8s_nodename: '_' made '-', lower-cased
    ['10.1.0.4', 'k8s-10-1-0-4'], // none: k8s-<inventory name, dots made dashes>
    ['node5', 'k8s-node5'],
  ];
  for (const [host, want] of names)
    it(`names ${host} ${want}, as kubeasz does`, () =>
      expect(vars('prepare', '/etc/hosts', host).v.K8S_NODENAME).to.equal(want));

  it('lists every cluster host with its node name in the /etc/hosts block', () => {
    const { v, task } = vars('prepare', '/etc/hosts', '10.1.0.4');
    const block = renderString(String((task as { args?: Vars }).args?.block), { vars: v, host: '10.1.0.4' });
    expect(block).to.equal('10.1.0.1 master-01\n10.1.0.4 k8s-10-1-0-4\n10.1.0.5 k8s-node5\n');
  });

  it("reads kubeasz's names: MASTER_CERT_HOSTS, CERT_EXPIRY, CONTEXT_NAME; bin_src from base_dir/bin", () => {
    const { v } = vars('pki', 'kubelet certificate', '10.1.0.1');
    expect(v.apiserver_sans).to.include('k8s.example.org').and.include('10.1.0.1');
    expect([v.pki_cert_days, v.pki_ca_days]).to.deep.equal([2, 36500]);
    expect(v.CONTEXT_NAME).to.equal('context-cluster1');
    expect(v.bin_src).to.equal(join(base, 'bin')); // the site has no bin/ of its own
  });

  it("keeps the PKI in the site's pki/, or in kubeasz's ssl/ when the site has one", () => {
    expect(vars('pki', 'kubelet certificate', '10.1.0.1').v.pki_dir).to.equal(join(dir, 'site', 'pki'));
    mkdirSync(join(dir, 'site', 'ssl'));
    expect(vars('pki', 'kubelet certificate', '10.1.0.1').v.pki_dir).to.equal(join(dir, 'site', 'ssl'));
  });
});
