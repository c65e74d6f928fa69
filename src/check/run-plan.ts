// Which hosts each play runs on: its `hosts:` pattern, narrowed by --limit. Hosts outside the limit keep
// their inventory data (groups, hostvars) for templates; they are only left out of the run.
// A templated pattern (`hosts: "{{ NODE_TO_ADD }}"`, kubeasz's day-2 playbooks) is rendered first, with the
// play's variables, the `all` group's and the extra vars (Ansible 2.14 leaves inventory vars out: kplay accepts more).
import { didYouMean, KplayError, Problems } from '../core/errors.js';
import type { Inventory } from '../inventory/inventory.js';
import { selectHosts } from '../inventory/patterns.js';
import { valueLoc } from '../core/places.js';
import { newRunVars, taskVars } from '../vars/context.js';
import { renderString } from '../template/template.js';
import type { Play, Playbook, Vars } from '../core/types.js';

export interface PlayHosts {
  play: Play;
  hosts: string[];
}

export interface HostPlan {
  plays: PlayHosts[];
  warnings: string[];
  /** A play's hosts selected again from the inventory as it is now (after add_host / group_by), --limit kept. */
  select?: (play: Play) => string[];
}

export interface PlanOptions {
  extra?: Vars;
  /** --syntax-check: a pattern that cannot be rendered without -e is not a problem there. */
  lenient?: boolean;
}

/** The play's `hosts:` with its templates rendered (no host yet: the play's, `all`'s and extra vars). */
function playPattern(pb: Playbook, play: Play, inv: Inventory, o: PlanOptions): string {
  if (!play.hosts.includes('{{')) return play.hosts;
  const vars = taskVars(newRunVars(inv, o.extra ?? {}, pb.dir, false), play, undefined, '', []);
  const v = renderString(play.hosts, { vars, host: '' }, { loc: valueLoc(play.keywords, 'hosts') ?? play.loc });
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v ?? '');
}

/** --limit that selects no host: the names it could have meant, and what the inventory holds. */
function limitMatchesNothing(inv: Inventory, limit: string): KplayError {
  const hosts = [...inv.hosts.keys()];
  const names = [...hosts, ...inv.groups.keys(), 'localhost'];
  const near = limit
    .split(/[,:]/)
    .map((w) => w.replace(/^[!&]/, ''))
    .map((w) => (w && !names.includes(w) ? didYouMean(w, names) : undefined))
    .filter(Boolean);
  const some = (xs: string[]) => `${xs.slice(0, 8).join(', ')}${xs.length > 8 ? ` … (${xs.length} in all)` : ''}`;
  return new KplayError(`--limit '${limit}' matches no host in the inventory; nothing was run`, {
    code: 'OPTIONS',
    hint:
      `${near.length ? `did you mean ${near.map((n) => `'${n}'`).join(', ')}? ` : ''}` +
      `give --limit a host or group of the inventory (-i): ` +
      `${hosts.length ? `hosts ${some(hosts)}` : 'it has no hosts (localhost is implicit)'}; ` +
      `groups ${some([...inv.groups.keys()])}`,
  });
}

export function planHosts(
  pb: Playbook,
  inv: Inventory,
  limit: string | undefined,
  problems: Problems,
  o: PlanOptions = {},
): HostPlan {
  const warnings: string[] = [];
  if (limit) {
    const lim = problems.catch(() => selectHosts(inv, limit, { baseDir: process.cwd() }));
    if (lim && lim.hosts.length === 0) problems.push(limitMatchesNothing(inv, limit));
  }
  const plays: PlayHosts[] = [];
  for (const play of pb.plays) {
    const loc = valueLoc(play.keywords, 'hosts') ?? play.loc;
    const pattern = (o.lenient ? new Problems() : problems).catch(() => playPattern(pb, play, inv, o));
    if (pattern !== undefined && pattern.trim() === '' && !o.lenient) {
      problems.push(
        new KplayError(`hosts: ${JSON.stringify(play.hosts)} renders to no pattern`, { code: 'PLAYBOOK', loc }),
      );
    }
    const sel = pattern?.trim()
      ? problems.catch(() => selectHosts(inv, pattern!, { limit, loc, baseDir: process.cwd() }))
      : undefined;
    if (sel) warnings.push(...sel.warnings);
    plays.push({ play, hosts: sel?.hosts ?? [] });
  }
  const select = (play: Play): string[] => {
    const none = new Problems();
    const pattern = none.catch(() => playPattern(pb, play, inv, o))?.trim();
    if (!pattern) return [];
    return none.catch(() => selectHosts(inv, pattern, { limit, baseDir: process.cwd() }))?.hosts ?? [];
  };
  return { plays, warnings: [...new Set(warnings)], select };
}
