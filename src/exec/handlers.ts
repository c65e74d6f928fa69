// Handlers, run where Ansible runs them (meta: flush_handlers, and the end of each section of the play) on the
// hosts that notified them, in the order they are written. force_handlers (the play keyword, or
// --force-handlers) runs them on a host that failed after notifying them (it stays failed). A handler's name may
// be a template, rendered with the play's variables (not a host's, as in Ansible). And `meta`, whose actions act
// on the play.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Task, TaskNode } from '../core/types.js';
import { toBool } from '../core/value-utils.js';
import { toList } from '../playbook/inherit.js';
import { renderString } from '../template/template.js';
import { taskVars } from '../vars/context.js';
import { condition } from './conditions.js';
import { liveHosts, type RunNodes, type StrategyCtx } from './run-state.js';

/** Plays whose handlers are running now. */
const flushing = new WeakSet<StrategyCtx>();

/** force_handlers of the play (a template is rendered with the play's variables), or --force-handlers. */
function forceHandlers(p: StrategyCtx): boolean {
  if (p.opts.forceHandlers) return true;
  const v = p.play.keywords.force_handlers;
  if (typeof v !== 'string' || !v.includes('{{')) return v !== undefined && toBool(v);
  const vars = taskVars(p.rv, p.play, undefined, '', p.playHosts);
  return toBool(renderString(v, { vars, host: '' }, { loc: valueLoc(p.play.keywords, 'force_handlers') }));
}

/** What a handler answers to: its name (rendered, when a template) and its listen topics. A name that cannot
 *  be rendered leaves the handler to its topics, with a warning, as in Ansible. */
function namesOf(p: StrategyCtx, h: TaskNode): string[] {
  const names = toList(h.keywords.listen);
  if (!h.name) return names;
  if (!h.name.includes('{{')) return [h.name, ...names];
  try {
    const vars = taskVars(p.rv, p.play, h, '', p.playHosts);
    return [String(renderString(h.name, { vars, host: '' }, { loc: valueLoc(h.raw, 'name') })), ...names];
  } catch (e) {
    const why = e instanceof KplayError ? e.message : String(e);
    p.bus.emit({
      type: 'warning',
      msg: `handler '${h.name}': its name cannot be rendered (${why}); only its listen topics notify it`,
    });
    return names;
  }
}

/** Run notified handlers, in the order they are written, on the hosts that notified them. */
export async function flushHandlers(p: StrategyCtx, hosts: string[], runNodes: RunNodes): Promise<void> {
  // handlers do not see the item of a looped include that flushes them
  const overlays = p.rv.includeVars;
  const saved = new Map(hosts.map((h) => [h, overlays?.get(h)]));
  for (const h of hosts) overlays?.delete(h);
  flushing.add(p);
  let rejoin: string[] = [];
  try {
    const waiting = hosts.filter((h) => p.hosts.get(h)!.notified.size > 0);
    if (waiting.length && waiting.some((h) => p.hosts.get(h)!.failed) && forceHandlers(p))
      rejoin = waiting.filter((h) => p.hosts.get(h)!.failed && !p.hosts.get(h)!.unreachable);
    for (const h of rejoin) p.hosts.get(h)!.failed = false;
    for (const hnode of p.play.handlers) {
      if (p.stopping) return;
      const targets = liveHosts(p, hosts).filter((h) => p.hosts.get(h)!.notified.size > 0);
      if (targets.length === 0) break;
      const names = namesOf(p, hnode);
      const run = targets.filter((h) => names.some((n) => p.hosts.get(h)!.notified.has(n)));
      if (run.length) await runNodes(p, [hnode], run, true);
    }
    for (const h of hosts) p.hosts.get(h)!.notified.clear();
  } finally {
    flushing.delete(p);
    for (const h of rejoin) p.hosts.get(h)!.failed = true;
    for (const [h, v] of saved) if (v !== undefined) overlays!.set(h, v);
  }
}

export async function runMeta(p: StrategyCtx, t: Task, hosts: string[], runNodes: RunNodes): Promise<void> {
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
      await flushHandlers(p, hosts, runNodes);
      return;
    case 'end_host':
      for (const h of run) p.hosts.get(h)!.ended = true;
      return;
    case 'end_play':
    case 'end_batch':
      if (run.length) for (const h of hosts) p.hosts.get(h)!.ended = true;
      return;
    case 'clear_host_errors':
      // as Ansible: the failed hosts stay out of this play, take part in the next ones, and no longer make the
      // run fail (the recap still counts their failures); unreachable hosts stay unreachable
      if (run.length)
        for (const s of p.hosts.values())
          if (s.failed && !s.unreachable) {
            s.failed = false;
            s.ended = true;
            p.recap.clearErrors(s.name);
          }
      return;
    case 'clear_facts':
      for (const h of run) p.rv.facts.delete(h);
      return;
    default:
      return; // noop, refresh_inventory, reset_connection
  }
}
