// What a plan file holds of the run besides the plan: its arguments, and a digest of the playbook and inventory
// files it was made from (apply refuses a plan whose files changed since).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CLUSTER_CONFIG } from '../inventory/site-files.js';
import { KplayError } from '../core/errors.js';
import { sha } from '../exec/planfile/digest.js';

/** The playbook file, and the inventory's files (a site folder: its hosts files, kubeasz's config.yml and
 *  group_vars/host_vars; not its .env, whose secrets a plan never holds, nor what runs write there: pki/, .kplay/). */
export function planFiles(playbook: string, inventories: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (p: string) => (out[p] = sha(readFileSync(p)));
  add(resolve(playbook));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) add(p);
    }
  };
  for (const inv of inventories.map((i) => resolve(i))) {
    if (!statSync(inv).isDirectory()) {
      add(inv);
      const config = join(dirname(inv), CLUSTER_CONFIG);
      if (existsSync(config)) add(config);
      continue;
    }
    for (const e of readdirSync(inv, { withFileTypes: true })) {
      const p = join(inv, e.name);
      if (e.isFile() && (/^(hosts|inventory)(\.ya?ml|\.ini)?$/.test(e.name) || e.name === CLUSTER_CONFIG)) add(p);
      else if (e.isDirectory() && (e.name === 'group_vars' || e.name === 'host_vars')) walk(p);
    }
  }
  return out;
}

/** Refuses a plan whose files are not as they were planned. */
export function checkPlanFiles(planned: Record<string, string>, now: Record<string, string>): void {
  const changed = [...new Set([...Object.keys(planned), ...Object.keys(now)])].filter((f) => planned[f] !== now[f]);
  if (changed.length)
    throw new KplayError(`the plan was made from other files than there are now: ${changed.join(', ')}`, {
      code: 'PLAN_FILE',
      hint: 'make a new plan (kplay run ... --check --plan-out FILE)',
    });
}
