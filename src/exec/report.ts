// What a task's outcome leaves on its host and in the run's output: the host's standing (failed, unreachable,
// the failure rescue reads), the handlers it notifies, run_once's shared results, and the result event
// (censored under no_log).
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import { markResult } from '../core/results.js';
import type { Task, Vars } from '../core/types.js';
import { toList } from '../playbook/inherit.js';
import { renderString } from '../template/template.js';
import { taskVars } from '../vars/context.js';
import { UNREACHABLE_CODES, type Outcome } from './outcome.js';
import type { HostState, StrategyCtx } from './run-state.js';
import { noLogFor } from './no-log.js';
import { resultEvent } from './task-exec.js';
import { registerResult } from './task-skip.js';
import { toBool } from '../core/value-utils.js';

export function unreachableOrFailed(e: unknown): Outcome {
  if (e instanceof KplayError && UNREACHABLE_CODES.has(e.code)) {
    return { status: 'unreachable', msg: e.format(), result: { unreachable: true, msg: e.message } };
  }
  const msg = e instanceof KplayError ? e.format() : String((e as Error)?.message ?? e);
  // the result's msg is the message alone, as Ansible's (a rescue may compare ansible_failed_result.msg)
  return { status: 'failed', msg, result: { failed: true, msg: e instanceof KplayError ? e.message : msg } };
}

/** run_once: what the task registered or set on the host it ran on is set on every host, as Ansible does. */
export function shareFacts(p: StrategyCtx, from: string, before: Record<string, unknown>, hosts: string[]): void {
  const after = p.rv.hostFacts.get(from) ?? {};
  const changed = Object.entries(after).filter(([k, v]) => before[k] !== v);
  for (const h of hosts) {
    if (h === from) continue;
    const f = p.rv.hostFacts.get(h) ?? {};
    for (const [k, v] of changed) f[k] = v;
    p.rv.hostFacts.set(h, f);
  }
}

/** The failed task as `ansible_failed_task` shows it in rescue (the fields a rescue reads). */
export function failedTask(t: Task): Vars {
  // data, as the task was written: its templated arguments are not rendered when a rescue reads it
  return markResult({
    name: t.name ?? '',
    action: t.module,
    args: t.args,
    tags: t.tags,
    when: t.when.map((c) => c.source),
    register: t.keywords.register ?? null,
    delegate_to: t.keywords.delegate_to ?? null,
  });
}

export function report(p: StrategyCtx, t: Task, host: string, o: Outcome, ms: number, key?: string): void {
  const hs: HostState = p.hosts.get(host)!;
  // ignore_unreachable: the host stays in the play, its result registered; Ansible counts it ok and ignored
  const ignored = o.status === 'unreachable' && ignoresUnreachable(p, t, host);
  if (ignored) registerResult(p, t, host, o.result);
  p.recap.count(host, ignored ? 'ignored' : o.status, ms);
  if (o.status === 'failed') {
    hs.failed = true;
    hs.failure = { task: failedTask(t), result: o.result };
  }
  if (o.status === 'unreachable' && !ignored) hs.unreachable = true;
  if ((o.status === 'changed' || (o.status === 'uncertain' && p.opts.check)) && t.keywords.notify !== undefined) {
    for (const n of notifyNames(p, t, host)) hs.notified.add(n);
  }
  const register = t.keywords.register;
  const setFacts = o.status === 'ok' ? o.setFacts : undefined;
  const ev = { ...resultEvent(t, host, o, ms), key, register, setFacts };
  p.bus.emit(hidden(p, t, host, o) ? censored(ev) : ev);
}

/** The handlers a task notifies on a host: a templated name is rendered with the host's variables (one that
 *  cannot be rendered is a warning, and notifies nothing). */
function notifyNames(p: StrategyCtx, t: Task, host: string): string[] {
  const names = toList(t.keywords.notify);
  if (!names.some((n) => n.includes('{{'))) return names;
  const vars = taskVars(p.rv, p.play, t, host, p.playHosts);
  return names.flatMap((n) => {
    if (!n.includes('{{')) return [n];
    try {
      return toList(renderString(n, { vars, host }, { loc: valueLoc(t.raw, 'notify') ?? t.loc }));
    } catch (e) {
      const why = e instanceof KplayError ? e.format() : String(e);
      p.bus.emit({
        type: 'warning',
        msg: `notify '${n}' on ${host} cannot be rendered, so it notifies nothing: ${why}`,
      });
      return [];
    }
  });
}

function ignoresUnreachable(p: StrategyCtx, t: Task, host: string): boolean {
  const v = t.keywords.ignore_unreachable;
  if (v === undefined || v === null) return false;
  if (typeof v !== 'string' || !v.includes('{{')) return toBool(v);
  try {
    return toBool(renderString(v, { vars: taskVars(p.rv, p.play, t, host, p.playHosts), host }));
  } catch {
    return false;
  }
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
