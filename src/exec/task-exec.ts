// One task on one host: when, loop, templated args, plan, apply (or only plan in check mode), register,
// changed_when / failed_when, until / retries, ignore_errors. Returns the outcome; the strategy reports it.
import { KplayError } from '../core/errors.js';
import type { HostResultEvent, HostStatus } from '../events/bus.js';
import { taskVars } from '../vars/context.js';
import { extendVars } from '../vars/lazy-vars.js';
import type { PlayCtx } from './run-state.js';
import { renderString } from '../template/template.js';
import { renderArgs } from './task-args.js';
import { valueLoc } from '../core/places.js';
import { toBool } from '../core/value-utils.js';
import { runHostModule } from './module-exec.js';
import { runControllerModule } from './controller-modules.js';
import type { Task, Vars } from '../core/types.js';
import { taskTitle } from '../playbook/listing.js';
import { taskCheckMode } from './check-mode.js';
import { condition, loopControl } from './conditions.js';
import { loopOrSkip, registerResult, skippedBy } from './task-skip.js';
import { itemVars, pauseOf, sleep } from './loops.js';
import { readAhead } from './loop-reads.js';
import { UNREACHABLE_CODES, type Outcome } from './outcome.js';
import { attemptsOf, numberOf } from './task-retries.js';
import { taskRefs, condRefs, uncertainRef, uncertainOutcome } from './uncertain-vars.js';
import { dropOmitted } from '../core/omit.js';
import { asyncJob, withJobFields } from './async-task.js';
import { withArgHint } from './arg-hint.js';
import { noLogFor } from './no-log.js';

/** Evaluate a changed_when / failed_when / until keyword (string, bool or list) against vars. */
function keywordCondition(t: Task, key: string, vars: Vars): boolean | undefined {
  const v = t.keywords[key];
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.every((c, i) =>
    condition({ source: c as string, loc: Array.isArray(v) ? valueLoc(v, i) : valueLoc(t.raw, key) }, vars),
  );
}

/** Run one task on one host (all loop items). Never throws for a host problem: that becomes the outcome. */
export async function runTask(p: PlayCtx, t: Task, host: string): Promise<Outcome> {
  let base: Vars | undefined;
  let noLog = false;
  try {
    const first = taskVars(p.rv, p.play, t, host, p.playHosts);
    const check = taskCheckMode(p.opts.check, t, first, host);
    // the task's variables (made once here), read again after an item sets facts: the next item sees them
    const varsNow = (v = taskVars(p.rv, p.play, t, host, p.playHosts)) =>
      check !== p.opts.check ? extendVars(v, { ansible_check_mode: check }) : v;
    base = varsNow(first);
    const whenRefs = t.when.flatMap(condRefs);
    let items: ReturnType<typeof loopOrSkip>;
    try {
      items = loopOrSkip(t, base, host, p.rv.playbookDir);
    } catch (e) {
      // check mode: a loop over what an earlier task registers is known only after a real run
      const u = p.opts.check ? uncertainRef([...whenRefs, ...taskRefs(t, p.modules)], base) : undefined;
      if (u === undefined) throw e;
      return uncertainOutcome(p, t, host, u, base);
    }
    if (items === 'skipped') return { ...skippedBy(p, t, host, base)!, noLog: noLogFor(t, base, host) };
    const lc = items && loopControl(t, base, host);
    await readAhead(p, t, host, base, items, lc);
    if (items === undefined) {
      noLog = noLogFor(t, base, host);
      return { ...(await once(p, t, host, base, check, whenRefs)), noLog };
    }
    const pause = pauseOf(lc);
    const results: Vars[] = [];
    let status: HostStatus = 'skipped';
    const changes: string[] = [];
    const diff: NonNullable<Outcome['diff']> = [];
    let uncertainWhy: string | undefined; // the first uncertain item's reason, for the loop's result
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && pause > 0) await sleep(pause);
      const vars = extendVars(base, itemVars(lc, items, i));
      noLog ||= noLogFor(t, vars, host);
      const o = await once(p, t, host, vars, check, whenRefs);
      if (o.setFacts && i + 1 < items.length) base = varsNow();
      results.push({ ...o.result, ...itemVars(lc, items, i) });
      changes.push(...(o.changes ?? []));
      diff.push(...(o.diff ?? []));
      status = worse(status, o.status);
      if (o.status === 'uncertain') uncertainWhy ??= `item ${i + 1}: ${o.msg ?? 'known only after a real run'}`;
      // as Ansible, a failed item does not stop the loop; the task fails after the last item
    }
    const failedItems = results.filter((r) => r.failed === true);
    const failed = status === 'failed' || status === 'ignored';
    const result: Vars = {
      results,
      changed: results.some((r) => r.changed === true),
      msg: failed ? 'One or more items failed' : 'All items completed',
    };
    if (failed) result.failed = true;
    if (status === 'skipped') result.skipped = true;
    registerResult(p, t, host, result);
    const msg = failed
      ? failedItems.map((r) => String(r.msg ?? 'failed')).join('\n') || 'One or more items failed'
      : status === 'uncertain'
        ? uncertainWhy
        : undefined;
    return { status, result, changes, diff, msg, noLog };
  } catch (e) {
    // the variables or the loop cannot be made (an undefined variable): the task fails, pointing back at itself
    // (file:line:col, task name, host); ignore_errors covers it, as in Ansible
    const out = failedBy(e, t, host);
    const status = ignoresErrors(t, base, host) ? 'ignored' : 'failed';
    registerResult(p, t, host, out.result);
    return { ...out, status, noLog: noLog || noLogFor(t, base, host) };
  }
}

const RANK: HostStatus[] = ['skipped', 'ok', 'uncertain', 'changed', 'ignored', 'failed'];
function worse(a: HostStatus, b: HostStatus): HostStatus {
  return RANK.indexOf(b) > RANK.indexOf(a) ? b : a;
}

async function once(
  p: PlayCtx,
  t: Task,
  host: string,
  vars: Vars,
  check: boolean,
  whenRefs: string[],
): Promise<Outcome> {
  if (p.opts.check) {
    const u = uncertainRef([...whenRefs, ...taskRefs(t, p.modules)], vars);
    if (u) return uncertainOutcome(p, t, host, u, vars);
  }
  let out: Outcome;
  try {
    const skipped = skippedBy(p, t, host, vars);
    if (skipped) return skipped;
    // arguments found wrong when the playbook was read, on a task whose failure the playbook handles (after
    // Ansible's refusal of async, which comes first)
    if (t.deferred?.length) {
      asyncJob(t, vars, host, p.modules.find(t.module));
      throw t.deferred[0];
    }
    out = await attempts(p, t, host, vars, check);
  } catch (e) {
    // a condition or an argument that cannot be evaluated fails the task, as a failed module does (ignore_errors
    // and rescue cover it); an unreachable host is the strategy's
    out = failedBy(e, t, host);
  }
  if (out.status === 'failed' && ignoresErrors(t, vars, host)) out = { ...out, status: 'ignored' };
  registerResult(p, t, host, out.result);
  return out;
}

/** A task's error as its failed outcome (an unreachable host's is thrown on, for the strategy). */
function failedBy(e: unknown, t: Task, host: string): Outcome {
  if (e instanceof KplayError && UNREACHABLE_CODES.has(e.code)) throw e;
  const err = e instanceof KplayError ? withArgHint(e.at({ loc: t.loc, host, task: t.name }), t) : undefined;
  const msg = err ? err.format() : String((e as Error)?.message ?? e);
  return {
    status: 'failed',
    msg,
    result: { failed: true, changed: false, msg: err ? err.message : msg, ...err?.result },
  };
}

/** ignore_errors for this host (a template that cannot be rendered ignores nothing). */
function ignoresErrors(t: Task, vars: Vars | undefined, host: string): boolean {
  const v = t.keywords.ignore_errors;
  if (v === undefined || v === null) return false;
  if (typeof v !== 'string' || !v.includes('{{')) return toBool(v);
  if (!vars) return false;
  try {
    return toBool(renderString(v, { vars, host }));
  } catch {
    return false;
  }
}

/** The task's attempts: once, or until `until` holds (retries, delay). */
async function attempts(p: PlayCtx, t: Task, host: string, vars: Vars, check: boolean): Promise<Outcome> {
  const total = attemptsOf(t, vars, host);
  const delay = numberOf(t, 'delay', 5, vars, host);
  let out: Outcome;
  for (let attempt = 1; ; attempt++) {
    out = await attemptOnce(p, t, host, vars, check, attempt);
    if (
      total <= 1 ||
      out.status === 'uncertain' ||
      (check && out.status !== 'failed' && (out.result.skipped || out.result.__uncertain))
    )
      break;
    out = { ...out, result: { ...out.result, attempts: attempt } };
    const scope = withRegister(t, vars, out.result);
    if (keywordCondition(t, 'until', scope)) break;
    if (attempt >= total) {
      // as Ansible: the result says failed, but a failed_when that was judged decides the task's status
      const judged = 'failed_when_result' in out.result && out.status !== 'failed';
      out = {
        ...out,
        status: judged ? out.status : 'failed',
        msg: judged ? out.msg : `until condition still false after ${total} attempts`,
        // Ansible's count when until never held: the retries (one less than the attempts made)
        result: { ...out.result, failed: true, attempts: total - 1 },
      };
      break;
    }
    await new Promise((r) => setTimeout(r, delay * 1000));
  }
  return out;
}

function withRegister(t: Task, vars: Vars, result: Vars): Vars {
  return t.keywords.register !== undefined ? extendVars(vars, { [t.keywords.register]: result }) : vars;
}

async function attemptOnce(
  p: PlayCtx,
  t: Task,
  host: string,
  vars: Vars,
  check: boolean,
  attempt = 1,
): Promise<Outcome> {
  // an argument that cannot be rendered fails the task before it runs (failed_when does not judge it); an
  // argument given `omit` is left out, as if it were not written
  const args = dropOmitted(renderArgs(t, p.modules.find(t.module), vars, host));
  let ctl: Outcome | undefined;
  let out: Outcome;
  try {
    // Ansible's refusals of async hold in check mode too, where no job starts
    const job = asyncJob(t, vars, host, p.modules.find(t.module));
    const live = check ? undefined : job;
    ctl = await runControllerModule(p, t, host, vars, args, check);
    out = ctl ?? withJobFields(await runHostModule(p, t, host, vars, args, check, live), job);
  } catch (e) {
    // a module or action failure is a failed result, so ignore_errors, until and failed_when still apply
    if (!(e instanceof KplayError) || UNREACHABLE_CODES.has(e.code)) throw e;
    const msg = withArgHint(e.at({ loc: t.loc, host, task: t.name }), t).format();
    out = { status: 'failed', msg, result: { failed: true, changed: false, msg: e.message, ...e.result } };
  }
  // a host module that returns ansible_facts updates the host's facts, as in Ansible
  const facts = out.result.ansible_facts;
  if (!ctl && out.status !== 'failed' && facts && typeof facts === 'object' && !Array.isArray(facts)) {
    p.rv.facts.set(host, { ...p.rv.facts.get(host), ...(facts as Vars) });
  }
  if (out.status === 'uncertain' || out.status === 'skipped' || out.result.__uncertain) return out;
  // with until, changed_when / failed_when see this attempt's number (Ansible's `attempts`)
  if (t.keywords.until !== undefined) out = { ...out, result: { ...out.result, attempts: attempt } };
  // changed_when / failed_when see the result under the register name; a failure overrides a change
  const scope = withRegister(t, vars, out.result);
  let changedWhen: boolean | undefined;
  let failedWhen: boolean | undefined;
  let judging = 'changed_when';
  try {
    changedWhen = keywordCondition(t, 'changed_when', scope);
    judging = 'failed_when';
    failedWhen = keywordCondition(t, 'failed_when', scope);
  } catch (e) {
    // a condition that cannot be judged fails the task; the result keeps the module's output, as in Ansible
    if (!(e instanceof KplayError)) throw e;
    const msg = e.at({ loc: t.loc, host, task: t.name }).format();
    return { ...out, status: 'failed', msg, result: { ...out.result, failed: true, [`${judging}_result`]: e.message } };
  }
  if (changedWhen === undefined && failedWhen === undefined) return out;
  const changed = changedWhen ?? out.result.changed === true;
  const failed = failedWhen ?? out.status === 'failed';
  const result: Vars = { ...out.result, changed, failed };
  if (failedWhen !== undefined) result.failed_when_result = failedWhen;
  const status: HostStatus = failed ? 'failed' : changed ? 'changed' : 'ok';
  const msg = failed ? (out.msg ?? 'failed_when is true') : undefined;
  out = { ...out, status, msg, result };
  return out;
}

export function resultEvent(t: Task, host: string, o: Outcome, ms: number): HostResultEvent {
  return {
    type: 'host_result',
    host,
    task: taskTitle(t),
    taskId: t.id,
    status: o.status,
    msg: o.msg,
    diff: o.diff,
    changes: o.changes,
    result: o.result,
    show: o.show,
    ms,
  };
}
