// The site linter, `kplay site check` and the start of a run whose playbook uses kplay's preflight role:
// every setting of the site (settings.ts) against what the playbook knows (known.ts), before any connection.
// Its findings are warnings: a setting nobody reads does no harm to the run, it is only not what the site meant.
import type { Playbook } from '../../core/types.js';
import type { Inventory } from '../../inventory/inventory.js';
import { knownNames } from './known.js';
import { type Finding, lintSettings } from './lint.js';
import { type SiteSetting, siteSettings } from './settings.js';

export type { Finding } from './lint.js';
import { formatFinding } from './lint.js';
export { formatFinding };
export type { SiteSetting } from './settings.js';
export { siteSettings } from './settings.js';

/** The findings for a site's settings (and `more`, settings read from elsewhere) against a playbook. */
export function lintSite(inv: Inventory, pb: Playbook, more: SiteSetting[] = []): Finding[] {
  return lintSettings([...siteSettings(inv), ...more], knownNames(pb));
}

/** The findings as `kplay run` prints them before connecting: each unknown setting and inventory warning, and
 *  the kubeasz settings kplay does not honour in one line (a kubeasz config.yml sets dozens; `kplay site check`
 *  lists them). */
export function runWarnings(findings: Finding[], sources: string[]): string[] {
  const kubeasz = findings.filter((f) => f.kind === 'kubeasz');
  const out = findings.filter((f) => f.kind !== 'kubeasz').map(formatFinding);
  if (kubeasz.length)
    out.push(
      `${kubeasz.length} kubeasz setting${kubeasz.length === 1 ? ' is' : 's are'} not honoured by kplay ` +
        `(${kubeasz
          .slice(0, 5)
          .map((f) => f.name)
          .join(', ')}${kubeasz.length > 5 ? ' ...' : ''}): ` +
        `\`kplay site check ${sources.map((s) => `-i ${s}`).join(' ')}\` says where and why`,
    );
  return out;
}

/** Does the playbook run kplay's preflight role (the HA cluster's playbooks do)? Then `kplay run` lints the site. */
export function usesPreflight(pb: Playbook): boolean {
  return pb.plays.some((p) => p.roles.some((r) => r.name === 'preflight'));
}
