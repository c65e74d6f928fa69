// Templated tags (`tags: "{{ deploy_tags }}"`), rendered before the run as Ansible renders them: with the
// variables known without a host (the play's, its roles', the task's own and the extra vars), so --tags selects
// on the rendered names. A tag that cannot be rendered is a problem at its place, before any host is reached.
import { KplayError, type Problems } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Play, TaskNode } from '../core/types.js';
import { toList } from '../playbook/inherit.js';
import { renderString } from '../template/template.js';
import { taskVars, type RunVars } from '../vars/context.js';

/** Render every templated tag of `nodes` (blocks, includes and what they hold) in place. */
export function renderTags(nodes: TaskNode[], play: Play, rv: RunVars, problems: Problems): void {
  for (const n of nodes) {
    if (n.tags.some((t) => t.includes('{{'))) {
      const loc = valueLoc(n.raw, 'tags') ?? n.loc;
      try {
        const vars = taskVars(rv, play, n, '', []);
        const rendered = n.tags.flatMap((t) =>
          t.includes('{{') ? toList(renderString(t, { vars, host: '' }, { loc })) : [t],
        );
        n.tags = [...new Set(rendered)];
      } catch (e) {
        problems.push(e instanceof KplayError ? e.at({ loc }) : new KplayError(String(e), { code: 'TEMPLATE', loc }));
      }
    }
    if (n.kind === 'block') for (const part of [n.block, n.rescue, n.always]) renderTags(part, play, rv, problems);
    else if (n.kind !== 'task' && n.loaded) renderTags(n.loaded, play, rv, problems);
  }
}

/** The templated tags of a whole playbook, with the run's extra vars. */
export function renderPlaybookTags(plays: Play[], rv: RunVars, problems: Problems): void {
  for (const play of plays)
    renderTags([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers], play, rv, problems);
}
