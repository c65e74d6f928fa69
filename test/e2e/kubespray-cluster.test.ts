// The HA cluster from an inventory in Kubespray's shape, on 5 lab hosts: hosts named, with ansible_host, ip and
// access_ip; kube_control_plane (3 masters, also etcd), kube_node (the third master and the 2 others),
// calico_rr (one worker), k8s_cluster:children; no ex_lb (so no VIP). Same stand-ins as ha-cluster.test.ts.
// The lab's hosts have one address each, so ip and access_ip are that address: the unit test
// (test/playbook/kubespray-inventory.test.ts) shows where each of them goes when they differ.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kubeBinDir } from '../support/kube-bin.js';
import { clusterVars, writeClusterSite } from './cluster-site.js';
import { checkedRun, kplay, totalChanged, type KplayRun } from './support.js';

/** The lab as Kubespray writes an inventory: [all] with the addresses, then the groups by name. */
function kubesprayHosts(lab: LabHandle): string {
  const h = lab.hosts.slice(0, 5);
  const names = h.map((x) => x.name);
  return [
    '# the lab as a Kubespray inventory',
    '[all]',
    ...h.map((x) => `${x.name} ansible_host=${x.ip} ip=${x.ip} access_ip=${x.ip}`),
    '',
    '[kube_control_plane]',
    ...names.slice(0, 3),
    '',
    '[etcd]',
    ...names.slice(0, 3),
    '',
    '[kube_node]',
    ...names.slice(2),
    '',
    '[calico_rr]',
    names[4],
    '',
    '[k8s_cluster:children]',
    'kube_control_plane',
    'kube_node',
    'calico_rr',
    '',
    '[all:vars]',
    ...Object.entries(clusterVars()).map(([k, v]) => `${k}="${v}"`),
    '',
  ].join('\n');
}

describe('@lab HA cluster from a Kubespray inventory (ha-cluster.yml on 5 hosts)', () => {
  let lab: LabHandle;
  let site: string;
  const play = (pb: string, extra: string[] = []) => kplay(['run', `playbooks/${pb}`, '-i', site, '--json', ...extra]);
  const ok = (r: KplayRun) =>
    expect(
      r.code,
      r.stderr +
        r.events
          .filter((e) => e.type === 'host_result' && e.status === 'failed')
          .map((e) => `\n${e.host} ${e.task}: ${JSON.stringify(e.result ?? e.msg).slice(0, 600)}`)
          .join(''),
    ).to.equal(0);
  const name = (i: number) => lab.hosts[i]!.name;
  const ip = (i: number) => lab.hosts[i]!.ip;

  before(async function () {
    lab = await useLab(this, { count: 5 });
    this.timeout(900_000); // the clean run after a fresh boot of the lab is slow
    site = writeClusterSite(lab, 'ini', await kubeBinDir());
    writeFileSync(join(site, 'hosts'), kubesprayHosts(lab));
    await play('99.clean.yml');
  });

  after(async function () {
    this.timeout(300_000);
    if (site) await play('99.clean.yml');
  });

  it('ha-cluster.yml completes, as --check predicted, and says calico_rr is left alone', async function () {
    this.timeout(900_000);
    const r = await checkedRun(['run', 'playbooks/ha-cluster.yml', '-i', site, '--json']);
    ok(r);
    expect(r.stderr).to.include('Could not match supplied host pattern, ignoring: ex_lb');
    const note = r.events.find(
      (e) => e.type === 'host_result' && String(e.task).endsWith('calico_rr hosts are left alone'),
    );
    expect(JSON.stringify(note?.show)).to.include(`calico_rr (${name(4)}): kplay sets up no calico route reflectors`);
    // the control plane ran on the three masters only; the workers' play on the two others
    const ran = (task: string) =>
      [...new Set(r.events.filter((e) => e.type === 'host_result' && e.task === task).map((e) => e.host))].sort();
    expect(ran('kube-master : Write the kube-apiserver unit')).to.deep.equal([name(0), name(1), name(2)].sort());
  });

  it('etcd is healthy on every member; member names and peer URLs from access_ip', async function () {
    this.timeout(60_000);
    const tls =
      '--cacert=/etc/kubernetes/ssl/ca.pem --cert=/etc/kubernetes/ssl/etcd.pem --key=/etc/kubernetes/ssl/etcd-key.pem';
    for (const i of [0, 1, 2]) {
      const r = await lab.exec(
        name(i),
        `/opt/kube/bin/etcdctl --endpoints=https://${ip(i)}:2379 ${tls} endpoint health`,
      );
      expect(r.stdout + r.stderr).to.match(/is healthy/);
    }
    const members = await lab.exec(
      name(0),
      `/opt/kube/bin/etcdctl --endpoints=https://${ip(0)}:2379 ${tls} member list`,
    );
    for (const i of [0, 1, 2]) expect(members.stdout).to.include(`etcd-${ip(i)}, https://${ip(i)}:2380`);
  });

  it("a worker's kube-lb reaches the masters' apiservers, and the certificate verifies through it", async function () {
    this.timeout(60_000);
    const conf = await lab.exec(name(3), 'cat /etc/kube-lb/kube-lb.conf');
    for (const i of [0, 1, 2]) expect(conf.stdout).to.include(`server ${ip(i)}:6443 `);
    const s = await lab.exec(
      name(3),
      'openssl s_client -connect 127.0.0.1:6443 -CAfile /etc/kubernetes/ssl/ca.pem -verify_return_error ' +
        '-verify_ip 127.0.0.1 </dev/null 2>&1',
    );
    expect(s.stdout).to.match(/Verify return code: 0 \(ok\)/);
  });

  it('a second run changes nothing', async function () {
    this.timeout(600_000);
    const r = await play('ha-cluster.yml');
    ok(r);
    expect(totalChanged(r)).to.equal(0);
  });
});
