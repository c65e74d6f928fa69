// How a play's tasks meet its hosts. linear: every host finishes a task before the next one starts.
// free: each host runs through the list on its own. Blocks give rescue/always per host; handlers run where
// Ansible runs them (meta: flush_handlers, and the end of each section of the play).
import { relative } from 'node:path';
import { KplayError } from '../core/errors.js';
import { taskTitle } from '../playbook/listing.js';
import { liveHosts, type HostState, type PlayCtx } from './run-state.js';
import { tagsSelect, type TagFilter } from '../playbook/tags.js';
import { runTask, resultEvent, noLogFor } from './task-exec.js';
import { condition } from './conditions.js';
import { toBool } from '../core/value-utils.js';
import { UNREACHABLE_CODES, type Outcome } from './outcome.js';
import { taskVars } from '../vars/context.js';
import { toList } from '../playbook/inherit.js';
import { resolveInclude } from './dynamic-include.js';
import { failInclude, includeWhen, isLooped, runIncludeLoop } from './include-loop.js';
import type { Block, Include, Task, TaskNode, Vars } from '../core/types.js';

export interface StrategyCtx extends PlayCtx {
  filter: TagFilter;
  /** --start-at-task: skip until a task matches (then cleared) */
  skipUntil?: ((t: Task) => boolean) | undefined;
  /** How many templated includes are running inside each other now. */
  includeDepth?: number;
}

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
  for (const n of nodes) {
    if (p.stopping) return;
    const active = live(p, hosts);
    if (active.length === 0) return;
    if (n.kind === 'block') await runBlock(p, n, active, handler);
    else if (n.kind === 'task') await runTaskOnHosts(p, n, active, handler);
    else await runInclude(p, n, active);
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
    await runNodes(p, b.rescue, failedHere, handler);
  }
  if (b.always.length) {
    // always runs for every host that entered the block, failed or not (not for unreachable ones)
    const stillFailed = hosts.filter((h) => p.hosts.get(h)!.failed && !p.hosts.get(h)!.unreachable);
    for (const h of stillFailed) p.hosts.get(h)!.failed = false;
    await runNodes(p, b.always, hosts, handler);
    for (const h of stillFailed) p.hosts.get(h)!.failed = true;
  }
}

async function runInclude(p: StrategyCtx, inc: Include, hosts: string[]): Promise<void> {
  if (!tagsSelect(inc.tags, p.filter)) return;
  if (isLooped(inc)) return runIncludeLoop(p, inc, hosts, (run) => includeBody(p, inc, run));
  await includeBody(p, inc, includeWhen(p, inc, hosts));
}

async function includeBody(p: StrategyCtx, inc: Include, run: string[]): Promise<void> {
  if (inc.loaded) return runNodes(p, inc.loaded, run);
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
  if (t.module === 'meta') return runMeta(p, t, hosts);
  p.bus.emit({ type: 'task_start', task: taskTitle(t), taskId: t.id, hosts, handler });
  const runOnce = toBool(t.keywords.run_once);
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
    const apply = runOnce ? hosts : [h];
    for (const host of apply) report(p, t, host, o, Date.now() - start, keys.get(host));
  });
  const anyFatal = p.play.anyErrorsFatal || toBool(t.keywords.any_errors_fatal);
  if (anyFatal && hosts.some((h) => p.hosts.get(h)!.failed)) for (const h of hosts) p.hosts.get(h)!.ended = true;
}

/** run_once: what the task registered or set on the host it ran on is set on every host, as Ansible does. */
function shareFacts(p: StrategyCtx, from: string, before: Record<string, unknown>, hosts: string[]): void {
  const after = p.rv.hostFacts.get(from) ?? {};
  const changed = Object.entries(after).filter(([k, v]) => before[k] !== v);
  for (const h of hosts) {
    if (h === from) continue;
    const f = p.rv.hostFacts.get(h) ?? {};
    for (const [k, v] of changed) f[k] = v;
    p.rv.hostFacts.set(h, f);
  }
}

function unreachableOrFailed(e: unknown): Outcome {
  if (e instanceof KplayError && UNREACHABLE_CODES.has(e.code)) {
    return { status: 'unreachable', msg: e.format(), result: { unreachable: true, msg: e.message } };
  }
  const msg = e instanceof KplayError ? e.format() : String((e as Error)?.message ?? e);
  return { status: 'failed', msg, result: { failed: true, msg } };
}

/** play : task id # how many times this task already ran on this host. */
function taskKey(p: StrategyCtx, t: Task, host: string): string {
  const seen = p.hosts.get(host)!.seen;
  const n = (seen.get(t.id) ?? 0) + 1;
  seen.set(t.id, n);
  return `${p.play.index}:${relative(p.rv.playbookDir, t.id)}#${n}`;
}

function report(p: StrategyCtx, t: Task, host: string, o: Outcome, ms: number, key?: string): void {
  const hs: HostState = p.hosts.get(host)!;
  p.recap.count(host, o.status, ms);
  if (o.status === 'failed') hs.failed = true;
  if (o.status === 'unreachable') hs.unreachable = true;
  if ((o.status === 'changed' || (o.status === 'uncertain' && p.opts.check)) && t.keywords.notify !== undefined) {
    for (const n of toList(t.keywords.notify)) hs.notified.add(n);
  }
  const register = t.keywords.register;
  const setFacts = o.status === 'ok' ? o.setFacts : undefined;
  const ev = { ...resultEvent(t, host, o, ms), key, register, setFacts };
  p.bus.emit(hidden(p, t, host, o) ? censored(ev) : ev);
}

/** no_log as runTask rendered it; for an outcome made here (unreachable), rendered now. */
function hidden(p: StrategyCtx, t: Task, host: string, o: Outcome): boolean {
  if (o.noLog !== undefined) return o.noLog;
  let vars: Vars | undefined;
  try {
    vars = taskVars(p.rv, p.play, t, host, p.playHosts);
  } catch {
    vars = undefined;
  }
  return noLogFor(t, vars, host);
}

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** no_log: the result, message, diff and change list stay out of every output, report and journal. */
function censored<E extends ReturnType<typeof resultEvent>>(e: E): E {
  return {
    ...e,
    msg: e.msg === undefined ? undefined : CENSORED,
    result: { censored: CENSORED, changed: e.result?.changed ?? false },
    show: e.show ? { censored: CENSORED } : undefined,
    diff: undefined,
    changes: undefined,
    setFacts: undefined,
  };
}

async function runMeta(p: StrategyCtx, t: Task, hosts: string[]): Promise<void> {
  const action = String(t.args._raw_params);
  const run = hosts.filter((h) => t.when.every((c) => condition(c, taskVars(p.rv, p.play, t, h, p.playHosts))));
  switch (action) {
    case 'flush_handlers':
      // refused at load in a handler list; this catches one brought in by an include inside a handler
      if (flushing.has(p))
        throw new KplayError('flush_handlers cannot be used as a handler', {
          code: 'PLAYBOOK',
          loc: t.loc,
          task: t.name,
        });
      await flushHandlers(p, hosts);
      return;
    case 'end_host':
      for (const h of run) p.hosts.get(h)!.ended = true;
      return;
    case 'end_play':
    case 'end_batch':
      if (run.length) for (const h of hosts) p.hosts.get(h)!.ended = true;
      return;
    case 'clear_host_errors':
      for (const s of p.hosts.values()) if (!s.unreachable) s.failed = false;
      return;
    case 'clear_facts':
      for (const h of run) p.rv.facts.delete(h);
      return;
    default:
      return; // noop, refresh_inventory, reset_connection
  }
}

/** Plays whose handlers are running now. */
const flushing = new WeakSet<StrategyCtx>();

/** Run notified handlers, in the order they are written, on the hosts that notified them. */
export async function flushHandlers(p: StrategyCtx, hosts: string[]): Promise<void> {
  // handlers do not see the item of a looped include that flushes them
  const overlays = p.rv.includeVars;
  const saved = new Map(hosts.map((h) => [h, overlays?.get(h)]));
  for (const h of hosts) overlays?.delete(h);
  flushing.add(p);
  try {
    for (const hnode of p.play.handlers) {
      if (p.stopping) return;
      const names = [hnode.name, ...toList(hnode.keywords.listen)].filter((x): x is string => !!x);
      const targets = live(p, hosts).filter((h) => names.some((n) => p.hosts.get(h)!.notified.has(n)));
      if (targets.length === 0) continue;
      await runNodes(p, [hnode], targets, true);
    }
    for (const h of hosts) p.hosts.get(h)!.notified.clear();
  } finally {
    flushing.delete(p);
    for (const [h, v] of saved) if (v !== undefined) overlays!.set(h, v);
  }
}
