// Which hosts each play runs on: its `hosts:` pattern, narrowed by --limit. Hosts outside the limit keep
// their inventory data (groups, hostvars) for templates; they are only left out of the run.
import { KplayError, type Problems } from './errors.js';
import type { Inventory } from './inventory.js';
import { selectHosts } from './patterns.js';
import { valueLoc } from './source.js';
import type { Play, Playbook } from './types.js';

export interface PlayHosts {
  play: Play;
  hosts: string[];
}

export interface HostPlan {
  plays: PlayHosts[];
  warnings: string[];
}

export function planHosts(pb: Playbook, inv: Inventory, limit: string | undefined, problems: Problems): HostPlan {
  const warnings: string[] = [];
  if (limit) {
    const lim = problems.catch(() => selectHosts(inv, limit, { baseDir: process.cwd() }));
    if (lim && lim.hosts.length === 0) problems.push(new KplayError(`--limit '${limit}' matches no host in the inventory`, { code: 'OPTIONS' }));
  }
  const plays: PlayHosts[] = [];
  for (const play of pb.plays) {
    const loc = valueLoc(play.keywords, 'hosts') ?? play.loc;
    const sel = problems.catch(() => selectHosts(inv, play.hosts, { limit, loc, baseDir: process.cwd() }));
    if (sel) warnings.push(...sel.warnings);
    plays.push({ play, hosts: sel?.hosts ?? [] });
  }
  return { plays, warnings: [...new Set(warnings)] };
}
