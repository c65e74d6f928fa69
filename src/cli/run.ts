// `kplay run PLAYBOOK -i SITE`: read and check everything, then list, syntax-check or run.
import { dirname, resolve } from 'node:path';
import { KplayError, Problems } from '../core/errors.js';
import { libraryDirs, loadUserModules } from '../playbook/user-modules.js';
import { emptyInventory, loadInventory } from '../inventory/inventory.js';
import { listHosts, listTags, listTasks } from '../playbook/listing.js';
import { readPlaybook } from '../playbook/playbook.js';
import { planHosts } from '../check/run-plan.js';
import { checkSelection } from '../check/selection.js';
import { parseTagList, type TagFilter } from '../playbook/tags.js';
import { validatePlaybook } from '../check/validate.js';
import { parseExtraVars } from '../vars/vars.js';
import type { Output } from '../core/output.js';
import type { RunArgs } from './run-options.js';

export async function runCommand(a: RunArgs, out: Output): Promise<number> {
  if (a.forks !== undefined && (!Number.isInteger(a.forks) || a.forks < 1))
    throw new KplayError(`--forks must be a whole number of 1 or more, got ${a.forks}`, { code: 'OPTIONS' });
  const extra = parseExtraVars(a.extraVars ?? []);
  const problems = new Problems();
  const inv = a.inventory?.length ? loadInventory(a.inventory, problems) : emptyInventory();
  for (const dir of libraryDirs(dirname(resolve(a.playbook)))) await loadUserModules(dir);
  const pb = readPlaybook(a.playbook, problems);
  validatePlaybook(pb, problems);
  const filter: TagFilter = { only: parseTagList(a.tags), skip: parseTagList(a.skipTags) };
  const plan = planHosts(pb, inv, a.limit, problems, { extra, lenient: !!a.syntaxCheck });
  const selection = checkSelection(pb, filter, a.startAtTask, problems);
  problems.throwIfAny();
  for (const w of [...plan.warnings, ...selection]) out.warn(w);
  if (a.syntaxCheck) {
    out.print(`\nplaybook: ${a.playbook}\n`);
    return 0;
  }
  const opts = {
    filter,
    startAt: a.startAtTask,
    hosts: (p: (typeof pb.plays)[number]) => plan.plays.find((x) => x.play === p)?.hosts ?? [],
  };
  if (a.listHosts || a.listTasks || a.listTags) {
    if (a.listHosts) out.print(listHosts(pb, opts));
    if (a.listTasks) out.print(listTasks(pb, opts));
    if (a.listTags) out.print(listTags(pb, opts));
    return 0;
  }
  const { execute } = await import('./execute.js');
  return execute(
    {
      pb,
      inv,
      plan,
      extra,
      filter,
      opts: { check: !!a.check, diff: !!a.diff, forks: a.forks },
      startAt: a.startAtTask,
      json: !!a.json,
      resume: !!a.resume,
      inventories: a.inventory ?? [],
    },
    out,
  );
}
