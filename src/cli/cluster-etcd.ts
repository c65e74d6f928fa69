// `kplay cluster add-etcd SITE HOST [KEY=VALUE...]` and `del-etcd SITE HOST` (kubeasz's ezctl add-etcd and
// del-etcd): add-etcd lists the host in the etcd group, then runs 21.addetcd.yml; del-etcd runs 31.deletcd.yml
// with the host still listed, and takes it out after a run that succeeded (cluster-edit.ts). An even number of
// members left is refused without --force, here for add-etcd (before the file is touched), by the playbook
// for del-etcd (with the quorum, which only the members can tell).
import type { Output } from '../core/output.js';
import { addThenRun, refuse, runThenRemove, siteGroup, siteInventory, type HostVerb } from './cluster-edit.js';

export interface EtcdVerb extends HostVerb {
  force?: boolean;
}

const etcdGroup = (a: EtcdVerb) => siteGroup(siteInventory(a.site), a.site, ['etcd']);
const forced = (a: EtcdVerb) => (a.force === true ? { force: true } : {});

export async function addEtcd(a: EtcdVerb, out: Output): Promise<number> {
  const g = etcdGroup(a);
  if (g.hosts.has(a.host))
    refuse(
      `${a.host} is already in ${g.group}`,
      `run playbooks/21.addetcd.yml -e NODE_TO_ADD=${a.host} to finish adding it`,
    );
  if (g.hosts.size === 0)
    refuse(`${g.group} of ${g.file} has no members to join`, 'run playbooks/ha-cluster.yml first');
  if ((g.hosts.size + 1) % 2 === 0 && a.force !== true)
    refuse(
      `with ${a.host} etcd would have ${g.hosts.size + 1} members, an even number`,
      'it tolerates no more failures than one less: add two, one after the other, or pass --force',
    );
  return addThenRun(a, g, { playbook: '21.addetcd.yml', vars: { NODE_TO_ADD: a.host, ...forced(a) } }, out);
}

export async function delEtcd(a: EtcdVerb, out: Output): Promise<number> {
  const g = etcdGroup(a);
  if (!g.hosts.has(a.host))
    refuse(`${a.host} is not in ${g.group} of ${g.file}`, `the members: ${[...g.hosts].join(', ')}`);
  return runThenRemove(a, g, { playbook: '31.deletcd.yml', vars: { ETCD_TO_DEL: a.host, ...forced(a) } }, out);
}
