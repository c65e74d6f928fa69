// `kplay apply PLAN`: run exactly what `kplay run ... --check --plan-out PLAN` planned. The plan's files must be
// as they were; each host is checked against the facts its plans read (a host that drifted is refused, the
// others go on); every task must plan again what it planned then.
import { PlanExpect } from '../exec/planfile/expect.js';
import { type PlanFile, readPlan } from '../exec/planfile/format.js';
import type { Output } from '../core/output.js';
import { checkPlanFiles, planFiles } from './plan-files.js';
import { runCommand } from './run.js';
import type { ApplyArgs } from './apply-options.js';
import type { RunArgs } from './run-options.js';

export async function applyCommand(a: ApplyArgs, out: Output): Promise<number> {
  const plan = readPlan(a.plan);
  checkPlanFiles(plan.files, planFiles(plan.args.playbook, plan.args.inventory));
  return runCommand({ ...runArgsOf(plan), json: !!a.json, planIn: new PlanExpect(plan) }, out);
}

/** The run a plan file records: every option `kplay run` was given, as it was given. */
export function runArgsOf(plan: PlanFile): RunArgs {
  const g = plan.args;
  return {
    playbook: g.playbook,
    inventory: g.inventory,
    limit: g.limit,
    extraVars: g.extraVars,
    tags: g.tags,
    skipTags: g.skipTags,
    startAtTask: g.startAtTask,
    forks: g.forks,
    diff: g.diff,
    forceHandlers: !!g.forceHandlers,
  };
}
