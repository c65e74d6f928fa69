// What `kplay inventory` prints, in the very form of `ansible-inventory`: --list (JSON with sorted keys and a
// 4-space indent, empty groups left out, _meta.hostvars only for hosts with variables), --host, and --graph
// (with --vars: every value printed as Python's str() would).
import { groupHosts, groupVars, hostVars, withoutEnv, type Inventory } from './inventory.js';
import { pyStr } from './pyliteral.js';
import { safeJson } from '../core/secrets.js';

export interface OutputOptions {
  /** Only these hosts (a --limit); all hosts when undefined. */
  hosts?: Set<string> | undefined;
  /** Print secret values instead of the mask. */
  showSecrets?: boolean;
}

/** The object `ansible-inventory --list` prints. */
export function inventoryList(inv: Inventory, opts: OutputOptions = {}): Record<string, unknown> {
  const available = opts.hosts ?? new Set(groupHosts(inv, 'all'));
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string) => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all') {
      const hosts = g.hosts.filter((h) => available.has(h));
      if (hosts.length) entry.hosts = hosts;
    }
    if (g.children.length) entry.children = [...g.children];
    if (Object.keys(entry).length) results[name] = entry;
    for (const c of g.children) {
      if (!seen.has(c)) {
        seen.add(c);
        formatGroup(c);
      }
    }
  };
  formatGroup('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of groupHosts(inv, 'all')) {
    if (!available.has(h)) continue;
    const v = withoutEnv(inv, hostVars(inv, h));
    if (Object.keys(v).length) hostvars[h] = show(v, opts);
  }
  results._meta = { hostvars };
  return results;
}

/** The object `ansible-inventory --host H` prints. */
export function inventoryHost(inv: Inventory, host: string, opts: OutputOptions = {}): Record<string, unknown> {
  return show(withoutEnv(inv, hostVars(inv, host)), opts) as Record<string, unknown>;
}

function show(v: unknown, opts: OutputOptions): unknown {
  return opts.showSecrets ? v : JSON.parse(safeJson(v)); // a number that shows a secret becomes a masked string
}

/** JSON as Python's json.dumps(sort_keys=True, indent=4) writes it (ASCII only). */
export function pythonJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sorted(value), null, 4).replace(/[\u007f-\uffff]/g, (c) =>
    c === '\u007f' ? c : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** The text of `ansible-inventory --graph [group] [--vars]`. */
export function inventoryGraph(inv: Inventory, group = 'all', opts: OutputOptions & { vars?: boolean } = {}): string {
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (vars: Record<string, unknown>, depth: number) => {
    const shown = show(vars, opts) as Record<string, unknown>;
    for (const k of Object.keys(shown).sort()) lines.push(name(`{${k} = ${pyStr(shown[k])}}`, depth));
  };
  const walk = (g: string, depth: number) => {
    const grp = inv.groups.get(g)!;
    lines.push(name(`@${g}:`, depth));
    for (const c of grp.children) walk(c, depth + 1);
    if (g !== 'all') {
      for (const h of grp.hosts) {
        if (opts.hosts && !opts.hosts.has(h)) continue;
        lines.push(name(h, depth + 1));
        if (opts.vars) showVars(withoutEnv(inv, hostVars(inv, h)), depth + 2);
      }
    }
    if (opts.vars) {
      const gv = groupVars(inv, g);
      if (grp.priority !== 1) gv.ansible_group_priority = grp.priority;
      showVars(gv, depth + 1);
    }
  };
  walk(group, 0);
  return lines.join('\n');
}
