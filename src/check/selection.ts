// What --tags, --skip-tags and --start-at-task select, checked before the run: a selection that matches nothing
// is said out loud, never a silent empty run. A tag of --tags or --skip-tags that no task, role or play carries
// is a warning naming the tags there are (Ansible says nothing: a misspelt --skip-tags would run what it meant
// to skip); a --start-at-task that names no task is an error, as in Ansible (which finds out only while running).
import { KplayError, type Problems } from '../core/errors.js';
import { flatten, nameMatches } from '../playbook/listing.js';
import { collectTags, selectTasks, type TagFilter } from '../playbook/tags.js';
import type { Playbook, TaskNode } from '../core/types.js';
import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative to the current folder when inside it. */
function shown(file: string): string {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}

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
  const listed = [...known].filter((t) => !SPECIAL_TAGS.has(t)).sort();
  const there = `(tags there: ${listed.join(', ') || 'none'})`;
  for (const [option, tags] of [
    ['--tags', filter.only],
    ['--skip-tags', filter.skip],
  ] as const) {
    for (const t of new Set(tags))
      if (!SPECIAL_TAGS.has(t) && !known.has(t))
        warnings.push(`tag '${t}' (${option}) matches nothing in ${shown(pb.file)} ${there}`);
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
