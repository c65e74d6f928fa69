// `kplay cluster VERB SITE`: day-2 verbs on a running cluster, each one of the shipped playbooks run on the
// site (kubeasz's ezctl words): backup (94.backup.yml), restore (95.restore.yml), and certs, a report of the
// site's certificates. The work is loaded when a verb runs, so `kplay --help` stays light.
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';
import { KPLAY_ROOT } from '../core/package-root.js';
import type { RunArgs } from './run-options.js';

type Guard = (fn: () => Promise<number>) => Promise<void>;

/** A shipped day-2 playbook run on the site, with the verb's settings as extra variables. */
export function verbRun(playbook: string, site: string, vars: Record<string, unknown>, check: boolean): RunArgs {
  const set = Object.entries(vars).filter(([, v]) => v !== undefined);
  return {
    playbook: join(KPLAY_ROOT, 'playbooks', playbook),
    inventory: [site],
    check,
    diff: check,
    extraVars: set.length > 0 ? [JSON.stringify(Object.fromEntries(set))] : undefined,
  };
}

const site = (a: Argv) =>
  a.positional('site', { type: 'string', demandOption: true, describe: 'the site folder (its inventory)' });
const check = (a: Argv) =>
  a.option('check', {
    alias: 'C',
    type: 'boolean',
    default: false,
    describe: 'show what would change, change nothing',
  });

export function clusterCommand(y: Argv, out: Output, guard: Guard): Argv {
  const run = (args: RunArgs) => guard(async () => (await import('./run.js')).runCommand(args, out));
  return y.command('cluster', 'Day-2 verbs on a running cluster: backup, restore, certs', (c) =>
    c
      .command(
        'backup <site>',
        'Save an etcd snapshot under <site>/backup (playbooks/94.backup.yml)',
        (a) => check(site(a)).option('keep', { type: 'number', describe: 'the newest snapshots kept (default 5)' }),
        (a) => run(verbRun('94.backup.yml', a.site as string, { backup_keep: a.keep }, a.check as boolean)),
      )
      .command(
        'restore <site>',
        'Restore every etcd member from a snapshot in <site>/backup (playbooks/95.restore.yml)',
        (a) =>
          check(site(a)).option('snapshot', {
            type: 'string',
            describe: 'the snapshot: a file name in <site>/backup or a path (default snapshot.db, the latest)',
          }),
        (a) => run(verbRun('95.restore.yml', a.site as string, { etcd_snapshot: a.snapshot }, a.check as boolean)),
      )
      .command(
        'certs <site>',
        "List the site's certificates with their expiry; warn when one is close, exit 2 when one has expired",
        (a) =>
          site(a)
            .option('pki', { type: 'string', describe: 'the PKI folder (default <site>/ssl, else <site>/pki)' })
            .option('warn-days', { type: 'number', default: 30, describe: 'warn below this many days left' }),
        (a) =>
          guard(async () =>
            (await import('./cluster-certs.js')).clusterCerts(
              { site: a.site as string, pki: a.pki as string | undefined, warnDays: a.warnDays as number },
              out,
            ),
          ),
      )
      .demandCommand(1, 'name a cluster verb: backup, restore or certs'),
  );
}
