// How a play's tasks meet its hosts. linear: every host finishes a task before the next one starts.
// free: each host runs through the list on its own. Blocks give rescue/always per host; handlers run where
// Ansible runs them (meta: flush_handlers, and the end of each section of the play).
import { relative } from 'node:path';
import { KplayError } from '../core/errors.js';
import { taskTitle } from '../playbook/listing.js';
import { activePlayHosts, liveHosts, type StrategyCtx } from './run-state.js';
import { tagsSelect } from '../playbook/tags.js';
import { runTask, resultEvent } from './task-exec.js';
import { readAheadTasks } from './loop-reads.js';
import { toBool } from '../core/value-utils.js';
import type { Outcome } from './outcome.js';
import { report, shareFacts, unreachableOrFailed } from './report.js';
import { flushHandlers as runHandlers, runMeta } from './handlers.js';
import { resolveInclude } from './dynamic-include.js';
import { failInclude, includeWhen, isLooped, runIncludeLoop } from './include-loop.js';
import type { Block, Include, Task, TaskNode } from '../core/types.js';

export type { StrategyCtx } from './run-state.js';

/** A templated include may include itself (until a condition stops it), as in Ansible, this deep at most. */
export const MAX_INCLUDE_DEPTH = 100;

const live = liveHosts;

/** Run `fn` for each host, at most `forks` at once. */
async function eachHost(hosts: string[], forks: number | undefined, fn: (h: string) => Promise<void>): Promise<void> {
  const limit = Math.max(1, forks ?? hosts.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, hosts.length) }, async () => {
    while (next < hosts.length) await fn(hosts[next++]!);
  });
  await Promise.all(workers);
}

export async function runNodes(p: StrategyCtx, nodes: TaskNode[], hosts: string[], handler = false): Promise<void> {
  for (const [i, n] of nodes.entries()) {
    if (p.stopping) return;
    const active = live(p, hosts);
    if (active.length === 0) return;
    if (n.kind === 'block') await runBlock(p, n, active, handler);
    else if (n.kind === 'task') {
      if (!handler) await Promise.all(active.map((h) => readAheadTasks(p, nodes, i, h)));
      await runTaskOnHosts(p, n, active, handler);
    } else await runInclude(p, n, active);
  }
}

async function runBlock(p: StrategyCtx, b: Block, hosts: string[], handler: boolean): Promise<void> {
  const before = new Set(hosts.filter((h) => p.hosts.get(h)!.failed));
  await runNodes(p, b.block, hosts, handler);
  const failedHere = hosts.filter((h) => p.hosts.get(h)!.failed && !before.has(h) && !p.hosts.get(h)!.unreachable);
  if (b.rescue.length && failedHere.length) {
    for (const h of failedHere) {
      p.hosts.get(h)!.failed = false;
      p.recap.rescued(h);
    }
    await withFailure(p, failedHere, () => runNodes(p, b.rescue, failedHere, handler));
  }
  if (b.always.length) {
    // always runs for every host that entered the block, failed or not (not for unreachable ones)
    const stillFailed = hosts.filter((h) => p.hosts.get(h)!.failed && !p.hosts.get(h)!.unreachable);
    for (const h of stillFailed) p.hosts.get(h)!.failed = false;
    await runNodes(p, b.always, hosts, handler);
    for (const h of stillFailed) p.hosts.get(h)!.failed = true;
  }
}

/** In rescue, `ansible_failed_task` and `ansible_failed_result` are the task that failed on the host and its
 *  result, as in Ansible (variables of the rescue's tasks, like a looped include's item). */
async function withFailure(p: StrategyCtx, hosts: string[], body: () => Promise<void>): Promise<void> {
  const overlays = (p.rv.includeVars ??= new Map());
  const saved = new Map(hosts.map((h) => [h, overlays.get(h)]));
  for (const h of hosts) {
    const f = p.hosts.get(h)!.failure;
    overlays.set(h, { ...saved.get(h), ansible_failed_task: f?.task ?? {}, ansible_failed_result: f?.result ?? {} });
  }
  try {
    await body();
  } finally {
    for (const [h, v] of saved) {
      if (v === undefined) overlays.delete(h);
      else overlays.set(h, v);
    }
  }
}

async function runInclude(p: StrategyCtx, inc: Include, hosts: string[]): Promise<void> {
  if (!tagsSelect(inc.tags, p.filter)) return;
  if (isLooped(inc)) return runIncludeLoop(p, inc, hosts, (run) => includeBody(p, inc, run));
  await includeBody(p, inc, includeWhen(p, inc, hosts));
}

async function includeBody(p: StrategyCtx, inc: Include, run: string[]): Promise<void> {
  if (inc.loaded) return runNodes(p, inc.loaded, run);
  if (inc.deferred?.length) {
    // its file had problems when the playbook was read (said then): the hosts that reach it fail here
    const list = inc.deferred.map((e) => e.format()).join('\n');
    const err = new KplayError(`${inc.kind} ${inc.target}:\n${list}`, {
      code: 'PLAYBOOK',
      loc: inc.loc,
      task: inc.name,
    });
    for (const h of run) failInclude(p, inc, h, err);
    return;
  }
  // a templated target: rendered per host, read and checked now, run per group of hosts that chose the same file
  for (const g of resolveInclude(p, inc, run)) {
    if (g.error) {
      for (const h of g.hosts) failInclude(p, inc, h, g.error);
      continue;
    }
    const depth = p.includeDepth ?? 0;
    if (depth >= MAX_INCLUDE_DEPTH) {
      const msg = `includes nested more than ${MAX_INCLUDE_DEPTH} deep (an include of itself that never stops?)`;
      for (const h of g.hosts) failInclude(p, inc, h, new KplayError(msg, { code: 'TASK_FAILED', loc: inc.loc }));
      continue;
    }
    p.includeDepth = depth + 1;
    try {
      await runNodes(p, g.nodes!, g.hosts);
    } finally {
      p.includeDepth = depth;
    }
  }
}

function selected(p: StrategyCtx, t: Task): boolean {
  if (!tagsSelect(t.tags, p.filter)) return false;
  if (p.skipUntil) {
    if (!p.skipUntil(t)) return false;
    p.skipUntil = undefined;
  }
  return true;
}

async function runTaskOnHosts(p: StrategyCtx, t: Task, hosts: string[], handler: boolean): Promise<void> {
  if (hosts.length === 0) return;
  if (!handler && !selected(p, t)) return;
  if (t.module === 'meta') return runMeta(p, t, hosts, runNodes);
  activePlayHosts(p);
  p.bus.emit({ type: 'task_start', task: taskTitle(t), taskId: t.id, hosts, handler, loc: t.loc, tags: t.tags });
  // add_host runs once for the play's hosts, reported for the first, as Ansible's host-loop-bypassing actions
  const bypass = p.modules.find(t.module)?.bypassHostLoop === true;
  const runOnce = bypass || toBool(t.keywords.run_once);
  const keys = new Map(hosts.map((h) => [h, taskKey(p, t, h)]));
  const resumed = hosts.filter((h) => p.hosts.get(h)!.resumeDone?.has(keys.get(h)!));
  for (const h of resumed)
    p.bus.emit({
      ...resultEvent(t, h, { status: 'skipped', msg: 'done in the run being resumed', result: { skipped: true } }, 0),
      key: keys.get(h),
    });
  for (const h of resumed) p.recap.count(h, 'skipped');
  hosts = hosts.filter((h) => !resumed.includes(h));
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  const throttle = t.keywords.throttle === undefined ? undefined : Number(t.keywords.throttle);
  const forks = throttle && throttle > 0 ? Math.min(throttle, p.opts.forks ?? throttle) : p.opts.forks;
  await eachHost(targets, forks, async (h) => {
    const start = Date.now();
    const before = runOnce ? { ...p.rv.hostFacts.get(h) } : undefined;
    const o = await runTask(p, t, h).catch((e): Outcome => unreachableOrFailed(e));
    if (before) shareFacts(p, h, before, hosts);
    const apply = runOnce && !bypass ? hosts : [h];
    for (const host of apply) report(p, t, host, o, Date.now() - start, keys.get(host));
  });
  const anyFatal = p.play.anyErrorsFatal || toBool(t.keywords.any_errors_fatal);
  if (anyFatal && hosts.some((h) => p.hosts.get(h)!.failed)) for (const h of hosts) p.hosts.get(h)!.ended = true;
}

/** play : task id # how many times this task already ran on this host. */
function taskKey(p: StrategyCtx, t: Task, host: string): string {
  const seen = p.hosts.get(host)!.seen;
  const n = (seen.get(t.id) ?? 0) + 1;
  seen.set(t.id, n);
  return `${p.play.index}:${relative(p.rv.playbookDir, t.id)}#${n}`;
}

/** Run notified handlers on the hosts that notified them (handlers.ts). */
export function flushHandlers(p: StrategyCtx, hosts: string[]): Promise<void> {
  return runHandlers(p, hosts, runNodes);
}
