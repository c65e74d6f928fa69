// The kplay command line: yargs parses, each command lives in its own file, errors are printed here.
import yargs from 'yargs';
import { KplayError, KplayErrors } from '../core/errors.js';
import { inventoryCommand } from './inventory-command.js';
import { runOptions, type RunArgs } from './run-options.js';
import { applyOptions, type ApplyArgs } from './apply-options.js';
import { labCommand } from './lab.js';
import { docCommand } from './doc.js';
import { schemaCommand } from './schema.js';
import { newCommand } from './new-command.js';
import { siteCommand } from './site.js';
import { imagesCommand } from './images.js';
import { clusterCommand } from './cluster.js';
import { stdio, type Output } from '../core/output.js';

/** Print a problem the way users read it; a stack trace only with --debug or for a bug. */
export function report(e: unknown, out: Output, debug: boolean): number {
  if (e instanceof KplayErrors) {
    for (const x of e.errors) out.error(`ERROR: ${x.format()}`);
    if (e.errors.length > 1) out.error(`${e.errors.length} problems found; nothing was run.`);
    return e.exitCode;
  }
  if (e instanceof KplayError) {
    out.error(`ERROR: ${e.format()}`);
    if (debug) out.error(e.stack ?? '');
    return e.exitCode;
  }
  out.error(
    `ERROR: internal error: ${(e as Error)?.message ?? String(e)}` +
      `${debug ? `\n${(e as Error)?.stack}` : ' (run with --debug for the stack trace)'}`,
  );
  return 1;
}

export async function main(argv: string[], out: Output = stdio): Promise<number> {
  let code = 0;
  const debug = argv.includes('--debug');
  const guard = async (fn: () => Promise<number>) => {
    try {
      code = await fn();
    } catch (e) {
      code = report(e, out, debug);
    }
  };
  const y = yargs(argv)
    .scriptName('kplay')
    .usage(
      "kplay: agentless orchestration for highly available Kubernetes, with Ansible's words.\n\n" +
        'Usage: $0 <command> [options]',
    )
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces and internal detail' })
    .strict()
    .demandCommand(1, 'name a command: run, apply, inventory, new, site, cluster, doc, schema or lab')
    .recommendCommands()
    // a bash (zsh with SHELL=zsh) script whose completions yargs answers: kplay --get-yargs-completions WORDS...
    .completion('completion', 'Print a shell completion script (bash, zsh): kplay completion >> ~/.bashrc')
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw (
        err ??
        new KplayError(msg, { code: 'OPTIONS', hint: "run 'kplay --help' or 'kplay <command> --help' for the options" })
      );
    })
    .command(
      'run <playbook>',
      'Run a playbook against an inventory (or list/check it)',
      (a) =>
        runOptions(a)
          .example('$0 run playbooks/ha-cluster.yml -i inventories/prod --check --diff', 'preview every change')
          .example(
            '$0 run playbooks/ha-cluster.yml -i inventories/prod --tags etcd --limit node3',
            'one role on one host',
          ),
      (a) => guard(async () => (await import('./run.js')).runCommand(a as unknown as RunArgs, out)),
    );
  y.command(
    'apply <plan>',
    'Run exactly what a dry run planned (kplay run ... --check --plan-out FILE); hosts that changed since are refused',
    (a) => applyOptions(a).example('$0 apply plan.json', 'make the planned changes'),
    (a) => guard(async () => (await import('./apply.js')).applyCommand(a as unknown as ApplyArgs, out)),
  );
  inventoryCommand(y, out, guard);
  newCommand(y, out, guard);
  siteCommand(y, out, guard);
  imagesCommand(y, out, guard);
  clusterCommand(y, out, guard);
  docCommand(y, out, guard);
  schemaCommand(y, out, guard);
  labCommand(y, guard);
  try {
    await y.parseAsync();
  } catch (e) {
    code = report(e, out, debug);
  }
  return code;
}
