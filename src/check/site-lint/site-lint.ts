// The site linter, `kplay site check` and the start of a run whose playbook uses kplay's preflight role:
// every setting of the site (settings.ts) against what the playbook knows (known.ts), before any connection.
// Its findings are warnings: a setting nobody reads does no harm to the run, it is only not what the site meant.
import type { Playbook } from '../../core/types.js';
import type { Inventory } from '../../inventory/inventory.js';
import { knownNames } from './known.js';
import { type Finding, lintSettings } from './lint.js';
import { type SiteSetting, siteSettings } from './settings.js';

export type { Finding } from './lint.js';
export { formatFinding } from './lint.js';
export type { SiteSetting } from './settings.js';
export { siteSettings } from './settings.js';

/** The findings for a site's settings (and `more`, settings read from elsewhere) against a playbook. */
export function lintSite(inv: Inventory, pb: Playbook, more: SiteSetting[] = []): Finding[] {
  return lintSettings([...siteSettings(inv), ...more], knownNames(pb));
}

/** Does the playbook run kplay's preflight role (the HA cluster's playbooks do)? Then `kplay run` lints the site. */
export function usesPreflight(pb: Playbook): boolean {
  return pb.plays.some((p) => p.roles.some((r) => r.name === 'preflight'));
}
