// `kplay new SITE` as the command line takes it (new.ts makes the site, loaded when the command runs, so
// `kplay --help` stays light).
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';

/** Registers `kplay new` on a yargs instance; `guard` (from main.ts) receives the exit code. */
export function newCommand(y: Argv, out: Output, guard: (fn: () => Promise<number>) => Promise<void>): Argv {
  return y.command(
    'new <site>',
    "Make a new site: inventories/SITE (or PATH, with a slash) with commented files, hosts in kubeasz's form",
    (a) =>
      a
        .positional('site', {
          type: 'string',
          demandOption: true,
          describe: 'a site name (written to inventories/NAME) or a folder path with a slash (./x, /srv/x)',
        })
        .option('yaml', { type: 'boolean', default: false, describe: "write hosts.yml (Ansible's YAML form)" })
        .example('$0 new prod', 'inventories/prod/ with kubeasz-style hosts')
        .example('$0 new ./sites/lab --yaml', 'sites/lab/ with hosts.yml'),
    (a) =>
      guard(async () => {
        const { newSite } = await import('./new.js');
        const made = newSite({ site: a.site as string, yaml: a.yaml as boolean });
        const shown = made.dir;
        out.print(`made the site ${shown}/: ${made.files.join(', ')}`);
        out.print(
          `next: edit ${shown}/${made.files[0]} and ${shown}/group_vars/all.yml, put the binaries in ${shown}/bin ` +
            `(kplay run playbooks/fetch-bin.yml -i ${shown}), then ` +
            `kplay run playbooks/ha-cluster.yml -i ${shown} --check --diff`,
        );
        return 0;
      }),
  );
}
