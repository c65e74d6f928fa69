// The options of `kplay run`, apart from the code that runs, so `kplay --help` loads nothing heavy.
import type { Argv } from 'yargs';

export interface RunArgs {
  playbook: string;
  inventory?: string[] | undefined;
  check?: boolean;
  diff?: boolean;
  tags?: string[] | undefined;
  skipTags?: string[] | undefined;
  limit?: string | undefined;
  extraVars?: string[] | undefined;
  forks?: number | undefined;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string | undefined;
  json?: boolean;
  resume?: boolean;
  detailedExitcode?: boolean;
  forceHandlers?: boolean;
  planOut?: string | undefined;
}

export function runOptions(y: Argv): Argv<RunArgs> {
  return y
    .positional('playbook', {
      type: 'string',
      describe: "playbook file (YAML list of plays); playbooks/NAME not found here is kplay's own",
      demandOption: true,
    })
    .option('inventory', {
      alias: 'i',
      type: 'string',
      array: true,
      describe: 'inventory file or site folder (repeatable)',
    })
    .option('check', {
      alias: 'C',
      type: 'boolean',
      default: false,
      describe: 'plan only: report what would change, write nothing',
    })
    .option('diff', { alias: 'D', type: 'boolean', default: false, describe: 'show unified diffs of file changes' })
    .option('force-handlers', {
      type: 'boolean',
      default: false,
      describe: 'run notified handlers on a host even after it failed',
    })
    .option('detailed-exitcode', {
      type: 'boolean',
      default: false,
      describe: 'with --check: exit 0 when nothing would change, 2 when changes are pending, 1 when a host fails',
    })
    .option('plan-out', {
      type: 'string',
      describe: 'with --check: write the plan to this file, for `kplay apply` to run exactly',
    })
    .option('tags', {
      alias: 't',
      type: 'string',
      array: true,
      describe: 'run only tasks with these tags (comma list, repeatable)',
    })
    .option('skip-tags', { type: 'string', array: true, describe: 'skip tasks with these tags' })
    .option('limit', {
      alias: 'l',
      type: 'string',
      describe: "narrow the hosts to a pattern ('node3', 'etcd:!node1', @file)",
    })
    .option('extra-vars', {
      alias: 'e',
      type: 'string',
      array: true,
      describe: 'variables above all others: k=v, @file.yml or JSON',
    })
    .option('forks', { alias: 'f', type: 'number', describe: 'hosts worked on at once (default: all)' })
    .option('list-hosts', {
      type: 'boolean',
      default: false,
      describe: 'list the hosts each play would run on, then stop',
    })
    .option('list-tasks', {
      type: 'boolean',
      default: false,
      describe: 'list the tasks that would run, with their tags, then stop',
    })
    .option('list-tags', { type: 'boolean', default: false, describe: 'list the tags of the tasks, then stop' })
    .option('syntax-check', {
      type: 'boolean',
      default: false,
      describe: 'read and check the playbook, roles and templates, then stop',
    })
    .option('resume', {
      type: 'boolean',
      default: false,
      describe: 'continue each host from the task where the last run of this playbook stopped',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON event per line instead of text' })
    .option('start-at-task', {
      type: 'string',
      describe: 'start at the first task with this name (glob)',
    }) as unknown as Argv<RunArgs>;
}
