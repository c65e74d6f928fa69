// `kplay cluster add-node SITE HOST [KEY=VALUE...]` and `del-node SITE HOST` (kubeasz's ezctl add-node and
// del-node): add-node lists the host in kube_node, then runs 22.addnode.yml; del-node runs 32.delnode.yml with
// the host still listed, and takes it out after a run that succeeded (cluster-edit.ts). Masters are refused.
import type { Output } from '../core/output.js';
import { addThenRun, hostsOf, refuse, runThenRemove, siteGroup, siteInventory, type HostVerb } from './cluster-edit.js';
import { MASTER_GROUPS } from './cluster-masters.js';

const NODE_GROUPS = ['kube_node', 'kube-node'];

/** The site's workers' group; a master is refused (add-master and del-master are its verbs). */
function workers(a: HostVerb, does: string) {
  const inv = siteInventory(a.site);
  if (hostsOf(inv, MASTER_GROUPS).has(a.host))
    refuse(`${a.host} is a master: ${does} workers`, 'kplay cluster add-master and del-master are for masters');
  return { ...siteGroup(inv, a.site, NODE_GROUPS), hosts: hostsOf(inv, NODE_GROUPS) };
}

export async function addNode(a: HostVerb, out: Output): Promise<number> {
  const g = workers(a, 'add-node adds');
  if (g.hosts.has(a.host))
    refuse(
      `${a.host} is already in ${g.group}`,
      `run playbooks/22.addnode.yml -e NODE_TO_ADD=${a.host} to set it up again`,
    );
  return addThenRun(a, g, { playbook: '22.addnode.yml', vars: { NODE_TO_ADD: a.host } }, out);
}

export async function delNode(a: HostVerb, out: Output): Promise<number> {
  const g = workers(a, 'del-node removes');
  if (!g.hosts.has(a.host))
    refuse(`${a.host} is not in ${g.group} of ${g.file}`, `the workers: ${[...g.hosts].join(', ')}`);
  return runThenRemove(a, g, { playbook: '32.delnode.yml', vars: { NODE_TO_DEL: a.host } }, out);
}
