// Reads ahead (issue 18: one round trip per task): before a plan, the files it will stat (the module's
// `loopReads`, from its arguments) are read in one command per kind, and the plans' own stats find them cached.
// - A loop's items (readAhead), when every item runs on the same host.
// - The tasks that follow in the same list (readAheadTasks): before a task runs on a host, the stats of it and of
//   the next plain tasks there (no loop, selected by the tags, their `when` true now, on that host), never past
//   a task after which the host may have changed unannounced (endsReadAhead: a wait, a background job), so a
//   run of file tasks costs the host one `stat` (and one checksum program) rather than one a task.
// Arguments that cannot be rendered yet (a variable a task between will register) are passed over: the task's
// own stat reads them. What a change touches is forgotten as always, and a change the reader cannot place (a
// command, a package, a service) forgets every stat: the next task reads ahead again.
import type { Task, TaskNode, Vars } from '../core/types.js';
import { dropOmitted } from '../core/omit.js';
import { tagsSelect } from '../playbook/tags.js';
import { isTaskModule, type FileRead } from '../tasks/contract.js';
import { extendVars } from '../vars/lazy-vars.js';
import { taskVars } from '../vars/context.js';
import { condition, loopKeyword } from './conditions.js';
import type { HostReader } from './host-reader.js';
import { itemVars } from './loops.js';
import { targetOf } from './module-exec.js';
import type { PlayCtx, StrategyCtx } from './run-state.js';
import { renderArgs } from './task-args.js';

export async function readAhead(
  p: PlayCtx,
  t: Task,
  host: string,
  base: Vars,
  items: unknown[] | undefined,
  lc: Vars | undefined,
): Promise<void> {
  const spec = p.modules.find(t.module);
  if (!spec || !isTaskModule(spec) || !spec.loopReads || SIDE_EFFECTS.test(JSON.stringify(t.args))) return;
  try {
    // a task its condition skips reads nothing (a loop's is judged per item, after)
    if (!items && !t.when.every((c) => condition(c, base))) return;
  } catch {
    return;
  }
  const reads: FileRead[] = [];
  let target: string | undefined;
  for (let i = 0; i < (items?.length ?? 1); i++) {
    try {
      const vars = items ? extendVars(base, itemVars(lc, items, i)) : base;
      const on = targetOf(t, vars, host);
      if (target !== undefined && on !== target) return;
      target = on;
      reads.push(...spec.loopReads(dropOmitted(renderArgs(t, spec, vars, host))));
    } catch {
      /* the item's own run renders it again, and fails there if it must */
    }
  }
  if (target === undefined || reads.length < 2) return;
  try {
    await (await p.conn(target)).reader.prefetch(reads);
  } catch {
    /* an unreachable host: the first item meets it */
  }
}

/** The most tasks read ahead at once. */
const AHEAD = 40;
/** Per host (its reader): the tasks whose stats were read ahead, and the reader's `clears` then. */
const covered = new WeakMap<HostReader, { clears: number; tasks: Set<Task> }>();

export async function readAheadTasks(p: StrategyCtx, nodes: TaskNode[], from: number, host: string): Promise<void> {
  const first = nodes[from];
  if (first?.kind !== 'task' || endsReadAhead(p, first)) return;
  let reader: HostReader;
  try {
    reader = (await p.conn(host)).reader;
  } catch {
    return; // an unreachable host: the task meets it
  }
  const had = covered.get(reader);
  if (had && had.clears === reader.clears && had.tasks.has(first)) return;
  const now = { clears: reader.clears, tasks: new Set<Task>() };
  covered.set(reader, now);
  const reads: FileRead[] = [];
  for (let i = from; i < Math.min(nodes.length, from + AHEAD); i++) {
    const t = nodes[i]!;
    if (t.kind !== 'task' || (i > from && endsReadAhead(p, t))) break;
    now.tasks.add(t);
    reads.push(...plainReads(p, t, host));
  }
  if (reads.length < 2) return;
  try {
    await reader.prefetch(reads);
  } catch {
    /* the tasks' own stats meet it */
  }
}

/** Tasks after which the host may have changed in ways no task says (time passes, a job or the host acts): a
 *  background job's status, a wait, a retried task, a reboot, a meta action. Reading ahead stops before them. */
const WAITS = new Set(['async_status', 'wait_for', 'wait_for_connection', 'pause', 'reboot', 'meta']);

function endsReadAhead(p: StrategyCtx, t: Task): boolean {
  const name = p.modules.find(t.module)?.name ?? t.module;
  return WAITS.has(name) || t.keywords.async !== undefined || t.keywords.until !== undefined;
}

/** What a task that is not a loop will stat on `host`, as far as its arguments can be rendered now. */
function plainReads(p: StrategyCtx, t: Task, host: string): FileRead[] {
  const spec = p.modules.find(t.module);
  if (!spec || !isTaskModule(spec) || !spec.loopReads || loopKeyword(t) !== undefined) return [];
  if (!tagsSelect(t.tags, p.filter) || SIDE_EFFECTS.test(JSON.stringify(t.args))) return [];
  try {
    const vars = taskVars(p.rv, p.play, t, host, p.playHosts);
    if (!t.when.every((c) => condition(c, vars)) || targetOf(t, vars, host) !== host) return [];
    return spec.loopReads(dropOmitted(renderArgs(t, spec, vars, host)));
  } catch {
    return [];
  }
}

// arguments rendered twice must give the same paths and do nothing else: not with a lookup (`pipe` runs a
// command), a query or a random value
const SIDE_EFFECTS = /\b(lookup|query|q|random|now)\s*\(|\|\s*random\b/;
