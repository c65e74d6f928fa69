// `kplay run PLAYBOOK -i SITE`: read and check everything, then list, syntax-check or run.
import { KplayError, Problems } from '../core/errors.js';
import { listHosts, listTags, listTasks } from '../playbook/listing.js';
import { prepareRun } from '../check/prepare.js';
import { parseTagList } from '../playbook/tags.js';
import { parseExtraVars } from '../vars/vars.js';
import type { Output } from '../core/output.js';
import type { RunArgs } from './run-options.js';
import { resolve } from 'node:path';
import { holdsSecret } from '../core/secrets.js';
import { PlanRecorder } from '../exec/planfile/record.js';
import { writePlan } from '../exec/planfile/format.js';
import type { PlanExpect } from '../exec/planfile/expect.js';
import { planFiles } from './plan-files.js';
import { ttyAsker } from './prompt-tty.js';
import { shippedPlaybook } from './shipped-playbook.js';

export async function runCommand(given: RunArgs & { planIn?: PlanExpect }, out: Output): Promise<number> {
  const a = { ...given, playbook: shippedPlaybook(given.playbook) };
  if (a.forks !== undefined && (!Number.isInteger(a.forks) || a.forks < 1))
    throw new KplayError(`--forks must be a whole number of 1 or more, got ${a.forks}`, { code: 'OPTIONS' });
  if (a.detailedExitcode && !a.check)
    throw new KplayError('--detailed-exitcode goes with --check (it says whether changes are pending)', {
      code: 'OPTIONS',
    });
  if (a.planOut !== undefined && !a.check)
    throw new KplayError('--plan-out goes with --check (it writes what the dry run planned)', { code: 'OPTIONS' });
  const extra = parseExtraVars(a.extraVars ?? []);
  const prepared = await prepareRun({
    playbook: a.playbook,
    inventory: a.inventory ?? [],
    limit: a.limit,
    extra,
    filter: { only: parseTagList(a.tags), skip: parseTagList(a.skipTags) },
    startAtTask: a.startAtTask,
    lenient: !!a.syntaxCheck,
    // vars_prompt: asked on a terminal when the playbook runs (not for --list-*), else unattended
    prompts: a.listHosts || a.listTasks || a.listTags ? 'skip' : process.stdin.isTTY ? ttyAsker() : 'unattended',
  });
  const { inv, pb, plan, filter, modules, warnings } = prepared;
  for (const w of warnings) out.warn(w);
  if (a.syntaxCheck && (a.inventory ?? []).length) {
    const { checkManifests } = await import('../check/manifest-check.js');
    // the manifests the run would render, with the site's settings: every problem at once, before any host
    const problems = new Problems();
    problems.push(...(problems.catch(() => checkManifests(prepared)) ?? []));
    problems.throwIfAny();
  }
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
  const planOut = a.planOut !== undefined ? new PlanRecorder() : undefined;
  const code = await execute(
    {
      planOut,
      planIn: a.planIn,
      pb,
      modules,
      inv,
      plan,
      extra,
      filter,
      opts: {
        check: !!a.check,
        diff: !!a.diff,
        forks: a.forks,
        detailedExitcode: !!a.detailedExitcode,
        forceHandlers: !!a.forceHandlers,
      },
      startAt: a.startAtTask,
      json: !!a.json,
      resume: !!a.resume,
      inventories: a.inventory ?? [],
    },
    out,
  );
  if (planOut) writePlanOut(a, planOut, code, out);
  return code;
}

/** The plan of a dry run where no host failed: written for `kplay apply`. */
function writePlanOut(a: RunArgs, rec: PlanRecorder, code: number, out: Output): void {
  if (code !== 0 && !(code === 2 && a.detailedExitcode)) {
    out.warn(`no plan written to ${a.planOut}: a host failed or was unreachable in the dry run`);
    return;
  }
  if ((a.extraVars ?? []).some(holdsSecret))
    throw new KplayError('an -e value is a secret, and a plan never holds one: give it in the site .env instead', {
      code: 'OPTIONS',
    });
  const args = {
    playbook: resolve(a.playbook),
    inventory: (a.inventory ?? []).map((i) => resolve(i)),
    limit: a.limit,
    extraVars: a.extraVars ?? [],
    tags: a.tags ?? [],
    skipTags: a.skipTags ?? [],
    startAtTask: a.startAtTask,
    forks: a.forks,
    diff: !!a.diff,
    forceHandlers: !!a.forceHandlers,
  };
  writePlan(a.planOut!, rec.file(args, planFiles(a.playbook, a.inventory ?? [])));
  out.print(`plan: ${a.planOut} (kplay apply ${a.planOut} runs it)`);
}
