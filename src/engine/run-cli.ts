// `kplay run PLAYBOOK -i SITE`: read and check everything, then list, syntax-check or run.
import type { Argv } from 'yargs';
import { KplayError, Problems } from './errors.js';
import { emptyInventory, loadInventory } from './inventory.js';
import { listHosts, listTags, listTasks } from './listing.js';
import { readPlaybook } from './playbook.js';
import { planHosts } from './run-plan.js';
import { parseTagList, type TagFilter } from './tags.js';
import { validatePlaybook } from './validate.js';
import { parseExtraVars } from './vars.js';
import type { Output } from '../output.js';

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
}

export function runOptions(y: Argv): Argv<RunArgs> {
  return y
    .positional('playbook', { type: 'string', describe: 'playbook file (YAML list of plays)', demandOption: true })
    .option('inventory', { alias: 'i', type: 'string', array: true, describe: 'inventory file or site folder (repeatable)' })
    .option('check', { alias: 'C', type: 'boolean', default: false, describe: 'plan only: report what would change, write nothing' })
    .option('diff', { alias: 'D', type: 'boolean', default: false, describe: 'show unified diffs of file changes' })
    .option('tags', { alias: 't', type: 'string', array: true, describe: 'run only tasks with these tags (comma list, repeatable)' })
    .option('skip-tags', { type: 'string', array: true, describe: 'skip tasks with these tags' })
    .option('limit', { alias: 'l', type: 'string', describe: "narrow the hosts to a pattern ('node3', 'etcd:!node1', @file)" })
    .option('extra-vars', { alias: 'e', type: 'string', array: true, describe: 'variables above all others: k=v, @file.yml or JSON' })
    .option('forks', { alias: 'f', type: 'number', describe: 'hosts worked on at once (default: all)' })
    .option('list-hosts', { type: 'boolean', default: false, describe: 'list the hosts each play would run on, then stop' })
    .option('list-tasks', { type: 'boolean', default: false, describe: 'list the tasks that would run, with their tags, then stop' })
    .option('list-tags', { type: 'boolean', default: false, describe: 'list the tags of the tasks, then stop' })
    .option('syntax-check', { type: 'boolean', default: false, describe: 'read and check the playbook, roles and templates, then stop' })
    .option('start-at-task', { type: 'string', describe: 'start at the first task with this name (glob)' }) as unknown as Argv<RunArgs>;
}

export async function runCommand(a: RunArgs, out: Output): Promise<number> {
  if (a.forks !== undefined && (!Number.isInteger(a.forks) || a.forks < 1)) throw new KplayError(`--forks must be a whole number of 1 or more, got ${a.forks}`, { code: 'OPTIONS' });
  const extra = parseExtraVars(a.extraVars ?? []);
  const problems = new Problems();
  const inv = a.inventory?.length ? loadInventory(a.inventory, problems) : emptyInventory();
  const pb = readPlaybook(a.playbook, problems);
  validatePlaybook(pb, problems);
  const filter: TagFilter = { only: parseTagList(a.tags), skip: parseTagList(a.skipTags) };
  const plan = planHosts(pb, inv, a.limit, problems);
  problems.throwIfAny();
  for (const w of plan.warnings) out.warn(w);
  if (a.syntaxCheck) {
    out.print(`\nplaybook: ${a.playbook}\n`);
    return 0;
  }
  const opts = { filter, startAt: a.startAtTask, hosts: (p: (typeof pb.plays)[number]) => plan.plays.find((x) => x.play === p)?.hosts ?? [] };
  if (a.listHosts || a.listTasks || a.listTags) {
    if (a.listHosts) out.print(listHosts(pb, opts));
    if (a.listTasks) out.print(listTasks(pb, opts));
    if (a.listTags) out.print(listTags(pb, opts));
    return 0;
  }
  void extra;
  throw new KplayError('the playbook is valid, but running it needs the executor, which is not built yet (issue 4); use --syntax-check or --list-tasks', { code: 'INTERNAL' });
}
