// `kplay cluster VERB SITE`: day-2 verbs on a running cluster, each one of the shipped playbooks run on the
// site (kubeasz's ezctl words): add-node and del-node (22.addnode.yml, 32.delnode.yml), add-master and
// del-master (23.addmaster.yml, 33.delmaster.yml), add-etcd and del-etcd (21.addetcd.yml, 31.deletcd.yml;
// cluster-nodes.ts, cluster-masters.ts and cluster-etcd.ts edit the inventory), backup
// (94.backup.yml), restore (95.restore.yml), upgrade (93.upgrade.yml), update-certs (96.update-certs.yml),
// stop (92.stop.yml), start (91.start.yml), kubeconfig (kcfg-adm.yml, a user's), and certs, a report of the
// site's certificates. The work is loaded when a verb runs, so `kplay --help` stays light.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { KplayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { RunArgs } from './run-options.js';
import { verbRun } from './verb-run.js';

const VERBS = [
  'add-node',
  'del-node',
  'add-master',
  'del-master',
  'add-etcd',
  'del-etcd',
  'backup',
  'restore',
  'upgrade',
  'update-certs',
  'stop',
  'start',
  'kubeconfig',
  'certs',
];

type Guard = (fn: () => Promise<number>) => Promise<void>;

/** What kcfg-adm.yml accepts as a user name (a certificate's CN Kubernetes reads as the user). */
const USER_NAME = /^[a-z0-9]([-a-z0-9.@]*[a-z0-9])?$/;

function printFile(path: string, out: Output): number {
  if (!existsSync(path))
    throw new KplayError(`no ${path}`, {
      code: 'NOT_FOUND',
      hint: 'the pki role writes it: run playbooks/ha-cluster.yml',
    });
  out.print(readFileSync(path, 'utf8'));
  return 0;
}

const site = (a: Argv) =>
  a.positional('site', { type: 'string', demandOption: true, describe: 'the site folder (its inventory)' });
/** --check and --json, for every verb that runs a playbook. */
const runFlags = (a: Argv) =>
  a
    .option('check', {
      alias: 'C',
      type: 'boolean',
      default: false,
      describe: 'show what would change, change nothing',
    })
    .option('json', { type: 'boolean', default: false, describe: 'events as JSON lines, as kplay run --json' });

const hostArgs = (a: Argv, describe: string) => runFlags(site(a)).positional('host', { type: 'string', describe });
const forceFlag = (a: Argv) =>
  a.option('force', {
    type: 'boolean',
    default: false,
    describe: 'accept an even number of etcd members (no more failures tolerated than one less)',
  });
/** A verb's site and host, its KEY=VALUE host variables, --check, --json and --force. */
function hostVerb(a: Record<string, unknown>) {
  const vars = (a.vars as unknown[] | undefined)?.map(String);
  return { ...a, site: a.site as string, host: String(a.host), vars, force: a.force === true };
}

export function clusterCommand(y: Argv, out: Output, guard: Guard): Argv {
  const run = (args: RunArgs) => guard(async () => (await import('./run.js')).runCommand(args, out));
  return y.command('cluster', `Day-2 verbs on a running cluster: ${VERBS.join(', ')}`, (c) =>
    c
      .command(
        'backup <site>',
        'Save an etcd snapshot under <site>/backup (playbooks/94.backup.yml)',
        (a) => runFlags(site(a)).option('keep', { type: 'number', describe: 'the newest snapshots kept (default 5)' }),
        (a) => run(verbRun('94.backup.yml', a, { backup_keep: a.keep })),
      )
      .command(
        'restore <site>',
        'Restore every etcd member from a snapshot in <site>/backup (playbooks/95.restore.yml)',
        (a) =>
          runFlags(site(a)).option('snapshot', {
            type: 'string',
            describe: 'the snapshot: a file name in <site>/backup or a path (default snapshot.db, the latest)',
          }),
        (a) => run(verbRun('95.restore.yml', a, { etcd_snapshot: a.snapshot })),
      )
      .command(
        'upgrade <site>',
        "Upgrade Kubernetes to bin_src's binaries: the version skew checked, masters one at a time, workers in " +
          'batches, each drained and uncordoned (playbooks/93.upgrade.yml)',
        (a) =>
          runFlags(site(a)).option('batch', {
            type: 'string',
            describe: 'workers upgraded at once: a number or a percentage (default 20%)',
          }),
        (a) => run(verbRun('93.upgrade.yml', a, { upgrade_batch: a.batch })),
      )
      .command(
        'update-certs <site>',
        'Issue every certificate anew under the same CA (a copy of the PKI kept in <site>/backup) and roll them ' +
          'out, restarting one host at a time (playbooks/96.update-certs.yml)',
        (a) =>
          runFlags(site(a)).option('change-ca', {
            type: 'boolean',
            describe: 'replace the CAs too, in three rounds: trust old and new, issue under the new, drop the old',
          }),
        (a) =>
          run({
            ...verbRun('96.update-certs.yml', a, { CHANGE_CA: a.changeCa === true ? true : undefined }),
            tags: ['force_change_certs'],
          }),
      )
      .command(
        'stop <site>',
        "Stop (and disable) the cluster's services, users first (playbooks/92.stop.yml)",
        (a) => runFlags(site(a)),
        (a) => run(verbRun('92.stop.yml', a, {})),
      )
      .command(
        'start <site>',
        "Start (and enable) the cluster's services, each after what it needs (playbooks/91.start.yml)",
        (a) => runFlags(site(a)),
        (a) => run(verbRun('91.start.yml', a, {})),
      )
      .command(
        'add-node <site> <host> [vars..]',
        'Add a worker: list it in kube_node (with KEY=VALUE host variables), then run playbooks/22.addnode.yml',
        (a) => hostArgs(a, "the new worker's address"),
        (a) => guard(async () => (await import('./cluster-nodes.js')).addNode(hostVerb(a), out)),
      )
      .command(
        'del-node <site> <host>',
        'Remove a worker: drain, clean and delete it (playbooks/32.delnode.yml), then take it out of kube_node',
        (a) => hostArgs(a, "the worker's address"),
        (a) => guard(async () => (await import('./cluster-nodes.js')).delNode(hostVerb(a), out)),
      )
      .command(
        'add-master <site> <host> [vars..]',
        'Add a master: list it in kube_master (with KEY=VALUE host variables), then run playbooks/23.addmaster.yml',
        (a) => hostArgs(a, "the new master's address"),
        (a) => guard(async () => (await import('./cluster-masters.js')).addMaster(hostVerb(a), out)),
      )
      .command(
        'del-master <site> <host>',
        'Remove a master: the balancers first, then drain, clean and delete it (playbooks/33.delmaster.yml), ' +
          'then take it out of kube_master',
        (a) => hostArgs(a, "the master's address"),
        (a) => guard(async () => (await import('./cluster-masters.js')).delMaster(hostVerb(a), out)),
      )
      .command(
        'add-etcd <site> <host> [vars..]',
        'Add an etcd member: list it in etcd (with KEY=VALUE host variables), then run playbooks/21.addetcd.yml',
        (a) => forceFlag(hostArgs(a, "the new member's address")),
        (a) => guard(async () => (await import('./cluster-etcd.js')).addEtcd(hostVerb(a), out)),
      )
      .command(
        'del-etcd <site> <host>',
        'Remove an etcd member (playbooks/31.deletcd.yml: member remove, etcd cleaned), then take it out of etcd',
        (a) => forceFlag(hostArgs(a, "the member's address")),
        (a) => guard(async () => (await import('./cluster-etcd.js')).delEtcd(hostVerb(a), out)),
      )
      .command(
        'kubeconfig <site>',
        "Write a user's kubeconfig (a client certificate from the cluster CA; playbooks/kcfg-adm.yml), " +
          "or print the admin's",
        (a) =>
          runFlags(site(a))
            .option('user', { type: 'string', describe: "the user's name (the certificate's CN)" })
            .option('group', { type: 'string', describe: "the user's group (the certificate's O), for RBAC" })
            .option('days', { type: 'number', default: 365, describe: 'how long the certificate is valid' })
            .option('admin', { type: 'boolean', default: false, describe: "print the admin's kubeconfig instead" }),
        (a) =>
          guard(async () => {
            const { pkiDirOf } = await import('./cluster-certs.js');
            const pki = pkiDirOf(a.site as string);
            if (a.admin) return printFile(join(pki, 'admin.kubeconfig'), out);
            if (typeof a.user !== 'string' || !USER_NAME.test(a.user))
              throw new KplayError(
                `a user name is needed (lower case letters, digits, '-', '.', '@'): ${a.user ?? ''}`,
                {
                  code: 'OPTIONS',
                  hint: 'kplay cluster kubeconfig SITE --user NAME [--group G] [--days N], or --admin',
                },
              );
            const vars = { kcfg_user: a.user, kcfg_group: a.group ?? '', kcfg_days: a.days };
            const code = await (await import('./run.js')).runCommand(verbRun('kcfg-adm.yml', a, vars), out);
            if (code === 0 && !a.check && !a.json) out.print(`kubeconfig: ${join(pki, `user-${a.user}.kubeconfig`)}`);
            return code;
          }),
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
      .demandCommand(1, `name a cluster verb: ${VERBS.join(', ')}`),
  );
}
