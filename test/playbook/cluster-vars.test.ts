// The shipped HA cluster's cluster-wide variables (playbooks/roles/kplay-defaults and the roles' defaults) for a
// kubeasz site with no config.yml: kubeasz's names and rules hold without one; calico's modes, the addons'
// switches and fetch-bin's download list follow the settings.
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
  const vars = (
    role: string,
    taskName: string,
    host: string,
    extra: Vars = {},
  ): { v: Vars; task: ReturnType<typeof flatten>[0] } => {
    const play = playOf(role);
    const task = flatten(play.tasks).find((t) => t.name?.includes(taskName))!;
    return { v: taskVars(newRunVars(inv, extra, pb.dir, false), play, task, host, hosts), task };
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

  // calico's pool modes: [CALICO_NETWORKING_BACKEND, CALICO_ENABLE_OVERLAY] -> [IP-in-IP, VXLAN, CLUSTER_TYPE]
  const CALICO: [Vars, string[]][] = [
    [{}, ['Always', 'Never']],
    [{ CALICO_ENABLE_OVERLAY: 'CrossSubnet' }, ['CrossSubnet', 'Never']],
    [{ CALICO_NETWORKING_BACKEND: 'vxlan' }, ['Never', 'Always']],
    [{ CALICO_NETWORKING_BACKEND: 'vxlan', CALICO_ENABLE_OVERLAY: 'CrossSubnet' }, ['Never', 'CrossSubnet']],
    [{ CALICO_NETWORKING_BACKEND: 'none' }, ['Never', 'Never']],
    [{ CALICO_IPV4POOL_IPIP: 'Never' }, ['Never', 'Never']], // kubeasz's older name, set itself
  ];
  for (const [extra, want] of CALICO)
    it(`calico with ${JSON.stringify(extra)}: IP-in-IP ${want[0]}, VXLAN ${want[1]}`, () => {
      const { v } = vars('network', 'CNI config', '10.1.0.4', { CLUSTER_NETWORK: 'calico', ...extra });
      expect([v.CALICO_IPV4POOL_IPIP, v.CALICO_IPV4POOL_VXLAN]).to.deep.equal(want);
      expect(v.IP_AUTODETECTION_METHOD).to.equal('can-reach=10.1.0.1'); // the first master
    });

  // the addons' switches: [settings] -> [addons on, the kubelets' DNS server]
  const ADDONS: [Vars, string[], string][] = [
    [{}, ['coredns', 'nodelocaldns', 'metrics-server'], '169.254.20.10'],
    [
      { ENABLE_LOCAL_DNS_CACHE: 'false', headlamp_install: 'yes' },
      ['coredns', 'metrics-server', 'headlamp'],
      '10.68.0.2',
    ],
    [{ dns_install: 'no', metricsserver_install: 'no' }, [], '10.68.0.2'],
    [
      { local_path_provisioner_install: true, LOCAL_DNS_CACHE: '169.254.0.9' },
      ['coredns', 'nodelocaldns'].concat(['metrics-server', 'local-path-provisioner']),
      '169.254.0.9',
    ],
  ];
  for (const [extra, on, dns] of ADDONS)
    it(`addons with ${JSON.stringify(extra)}: ${on.join(', ') || 'none'}; pods ask ${dns}`, () => {
      expect(vars('addons', 'addon manifests', '10.1.0.1', extra).v.addons_on).to.deep.equal(on);
      expect(vars('kube-node', 'kubelet', '10.1.0.4', extra).v.kubelet_cluster_dns).to.equal(dns);
    });

  it('fetch-bin downloads every file the roles push; the calico plugins only for calico', () => {
    const fetch = loadPlaybook('playbooks/fetch-bin.yml');
    const dests = (extra: Vars) => {
      const play = fetch.plays[0]!;
      const task = flatten(play.tasks)[0];
      const v = taskVars(newRunVars(inv, extra, fetch.dir, false), play, task, 'localhost', ['localhost']);
      return { dests: (v.bin_downloads as { dest: string }[]).map((d) => d.dest), bins: v.cluster_bins as Vars };
    };
    const flannel = dests({});
    const calico = dests({ CLUSTER_NETWORK: 'calico' });
    const pushed = (bins: Vars, names: string[]) => names.flatMap((n) => bins[n] as string[]);
    const roles = ['etcd', 'runtime', 'kube-master', 'kube-node', 'network'];
    expect(flannel.dests).to.include.members(pushed(flannel.bins, roles)).and.not.include('cni-bin/calico');
    expect(calico.dests).to.include.members(pushed(calico.bins, [...roles, 'calico']));
    expect(calico.dests.filter((d) => !flannel.dests.includes(d))).to.deep.equal([
      'cni-bin/calico',
      'cni-bin/calico-ipam',
    ]);
  });
});
