// What --tags and --start-at-task select, checked before the run: a selection that matches nothing is said
// out loud, never a silent empty run. A tag no task carries is a warning (Ansible says nothing); a
// --start-at-task that names no task is an error, as in Ansible (which finds out only while running).
import { KplayError, type Problems } from '../core/errors.js';
import { flatten, nameMatches } from '../playbook/listing.js';
import { collectTags, selectTasks, type TagFilter } from '../playbook/tags.js';
import type { Playbook, TaskNode } from '../core/types.js';

const SPECIAL_TAGS = new Set(['all', 'tagged', 'untagged', 'always', 'never']);

function allNodes(pb: Playbook): TaskNode[] {
  return pb.plays.flatMap((p) => [...p.preTasks, ...p.tasks, ...p.postTasks, ...p.handlers]);
}

/** Warnings for tags that select nothing; a problem for a --start-at-task that names no task. */
export function checkSelection(
  pb: Playbook,
  filter: TagFilter,
  startAt: string | undefined,
  problems: Problems,
): string[] {
  const warnings: string[] = [];
  const known = collectTags(allNodes(pb));
  for (const p of pb.plays) for (const t of p.tags) known.add(t);
  const missing = filter.only.filter((t) => !SPECIAL_TAGS.has(t) && !known.has(t));
  const listed = [...known].filter((t) => !SPECIAL_TAGS.has(t)).sort();
  if (missing.length) {
    warnings.push(
      `--tags ${missing.map((t) => `'${t}'`).join(', ')}: no task read before the run has ` +
        `${missing.length > 1 ? 'these tags' : 'this tag'} (the playbook's tags: ${listed.join(', ') || 'none'})`,
    );
  }
  const selected = pb.plays.flatMap((p) => flatten(selectTasks([...p.preTasks, ...p.tasks, ...p.postTasks], filter)));
  if (filter.only.length && selected.length === 0)
    warnings.push(`--tags ${filter.only.join(',')} selects no task: nothing will run`);
  if (startAt !== undefined && !selected.some((t) => nameMatches(startAt, t))) {
    problems.push(
      new KplayError(
        `--start-at-task '${startAt}' matches no task` +
          (filter.only.length || filter.skip.length ? ' that the tags select' : ''),
        {
          code: 'OPTIONS',
          hint:
            'it can start at a task of the playbook, its roles and its imports, ' +
            'not at one inside include_tasks/include_role',
        },
      ),
    );
  }
  return warnings;
}
