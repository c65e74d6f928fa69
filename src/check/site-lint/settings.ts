// The settings a site makes, as a flat list the linter reads: every variable of the inventory (`[all:vars]`,
// `[group:vars]`, host lines, a YAML inventory's vars) and of its group_vars/ and host_vars/ files, each with
// where it applies and where it is written, and a kubeasz folder's config.yml. Kept apart from the checks so
// that settings read from elsewhere can be linted the same way: append them to this list.
import type { Loc } from '../../core/loc.js';
import { keyLoc } from '../../core/places.js';
import type { Inventory } from '../../inventory/inventory.js';

export interface SiteSetting {
  name: string;
  value: unknown;
  /** Where it applies, as people say it: `group all`, `host node1`, `group_vars/etcd`, `config.yml` ... */
  scope: string;
  /** Where its name is written (undefined for a setting made in code). */
  loc: Loc | undefined;
}

/** Every setting of a site, in the order the inventory was read (inventory files, then the vars folders). */
export function siteSettings(inv: Inventory): SiteSetting[] {
  const out: SiteSetting[] = [];
  const add = (vars: Record<string, unknown>, scope: string, loc: (k: string) => Loc | undefined) => {
    for (const name of Object.keys(vars)) out.push({ name, value: vars[name], scope, loc: loc(name) });
  };
  for (const g of inv.groups.values()) add(g.vars, `group ${g.name}`, (k) => g.varLocs.get(k));
  for (const h of inv.hosts.values()) add(h.vars, `host ${h.name}`, (k) => h.varLocs.get(k));
  for (const d of inv.varsDirs) {
    for (const [g, vars] of d.groups) add(vars, `group_vars/${g}`, (k) => keyLoc(vars, k));
    for (const [h, vars] of d.hosts) add(vars, `host_vars/${h}`, (k) => keyLoc(vars, k));
  }
  // kubeasz's config.yml (-e @config.yml): the cluster's settings
  for (const vars of inv.config?.parsed ?? []) add(vars, 'config.yml', (k) => keyLoc(vars, k));
  return out;
}
