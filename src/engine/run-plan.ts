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

/** `localhost` is always there, as in Ansible, even when the inventory does not name it (implicit localhost). */
export function playHostList(inv: Inventory, pattern: string, limit: string | undefined, warnings: string[]): string[] {
  const implicitLocal = !inv.hosts.has('localhost') && /(^|[,:])(localhost|127\.0\.0\.1)($|[,:])/.test(pattern);
  const sel = selectHosts(inv, pattern);
  const hosts = [...sel.hosts];
  if (implicitLocal && !hosts.includes('localhost')) hosts.push('localhost');
  warnings.push(...sel.warnings.filter((w) => !(implicitLocal && /localhost|127\.0\.0\.1/.test(w))));
  if (!limit) return hosts;
  const lim = selectHosts(inv, limit);
  const allowed = new Set(lim.hosts);
  if (implicitLocal && /(^|[,:])localhost($|[,:])/.test(limit)) allowed.add('localhost');
  return hosts.filter((h) => allowed.has(h));
}

export function planHosts(pb: Playbook, inv: Inventory, limit: string | undefined, problems: Problems): HostPlan {
  const warnings: string[] = [];
  if (limit) {
    const lim = problems.catch(() => selectHosts(inv, limit));
    if (lim && lim.hosts.length === 0 && !/localhost/.test(limit)) {
      problems.push(new KplayError(`--limit '${limit}' matches no host in the inventory`, { code: 'OPTIONS' }));
    }
  }
  const plays: PlayHosts[] = [];
  for (const play of pb.plays) {
    const hosts = problems.catch(() => {
      try {
        return playHostList(inv, play.hosts, limit, warnings);
      } catch (e) {
        if (e instanceof KplayError && !e.loc) throw new KplayError(e.message, { code: e.code, loc: valueLoc(play.keywords, 'hosts') ?? play.loc });
        throw e;
      }
    });
    plays.push({ play, hosts: hosts ?? [] });
  }
  return { plays, warnings: [...new Set(warnings)] };
}
