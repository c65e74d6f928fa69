// Everything before connecting, in one call: read the inventory and the playbook (and the playbook's own
// library/ modules), validate, select hosts and tasks. Every problem is collected and thrown at once. The CLI,
// the test harness and the load benchmark all start a run here.
import { dirname, resolve } from 'node:path';
import { Problems } from '../core/errors.js';
import { clearSecrets } from '../core/secrets.js';
import type { Playbook, Vars } from '../core/types.js';
import { emptyInventory, type Inventory, loadInventory } from '../inventory/inventory.js';
import { readPlaybook } from '../playbook/playbook.js';
import { builtins, type ModuleRegistry } from '../tasks/index.js';
import type { TagFilter } from '../playbook/tags.js';
import { libraryDirs, loadUserModules } from '../playbook/user-modules.js';
import { type HostPlan, planHosts } from './run-plan.js';
import { checkSelection } from './selection.js';
import { deferredWarnings, validatePlaybook } from './validate.js';
import { renderPlaybookTags } from './templated-tags.js';
import { newRunVars } from '../vars/context.js';
import { answerPrompts, type PromptMode } from './prompts.js';
import { lintSite, runWarnings, usesPreflight } from './site-lint/site-lint.js';

export interface PrepareInput {
  playbook: string;
  inventory: string[];
  limit?: string | undefined;
  extra?: Vars | undefined;
  filter?: TagFilter | undefined;
  startAtTask?: string | undefined;
  /** --syntax-check: a templated `hosts:` that cannot be rendered yet is not an error. */
  lenient?: boolean | undefined;
  /** vars_prompt: asked on a terminal, or unattended (the default), or skipped (--syntax-check always skips). */
  prompts?: PromptMode | undefined;
  /** The run's modules; by default a copy of the built-in ones (the playbook's library/ is added to it). */
  modules?: ModuleRegistry | undefined;
}

export interface Prepared {
  inv: Inventory;
  pb: Playbook;
  plan: HostPlan;
  filter: TagFilter;
  extra: Vars;
  modules: ModuleRegistry;
  /** Not errors, but worth saying before the run (a --limit that leaves a play no host ...). */
  warnings: string[];
}

export async function prepareRun(i: PrepareInput): Promise<Prepared> {
  clearSecrets(); // this run's secrets are registered as its inventory is read
  const problems = new Problems();
  const extra = i.extra ?? {};
  const filter = i.filter ?? { only: [], skip: [] };
  const inv = i.inventory.length ? loadInventory(i.inventory, problems) : emptyInventory();
  const modules = i.modules ?? builtins.copy();
  for (const dir of libraryDirs(dirname(resolve(i.playbook)))) await loadUserModules(dir, modules);
  const pb = readPlaybook(i.playbook, problems, modules);
  validatePlaybook(pb, problems, modules);
  const plan = planHosts(pb, inv, i.limit, problems, { extra, lenient: !!i.lenient });
  // --syntax-check reads no variables: templated tags stay as written there
  if (!i.lenient) renderPlaybookTags(pb.plays, newRunVars(inv, extra, pb.dir, false), problems);
  const selection = checkSelection(pb, filter, i.startAtTask, problems);
  await answerPrompts(pb, extra, i.lenient ? 'skip' : (i.prompts ?? 'unattended'), problems);
  problems.throwIfAny();
  const warnings = [...plan.warnings, ...selection, ...deferredWarnings(pb)];
  // the site linter runs for kplay's own cluster playbooks (those with the preflight role), as `kplay site check`
  if (i.inventory.length && usesPreflight(pb)) warnings.push(...runWarnings(lintSite(inv, pb), i.inventory));
  return { inv, pb, plan, filter, extra, modules, warnings };
}
