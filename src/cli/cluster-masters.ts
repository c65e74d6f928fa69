// `kplay cluster add-master SITE HOST [KEY=VALUE...]` and `del-master SITE HOST` (kubeasz's ezctl add-master and
// del-master): add-master lists the host in the masters' group, then runs 23.addmaster.yml; del-master runs
// 33.delmaster.yml with the host still listed, and takes it out after a run that succeeded (cluster-edit.ts).
// The last master is refused: 99.clean.yml removes a whole cluster.
import type { Output } from '../core/output.js';
import { addThenRun, refuse, runThenRemove, siteGroup, siteInventory, type HostVerb } from './cluster-edit.js';

export const MASTER_GROUPS = ['kube_master', 'kube_control_plane', 'kube-master'];

const mastersOf = (a: HostVerb) => siteGroup(siteInventory(a.site), a.site, MASTER_GROUPS);

export async function addMaster(a: HostVerb, out: Output): Promise<number> {
  const g = mastersOf(a);
  if (g.hosts.has(a.host))
    refuse(
      `${a.host} is already in ${g.group}`,
      `run playbooks/23.addmaster.yml -e NODE_TO_ADD=${a.host} to set it up again`,
    );
  if (g.hosts.size === 0)
    refuse(`${g.group} of ${g.file} has no running master to join`, 'run playbooks/ha-cluster.yml first');
  return addThenRun(a, g, { playbook: '23.addmaster.yml', vars: { NODE_TO_ADD: a.host } }, out);
}

export async function delMaster(a: HostVerb, out: Output): Promise<number> {
  const g = mastersOf(a);
  if (!g.hosts.has(a.host))
    refuse(`${a.host} is not in ${g.group} of ${g.file}`, `the masters: ${[...g.hosts].join(', ')}`);
  if (g.hosts.size === 1) refuse(`${a.host} is the last master`, 'playbooks/99.clean.yml removes a whole cluster');
  return runThenRemove(a, g, { playbook: '33.delmaster.yml', vars: { NODE_TO_DEL: a.host } }, out);
}
