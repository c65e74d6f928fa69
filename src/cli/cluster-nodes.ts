// `kplay cluster add-node SITE HOST [KEY=VALUE...]` and `del-node SITE HOST` (kubeasz's ezctl add-node and
// del-node): the site's inventory file is edited (one host line in kube_node, the rest of the file byte for
// byte) and the change shown; add-node writes it, then runs 22.addnode.yml (a run refused while loading puts
// the file back); del-node runs 32.delnode.yml with the host still listed, and takes it out after a run that
// succeeded. With --check the inventory is left as it was: add-node lists the host for the dry run only.
import { readFileSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { KplayError, Problems } from '../core/errors.js';
import type { Output } from '../core/output.js';
import { addHost, removeHost } from '../inventory/edit.js';
import { groupHosts, loadInventory, type Inventory } from '../inventory/inventory.js';
import { verbRun, type VerbFlags } from './verb-run.js';
import { runCommand } from './run.js';

const NODE_GROUPS = ['kube_node', 'kube-node'];
const MASTER_GROUPS = ['kube_master', 'kube_control_plane', 'kube-master'];

export interface NodeVerb extends VerbFlags {
  site: string;
  host: string;
  vars?: string[];
}

function siteInventory(site: string): Inventory {
  const problems = new Problems();
  const inv = loadInventory([site], problems);
  problems.throwIfAny();
  return inv;
}

/** The workers' group and the file that declares it. */
function nodeGroup(inv: Inventory, site: string): { group: string; file: string } {
  for (const group of NODE_GROUPS) {
    const file = inv.groups.get(group)?.loc?.file;
    if (file) return { group, file };
  }
  throw new KplayError(`the site ${site} has no kube_node group`, { code: 'INVENTORY', hint: 'add [kube_node]' });
}

const hostsOf = (inv: Inventory, groups: string[]) =>
  new Set(groups.filter((g) => inv.groups.has(g)).flatMap((g) => groupHosts(inv, g)));

function refuse(msg: string, hint: string): never {
  throw new KplayError(msg, { code: 'OPTIONS', hint });
}

function showChange(out: Output, file: string, before: string, after: string, json: boolean): void {
  if (json) return;
  out.print(createTwoFilesPatch(file, file, before, after, '', '', { context: 1 }).replace(/^=+\n/m, ''));
}

/** The site's workers' group, its file and its hosts; a master is refused (kplay's verbs handle workers only,
 *  kubeasz's 23.addmaster.yml and 33.delmaster.yml have no kplay twin yet). */
function workerSite(a: NodeVerb, does: string): { group: string; file: string; workers: Set<string> } {
  const inv = siteInventory(a.site);
  if (hostsOf(inv, MASTER_GROUPS).has(a.host))
    refuse(`${a.host} is a master: ${does} workers`, 'kplay adds and removes workers only so far');
  return { ...nodeGroup(inv, a.site), workers: hostsOf(inv, NODE_GROUPS) };
}

export async function addNode(a: NodeVerb, out: Output): Promise<number> {
  const { group, file, workers } = workerSite(a, 'add-node adds');
  if (workers.has(a.host))
    refuse(
      `${a.host} is already in ${group}`,
      `run playbooks/22.addnode.yml -e NODE_TO_ADD=${a.host} to set it up again`,
    );
  const before = readFileSync(file, 'utf8');
  const after = addHost(file, before, group, a.host, a.vars ?? []);
  showChange(out, file, before, after, a.json === true);
  writeFileSync(file, after);
  let keep = a.check !== true;
  try {
    return await runCommand(verbRun('22.addnode.yml', a, { NODE_TO_ADD: a.host }), out);
  } catch (e) {
    keep = false; // refused before any host was touched: the inventory is put back
    throw e;
  } finally {
    if (!keep) writeFileSync(file, before);
  }
}

export async function delNode(a: NodeVerb, out: Output): Promise<number> {
  const { group, file, workers } = workerSite(a, 'del-node removes');
  if (!workers.has(a.host))
    refuse(`${a.host} is not in ${group} of ${file}`, `the workers: ${[...workers].join(', ')}`);
  const before = readFileSync(file, 'utf8');
  const after = removeHost(file, before, group, a.host); // a host kplay cannot take out is refused before the run
  const code = await runCommand(verbRun('32.delnode.yml', a, { NODE_TO_DEL: a.host }), out);
  if (code === 0) showChange(out, file, before, after, a.json === true);
  if (code === 0 && a.check !== true) writeFileSync(file, after);
  return code;
}
