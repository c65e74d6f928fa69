// `kplay inventory`: the inventory as kplay reads it, printed exactly as `ansible-inventory` prints it
// (--list, --host H, --graph [GROUP] [--vars]), with --limit, secrets masked unless --show-secrets.
// Exit codes as Ansible's: 4 for a bad inventory, 5 for bad options, 1 for anything else.
import { KplayError, KplayErrors, Problems } from '../core/errors.js';
import { loadInventory } from '../inventory/inventory.js';
import { inventoryGraph, inventoryHost, inventoryList, pythonJson } from '../inventory/output.js';
import { selectHosts } from '../inventory/patterns.js';
import { redact } from '../core/secrets.js';

export interface InventoryArgs {
  inventory: string[];
  list?: boolean | undefined;
  host?: string | undefined;
  graph?: boolean | undefined;
  group?: string | undefined;
  vars?: boolean | undefined;
  limit?: string | undefined;
  showSecrets?: boolean | undefined;
}

export interface InventoryRun {
  code: number;
  stdout: string;
  stderr: string;
}

function optionError(message: string): KplayError {
  return new KplayError(message, { code: 'OPTIONS' });
}

/** Run the command without touching the process: what it prints and its exit code. */
export function runInventory(args: InventoryArgs): InventoryRun {
  const err: string[] = [];
  try {
    const actions = [args.list, args.host !== undefined, args.graph].filter(Boolean).length;
    if (actions !== 1) throw optionError('give exactly one of --list, --host HOST, --graph [GROUP]');
    if (args.inventory.length === 0) throw optionError('give an inventory with -i (a hosts file or a site folder)');
    const problems = new Problems();
    const inv = loadInventory(args.inventory, problems);
    problems.throwIfAny();
    for (const w of inv.warnings) err.push(`[WARNING]: ${w}`);
    let hosts: Set<string> | undefined;
    if (args.limit) {
      const sel = selectHosts(inv, 'all', { limit: args.limit });
      for (const w of sel.warnings) err.push(`[WARNING]: ${w}`);
      hosts = new Set(sel.hosts);
    }
    const opts = { hosts, showSecrets: args.showSecrets === true };
    let out: string;
    if (args.list) out = pythonJson(inventoryList(inv, opts));
    else if (args.host !== undefined) {
      if (!inv.hosts.has(args.host) || (hosts && !hosts.has(args.host))) {
        throw optionError(
          `no host "${args.host}" in the inventory${hosts ? ' (within --limit)' : ''}: --host takes one host name`,
        );
      }
      out = pythonJson(inventoryHost(inv, args.host, opts));
    } else {
      const group = args.group || 'all';
      if (!inv.groups.has(group)) throw optionError(`--graph takes a group name; there is no group "${group}"`);
      out = inventoryGraph(inv, group, { ...opts, vars: args.vars === true });
    }
    return { code: 0, stdout: out + '\n', stderr: err.length ? err.join('\n') + '\n' : '' };
  } catch (e) {
    if (e instanceof KplayError || e instanceof KplayErrors) {
      const text = e instanceof KplayError ? e.format() : e.errors.map((x) => x.format()).join('\n');
      err.push(`ERROR: ${args.showSecrets ? text : redact(text)}`);
      return { code: e.exitCode, stdout: '', stderr: err.join('\n') + '\n' };
    }
    throw e;
  }
}
