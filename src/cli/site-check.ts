// The work of `kplay site check`: read the site and the playbook (bad input is an error, exit 4, as for
// `kplay run`), then print every finding once, grouped, each at file:line:col. Findings are warnings: the
// exit code is 0 with or without them, 1 with --strict when there is any (so CI can demand a clean site).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KplayError, Problems } from '../core/errors.js';
import type { Output } from '../core/output.js';
import { KPLAY_ROOT } from '../core/package-root.js';
import { loadInventory } from '../inventory/inventory.js';
import { readPlaybook } from '../playbook/playbook.js';
import { libraryDirs, loadUserModules } from '../playbook/user-modules.js';
import { builtins } from '../tasks/index.js';
import { type Finding, formatFinding, lintSite } from '../check/site-lint/site-lint.js';

export interface SiteCheckArgs {
  inventory: string[];
  playbook?: string | undefined;
  strict?: boolean | undefined;
}

export const DEFAULT_PLAYBOOK = 'playbooks/ha-cluster.yml';

/** The playbook named, or playbooks/ha-cluster.yml here, else the one kplay ships. */
export function playbookOf(given: string | undefined): string {
  if (given !== undefined) return given;
  if (existsSync(DEFAULT_PLAYBOOK)) return DEFAULT_PLAYBOOK;
  const shipped = join(KPLAY_ROOT, DEFAULT_PLAYBOOK);
  return existsSync(shipped) ? shipped : DEFAULT_PLAYBOOK;
}

const GROUPS: [Finding['kind'] | 'inventory', string][] = [
  ['unknown', 'unknown settings: nothing in the playbook reads them'],
  ['kubeasz', 'kubeasz settings kplay does not honour'],
  ['inventory', 'inventory warnings'],
];

export async function siteCheck(a: SiteCheckArgs, out: Output): Promise<number> {
  if (a.inventory.length === 0)
    throw new KplayError('give the site with -i (a hosts file or a site folder)', { code: 'OPTIONS' });
  const playbook = playbookOf(a.playbook);
  const problems = new Problems();
  const inv = loadInventory(a.inventory, problems);
  const modules = builtins.copy();
  if (existsSync(playbook))
    for (const dir of libraryDirs(dirname(resolve(playbook)))) await loadUserModules(dir, modules);
  const pb = readPlaybook(playbook, problems, modules);
  problems.throwIfAny();
  const findings = lintSite(inv, pb);
  const lines = new Map<string, string[]>(GROUPS.map(([k]) => [k, []]));
  for (const f of findings) lines.get(f.kind)!.push(formatFinding(f));
  lines.get('inventory')!.push(...inv.warnings);
  const total = [...lines.values()].reduce((n, l) => n + l.length, 0);
  const site = a.inventory.join(', ');
  if (total === 0) {
    out.print(`${site}: every setting is read by ${playbook}`);
    return 0;
  }
  const text = [`${site} against ${playbook}:`];
  for (const [kind, title] of GROUPS) {
    const l = lines.get(kind)!;
    if (l.length) text.push('', `${title} (${l.length}):`, ...l.map((x) => `  ${x}`));
  }
  text.push('', `${total} warning${total > 1 ? 's' : ''}${a.strict ? ' (--strict: failing)' : ''}`);
  out.print(text.join('\n'));
  return a.strict ? 1 : 0;
}
