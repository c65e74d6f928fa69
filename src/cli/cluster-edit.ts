// What the day-2 verbs that change a group share (`kplay cluster add-node`, `del-node`, `add-etcd`,
// `del-etcd`): the site's inventory read, a group found with the file that declares it, the host line added
// before a run (put back when the run is refused while loading, or with --check) or taken out after a run that
// succeeded, and the change shown as a diff (src/inventory/edit.ts keeps the rest of the file byte for byte).
import { readFileSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { KplayError, Problems } from '../core/errors.js';
import type { Output } from '../core/output.js';
import { addHost, removeHost } from '../inventory/edit.js';
import { groupHosts, loadInventory, type Inventory } from '../inventory/inventory.js';
import { verbRun, type VerbFlags } from './verb-run.js';
import { runCommand } from './run.js';

export interface HostVerb extends VerbFlags {
  site: string;
  host: string;
  vars?: string[];
}

/** A group of the site's inventory: its name (the first of `names` the inventory declares), its file, hosts. */
export interface SiteGroup {
  group: string;
  file: string;
  hosts: Set<string>;
}

/** The shipped playbook a verb runs, and the extra variables it is given. */
export interface VerbPlaybook {
  playbook: string;
  vars: Record<string, unknown>;
}

export function siteInventory(site: string): Inventory {
  const problems = new Problems();
  const inv = loadInventory([site], problems);
  problems.throwIfAny();
  return inv;
}

export const hostsOf = (inv: Inventory, groups: string[]) =>
  new Set(groups.filter((g) => inv.groups.has(g)).flatMap((g) => groupHosts(inv, g)));

/** The group (by any of its names) and the file that declares it. */
export function siteGroup(inv: Inventory, site: string, names: string[]): SiteGroup {
  for (const group of names) {
    const file = inv.groups.get(group)?.loc?.file;
    if (file) return { group, file, hosts: hostsOf(inv, [group]) };
  }
  throw new KplayError(`the site ${site} has no ${names[0]} group`, { code: 'INVENTORY', hint: `add [${names[0]}]` });
}

export function refuse(msg: string, hint: string): never {
  throw new KplayError(msg, { code: 'OPTIONS', hint });
}

function showChange(out: Output, file: string, before: string, after: string, json: boolean): void {
  if (json) return;
  out.print(createTwoFilesPatch(file, file, before, after, '', '', { context: 1 }).replace(/^=+\n/m, ''));
}

/** The host written into the group, then the playbook run; a run refused while loading (a thrown error, no host
 *  touched) puts the file back, and so does --check (the host was listed for the dry run only). */
export async function addThenRun(a: HostVerb, g: SiteGroup, pb: VerbPlaybook, out: Output): Promise<number> {
  const before = readFileSync(g.file, 'utf8');
  const after = addHost(g.file, before, g.group, a.host, a.vars ?? []);
  showChange(out, g.file, before, after, a.json === true);
  writeFileSync(g.file, after);
  let keep = a.check !== true;
  try {
    return await runCommand(verbRun(pb.playbook, a, pb.vars), out);
  } catch (e) {
    keep = false;
    throw e;
  } finally {
    if (!keep) writeFileSync(g.file, before);
  }
}

/** The playbook run with the host still listed; after a run that succeeded (not --check), the host leaves the
 *  group. A host kplay cannot take out of the file is refused before the run. */
export async function runThenRemove(a: HostVerb, g: SiteGroup, pb: VerbPlaybook, out: Output): Promise<number> {
  const before = readFileSync(g.file, 'utf8');
  const after = removeHost(g.file, before, g.group, a.host);
  const code = await runCommand(verbRun(pb.playbook, a, pb.vars), out);
  if (code === 0) showChange(out, g.file, before, after, a.json === true);
  if (code === 0 && a.check !== true) writeFileSync(g.file, after);
  return code;
}
