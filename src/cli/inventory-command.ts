// `kplay inventory` as the command line takes it (inventory.ts reads and prints the inventory, loaded when the
// command runs, so `kplay --help` stays light).
import type { Argv } from 'yargs';
import { stdio, type Output } from '../core/output.js';

/** Registers `kplay inventory` on a yargs instance; `guard` (from main.ts) receives the exit code. */
export function inventoryCommand(
  y: Argv,
  out: Output = stdio,
  guard?: (fn: () => Promise<number>) => Promise<void>,
): Argv {
  return y.command(
    'inventory [group]',
    'Show the inventory as kplay reads it, in the form of ansible-inventory (--list, --host, --graph)',
    (a) =>
      a
        .positional('group', { type: 'string', describe: 'with --graph: the group to start from (default all)' })
        .option('inventory', {
          alias: 'i',
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'a hosts file (INI or YAML) or a site folder; repeat for several',
        })
        .option('list', {
          type: 'boolean',
          describe: 'print every group and host variables as JSON (as ansible-inventory --list)',
        })
        .option('host', { type: 'string', describe: 'print the variables of one host as JSON' })
        .option('graph', {
          type: 'boolean',
          describe: 'print the tree of groups and hosts (give a group after it to start there)',
        })
        .option('vars', { type: 'boolean', describe: 'with --graph: show the variables of groups and hosts' })
        .option('limit', {
          alias: 'l',
          type: 'string',
          describe: 'only hosts matching this pattern (a:b, a:&b, a:!b, globs, ~regex, g[0], @file)',
        })
        .option('show-secrets', { type: 'boolean', describe: 'print passwords and .env values instead of ********' })
        .example('kplay inventory -i inventories/example --list', '')
        .example('kplay inventory -i inventories/example --graph kube_master --vars', ''),
    async (argv) => {
      const r = (await import('./inventory.js')).runInventory({
        inventory: (argv.inventory as string[]) ?? [],
        list: argv.list as boolean | undefined,
        host: argv.host as string | undefined,
        graph: argv.graph as boolean | undefined,
        group: argv.group as string | undefined,
        vars: argv.vars as boolean | undefined,
        limit: argv.limit as string | undefined,
        showSecrets: argv['show-secrets'] as boolean | undefined,
      });
      const show = async () => {
        // --show-secrets is the one place secrets may be printed, so stdout is written directly then
        if (r.stdout) argv['show-secrets'] ? process.stdout.write(r.stdout) : out.print(r.stdout);
        if (r.stderr) out.error(r.stderr);
        return r.code;
      };
      if (guard) await guard(show);
      else process.exitCode = await show();
    },
  );
}
