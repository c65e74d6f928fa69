// include_tasks / include_role whose target is a template (`include_tasks: "{{ ansible_os_family }}.yml"`):
// rendered per host at run time, read and checked then (a problem fails the hosts that asked for the file),
// and run for each group of hosts that resolved to the same file.
import { KplayError, Problems } from '../core/errors.js';
import { taskVars } from '../vars/context.js';
import { loadRole } from '../playbook/roles.js';
import { loadTaskFile, resolveTaskFile } from '../playbook/tasks-loader.js';
import type { LoadCtx } from '../playbook/inherit.js';
import { renderString } from '../template/template.js';
import { valueLoc } from '../core/places.js';
import type { PlayCtx } from './run-state.js';
import type { Include, Inherited, TaskNode } from '../core/types.js';
import { validatePlaybook } from '../check/validate.js';
import { renderTags } from '../check/templated-tags.js';

export interface Resolved {
  target: string;
  hosts: string[];
  nodes?: TaskNode[];
  error?: KplayError;
}

function load(p: PlayCtx, inc: Include, target: string): { nodes: TaskNode[]; problems: KplayError[] } {
  const key = `${inc.id}|${target}`;
  const hit = p.includes.get(key);
  if (hit) return hit;
  const problems = new Problems();
  const inh: Inherited = { when: [], tags: inc.tags, vars: inc.vars, keywords: inc.innerKeywords, role: inc.role };
  const ctx: LoadCtx = {
    problems,
    modules: p.modules,
    playbookDir: p.rv.playbookDir,
    stack: [inc.loc.file],
    importRole: (name, l, entry, i, c, tasksFrom, via) =>
      loadRole(name, l, entry, i, c, new Set(), { tasksFrom, via }).tasks,
  };
  const nodes =
    inc.kind === 'include_tasks'
      ? loadTaskFile(resolveTaskFile(target, inc.loc.file, inh, ctx), inc.loc, inh, ctx)
      : loadRole(target, inc.loc, {}, inh, ctx, new Set(), { via: 'include' }).tasks;
  // the same checks as before the run: conditions compile, templates parse, sources exist; tags rendered
  renderTags(nodes, p.play, p.rv, problems);
  validatePlaybook(
    {
      file: inc.loc.file,
      dir: p.rv.playbookDir,
      plays: [{ ...p.play, preTasks: [], tasks: nodes, postTasks: [], handlers: p.play.handlers }],
    },
    problems,
    p.modules,
  );
  const out = { nodes, problems: problems.list };
  p.includes.set(key, out);
  return out;
}

/** Render the target for each host and group the hosts by what they include. */
export function resolveInclude(p: PlayCtx, inc: Include, hosts: string[]): Resolved[] {
  const groups = new Map<string, Resolved>();
  for (const h of hosts) {
    let target: string;
    try {
      target = String(
        renderString(
          inc.target,
          { vars: taskVars(p.rv, p.play, inc, h, p.playHosts), host: h },
          { loc: valueLoc(inc.raw, inc.kind) },
        ),
      );
    } catch (e) {
      const err = e instanceof KplayError ? e : new KplayError(String(e), { code: 'TEMPLATE', loc: inc.loc, host: h });
      groups.set(`!${h}`, { target: inc.target, hosts: [h], error: err });
      continue;
    }
    const g = groups.get(target) ?? { target, hosts: [] };
    g.hosts.push(h);
    groups.set(target, g);
  }
  for (const g of groups.values()) {
    if (g.error) continue;
    const { nodes, problems } = load(p, inc, g.target);
    if (problems.length)
      g.error = new KplayError(`${inc.kind} ${g.target}:\n${problems.map((e) => e.format()).join('\n')}`, {
        code: 'PLAYBOOK',
        loc: inc.loc,
        task: inc.name,
      });
    else g.nodes = nodes;
  }
  return [...groups.values()];
}
