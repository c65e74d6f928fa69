// `kplay run PLAYBOOK -i SITE`: read and check everything, then list, syntax-check or run.
import { KplayError } from '../core/errors.js';
import { listHosts, listTags, listTasks } from '../playbook/listing.js';
import { prepareRun } from '../check/prepare.js';
import { parseTagList } from '../playbook/tags.js';
import { parseExtraVars } from '../vars/vars.js';
import type { Output } from '../core/output.js';
import type { RunArgs } from './run-options.js';

export async function runCommand(a: RunArgs, out: Output): Promise<number> {
  if (a.forks !== undefined && (!Number.isInteger(a.forks) || a.forks < 1))
    throw new KplayError(`--forks must be a whole number of 1 or more, got ${a.forks}`, { code: 'OPTIONS' });
  if (a.detailedExitcode && !a.check)
    throw new KplayError('--detailed-exitcode goes with --check (it says whether changes are pending)', {
      code: 'OPTIONS',
    });
  const extra = parseExtraVars(a.extraVars ?? []);
  const { inv, pb, plan, filter, modules, warnings } = await prepareRun({
    playbook: a.playbook,
    inventory: a.inventory ?? [],
    limit: a.limit,
    extra,
    filter: { only: parseTagList(a.tags), skip: parseTagList(a.skipTags) },
    startAtTask: a.startAtTask,
    lenient: !!a.syntaxCheck,
  });
  for (const w of warnings) out.warn(w);
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
      modules,
      inv,
      plan,
      extra,
      filter,
      opts: { check: !!a.check, diff: !!a.diff, forks: a.forks, detailedExitcode: !!a.detailedExitcode },
      startAt: a.startAtTask,
      json: !!a.json,
      resume: !!a.resume,
      inventories: a.inventory ?? [],
    },
    out,
  );
}
