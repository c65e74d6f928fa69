// `kplay site check -i SITE [PLAYBOOK]`: the site linter on its own (docs/ha-cluster.md, "Checking a site").
// The options live here and the work in site-check.ts, loaded when the command runs, so `kplay --help` stays light.
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';
import type { SiteCheckArgs } from './site-check.js';

/** Registers `kplay site check`; `guard` (from main.ts) receives the exit code. */
export function siteCommand(y: Argv, out: Output, guard: (fn: () => Promise<number>) => Promise<void>): Argv {
  return y.command('site', 'Check a site (its inventory, group_vars/ and host_vars/) against a playbook', (s) =>
    s
      .command(
        'check [playbook]',
        'Warn about every setting no role, task or template reads, and kubeasz settings kplay does not honour',
        (a) =>
          a
            .positional('playbook', {
              type: 'string',
              describe: 'the playbook the site is for (default: playbooks/ha-cluster.yml)',
            })
            // not `array: true`, which would swallow the playbook after it: a repeated -i makes the array
            .option('inventory', {
              alias: 'i',
              type: 'string',
              demandOption: true,
              describe: 'a hosts file (INI or YAML) or a site folder; repeat -i for several',
            })
            .option('strict', {
              type: 'boolean',
              default: false,
              describe: 'exit 1 when there is any warning (for CI)',
            })
            .example('$0 site check -i inventories/prod', 'the site against playbooks/ha-cluster.yml')
            .example('$0 site check -i inventories/prod --strict', 'fail a CI job on any warning'),
        (a) => {
          const args: SiteCheckArgs = {
            inventory: [a.inventory as string | string[]].flat(),
            playbook: a.playbook as string | undefined,
            strict: a.strict as boolean,
          };
          return guard(async () => (await import('./site-check.js')).siteCheck(args, out));
        },
      )
      .demandCommand(1, 'name a site command: check'),
  );
}
