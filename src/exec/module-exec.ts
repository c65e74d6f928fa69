import { checkArgs } from '../playbook/module-args.js';
import { withArgHint } from './arg-hint.js';
import { KplayError } from '../core/errors.js';
import { candidates, findSource } from '../playbook/lookup-paths.js';
import { applyChanges } from './apply.js';
import { renderDeep, renderString, renderTemplateFile } from '../template/template.js';
import { valueLoc } from '../core/places.js';
import type { PlayCtx } from './run-state.js';
import { checkPlanFailure, checkPlanOutcome, plannedControllerFile } from './check-mode.js';
import { foldChanges } from './predict/changes.js';
import { PredictedReader } from './predict/reader.js';
import { PredictedState } from './predict/state.js';
import { isTaskModule, type Change, type HostView, type Plan } from '../tasks/contract.js';
import type { Outcome } from './outcome.js';
import type { Task, Vars } from '../core/types.js';
import { toBool } from '../core/value-utils.js';
import { pathTouches } from '../tasks/lib/schema.js';
import { type AsyncJob, detached, jobTimeout, runJob } from './async-task.js';
import { progressWatch } from './progress.js';
import { noLogFor } from './no-log.js';
import { taskTitle } from '../playbook/listing.js';

function becomeOf(p: PlayCtx, t: Task, vars: Vars): boolean {
  const v = t.keywords.become ?? p.play.become ?? vars.ansible_become;
  return v === undefined ? false : toBool(v);
}

/** A target as the changes planned so far in check mode would leave it ('localhost' is the controller). In a real
 *  run, a `check_mode: yes` task plans against the host as it is (the real tasks since an earlier one's plan
 *  made it stale): the task's own overlay, `task`, starts empty. */
function predictedOf(p: PlayCtx, target: string, task: Map<string, PredictedState>): PredictedState {
  const overlays = p.opts.check ? p.predicted : task;
  let s = overlays.get(target);
  if (!s) overlays.set(target, (s = new PredictedState()));
  return s;
}

/** Where a task acts: `delegate_to`, else the controller for `local_action` and for `connection: local` (unless
 *  the host's own `ansible_connection` says otherwise: a variable wins over the keyword, as in Ansible), else the
 *  host. The task keeps the host's variables (inventory_hostname, hostvars) wherever it acts. */
export function targetOf(t: Task, vars: Vars, host: string): string {
  const render = (key: string) =>
    String(renderString(String(t.keywords[key]), { vars, host }, { loc: valueLoc(t.raw, key) ?? t.loc }));
  if (t.keywords.delegate_to !== undefined) return render('delegate_to');
  if (t.keywords.local_action !== undefined) return 'localhost';
  if (t.keywords.connection === undefined || vars.ansible_connection !== undefined) return host;
  return render('connection') === 'local' ? 'localhost' : host;
}

function fail(msg: string): Outcome {
  return { status: 'failed', msg, result: { failed: true, changed: false, msg } };
}

export async function runHostModule(
  p: PlayCtx,
  t: Task,
  host: string,
  vars: Vars,
  raw: Vars,
  check: boolean,
  job?: AsyncJob,
): Promise<Outcome> {
  const spec = p.modules.find(t.module);
  if (!spec || !isTaskModule(spec)) return fail(`module '${t.module}' cannot run on hosts yet`);
  const checked = checkArgs(spec, raw, { locOf: t.argLocs, taskLoc: t.loc, task: t.name, host }, true);
  if (checked.errors.length) {
    const out = fail(checked.errors.map((e) => withArgHint(e, t).format()).join('\n'));
    return { ...out, result: { ...out.result, ...checked.errors[0]!.result } };
  }
  const args = checked.args;
  const playbookDir = p.rv.playbookDir;
  const own = new Map<string, PredictedState>();
  const delegate = targetOf(t, vars, host);
  // --plan-out: what check mode said of this task, and what its plan read on the target
  const record = (o: Outcome, changes: Change[] = [], reads: number[] = [], anew = false): Outcome => {
    if (check) p.planOut?.record(host, delegate, t, playbookDir, o.status, changes, reads, anew);
    return o;
  };
  const source = spec.controllerSource?.(args);
  const srcValue = source ? args[source.arg] : undefined;
  if (source && typeof srcValue === 'string') {
    const planned = check ? plannedControllerFile(srcValue, predictedOf(p, 'localhost', own)) : undefined;
    if (planned && 'status' in planned) return record(planned);
    const found = planned?.path ?? findSource(source.kind, srcValue, t.role, playbookDir);
    if (!found) return fail(`${t.module}: source not found: ${srcValue}`);
    args[source.arg] = found;
  }
  const conn = await p.conn(delegate);
  const become = becomeOf(p, t, vars);
  const rendered = new Map<string, string>();
  const view: HostView = {
    name: host,
    vars,
    check,
    diff: p.opts.diff,
    // rendered once per task and host: the re-plan after apply sees the same text, even with `random`
    renderTemplate: (path, o) => {
      const key = `${path}\0${JSON.stringify(o ?? {})}`;
      const hit = rendered.get(key);
      if (hit !== undefined) return hit;
      const text = renderTemplateFile(path, { vars, host }, o);
      rendered.set(key, text);
      return text;
    },
    controllerPath: (kind, src) => ({
      path: findSource(kind, src, t.role, playbookDir),
      searched: candidates(kind, src, t.role, playbookDir),
    }),
  };
  conn.reader.startTask();
  const state = predictedOf(p, delegate, own);
  const recording = check ? p.planOut?.reading(delegate, t, playbookDir, conn.reader) : undefined;
  const onHost = recording ?? conn.reader;
  const reader = check ? new PredictedReader(onHost, state, predictedOf(p, 'localhost', own), become) : undefined;
  let plan: Plan;
  try {
    plan = await spec.plan(args, view, reader ?? conn.reader);
  } catch (e) {
    const uncertain = reader
      ? checkPlanFailure(reader.why, state, spec.pendingTouches?.(args) ?? pathTouches(spec, args), e)
      : undefined;
    if (uncertain) return record(uncertain, [], recording?.reads);
    throw e;
  }
  if (plan.failed !== undefined) {
    const msg = plan.failed;
    return record({ status: 'failed', msg, result: { changed: false, ...plan.result, failed: true, msg } });
  }
  // kplay apply: the changes must be the planned ones, or the host fails here, before they are made
  const drift = check ? undefined : p.planIn?.differs(host, t, playbookDir, plan.changes);
  if (drift) throw new KplayError(drift, { code: 'PLAN_DRIFT', loc: t.loc, host, task: t.name });
  const summaries = plan.changes.map((c) => c.summary);
  const wantDiff = t.keywords.diff === undefined ? p.opts.diff : toBool(t.keywords.diff);
  const diff = wantDiff ? plan.changes.flatMap((c) => (c.diff ? [c.diff] : [])) : undefined;
  // registered too, in Ansible's shape: a list of {before, after, before_header, after_header}
  const diffs = diff?.length
    ? { diff: diff.map((d) => ({ before: d.before, after: d.after, before_header: d.path, after_header: d.path })) }
    : {};
  const commandLike = spec.converges === false;
  if (reader) {
    const outcome = checkPlanOutcome(t, reader.why, plan, { commandLike, diff });
    if (outcome.status === 'changed') outcome.result = { ...outcome.result, ...diffs };
    // a command's effect is its own: what it declares it may touch (creates, removes) is unknown; so is what a
    // plan made from something unknown would do (its paths)
    if (commandLike) state.markUnknown(plan.changes.flatMap((c) => c.touches));
    else if (reader.uncertain)
      state.markUnknown([
        ...plan.changes.flatMap((c) => c.touches),
        ...(spec.pendingTouches?.(args) ?? pathTouches(spec, args)),
      ]);
    else {
      // bytes made from bytes each plan makes anew (a trust bundle of a new CA) are known in shape only too
      const made = reader.anew ? plan.changes.map((c) => ({ ...c, madeAnew: true })) : plan.changes;
      await foldChanges(state, predictedOf(p, 'localhost', own), made, reader.hostSide());
    }
    return record(outcome, plan.changes, recording?.reads, reader.anew);
  }
  if (plan.changes.length === 0) {
    const status = plan.result?.skipped === true ? 'skipped' : 'ok'; // script's creates, as Ansible skips it
    return { status, result: { changed: false, ...plan.result }, diff, changes: summaries };
  }
  const execOpts = {
    become,
    becomeUser: becomeUserOf(p, t, vars),
    becomeMethod: becomeMethodOf(t, vars, host),
    env: environmentOf(t, vars, host),
    // async: the module's commands stop at its time limit
    timeoutMs: job ? Math.min(timeoutOf(t) ?? Number.POSITIVE_INFINITY, job.limit * 1000) : timeoutOf(t),
  };
  if (job && detached(spec)) return runJob(conn.transport, plan, execOpts, job);
  // a long change tells what it is doing while it runs (the live view shows it beside the host's elapsed time)
  const watch = progressWatch(p.bus, { host, task: taskTitle(t), taskId: t.id }, noLogFor(t, vars, host));
  const ran = await applyChanges(conn.transport, plan.changes, { ...execOpts, failOnRc: !commandLike, watch }).catch(
    jobTimeout(job),
  );
  const touches = plan.changes.flatMap((c) => c.touches);
  conn.reader.invalidate(commandLike ? undefined : touches);
  if (commandLike) {
    const r = ran.lastExec;
    const keep = plan.changes.flatMap((c) => c.actions).some((a) => 'exec' in a && a.keepEnds);
    const result: Vars = { changed: true, ...plan.result, ...(r ? execFields(r, keep) : {}), ...diffs };
    // the module's own `cmd` (shell: the line as given; command: the argv), as Ansible returns it
    if (plan.result?.cmd !== undefined) result.cmd = plan.result.cmd;
    if (r && r.rc !== 0) {
      const where = `${t.loc.file}:${t.loc.line}:${t.loc.col}`;
      const msg =
        `non-zero return code ${r.rc} from \`${r.cmd.join(' ')}\`` +
        `${r.stderr ? `: ${tail(r.stderr)}` : ''} (task at ${where})`;
      return { status: 'failed', msg, result: { ...result, failed: true, msg: 'non-zero return code' } };
    }
    return { status: 'changed', result, changes: summaries };
  }
  conn.reader.seedWritten(ran.written);
  await conn.reader.rereadStats(touches);
  conn.reader.startTask();
  const marks = new Map(plan.changes.flatMap((c) => (c.mark ? [[c.mark.key, c.mark.value ?? '']] : [])));
  const again = await spec.plan(args, { ...view, applied: marks }, conn.reader);
  // a change marked `repeats` (a restart, a cache refresh) is planned on every run by design
  again.changes = again.changes.filter((c) => !c.repeats);
  if (again.changes.length > 0) {
    throw new KplayError(
      `${t.module} did not converge: after applying, it still plans: ` +
        again.changes.map((c: Change) => c.summary).join('; '),
      { code: 'NOT_CONVERGED', loc: t.loc, host, task: t.name },
    );
  }
  // what the first plan could not know (a new group's gid) comes from the re-plan
  const known = Object.fromEntries(Object.entries(plan.result ?? {}).filter(([, v]) => v !== undefined));
  const result = { changed: true, ...again.result, ...known, ...diffs };
  return { status: 'changed', result, diff, changes: summaries };
}

/** The task's become_method (a template rendered), checked as when the playbook was read. */
function becomeMethodOf(t: Task, vars: Vars, host: string): 'sudo' | 'su' | undefined {
  const v = t.keywords.become_method;
  if (v === undefined || v === null) return undefined;
  const m = String(renderString(String(v), { vars, host }, { loc: valueLoc(t.raw, 'become_method') ?? t.loc }));
  if (m === 'sudo' || m === 'su') return m;
  throw new KplayError(`become_method: only 'sudo' and 'su' are known, got ${JSON.stringify(m)}`, {
    code: 'TASK_FAILED',
    loc: valueLoc(t.raw, 'become_method') ?? t.loc,
  });
}

function becomeUserOf(p: PlayCtx, t: Task, vars: Vars): string | undefined {
  const v = t.keywords.become_user ?? p.play.becomeUser ?? vars.ansible_become_user;
  return v === undefined ? undefined : String(v);
}

/** The task's `environment:` (inherited from blocks and the play), rendered, as strings. */
function environmentOf(t: Task, vars: Vars, host: string): Record<string, string> | undefined {
  const raw = t.keywords.environment;
  if (raw === undefined || raw === null) return undefined;
  const env = renderDeep(raw, { vars, host }, valueLoc);
  if (!env || typeof env !== 'object' || Array.isArray(env))
    throw new KplayError(`environment must be a mapping, got ${JSON.stringify(env)}`, {
      code: 'TASK_FAILED',
      loc: t.loc,
      host,
    });
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

function timeoutOf(t: Task): number | undefined {
  const v = t.keywords.timeout;
  return v === undefined ? undefined : Number(v) * 1000;
}

/** A command's registered fields; its output without its final line ends (\r, \n) unless `keepEnds`, as Ansible. */
export function execFields(
  r: { rc: number; stdout: string; stderr: string; cmd: string[]; durationMs: number },
  keepEnds = false,
): Vars {
  const cut = (s: string) => s.replace(/[\r\n]+$/, '');
  const strip = (s: string) => (keepEnds ? s : cut(s));
  const lines = (s: string) => (cut(s) ? cut(s).split(/\r\n|\r|\n/) : []);
  return {
    rc: r.rc,
    stdout: strip(r.stdout),
    stderr: strip(r.stderr),
    stdout_lines: lines(r.stdout),
    stderr_lines: lines(r.stderr),
    cmd: r.cmd,
    ...execTimes(r.durationMs, Date.now()),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** start, end and delta as Ansible's command returns them (Python's str() of a datetime and a timedelta), in the
 *  controller's local time: kplay times the command on the controller. */
export function execTimes(durationMs: number, endMs: number): Vars {
  const us = Math.max(0, Math.round(durationMs * 1000));
  const secs = Math.floor(us / 1e6);
  const at = (usEpoch: number) => {
    const d = new Date(Math.floor(usEpoch / 1000));
    return (
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(usEpoch % 1e6, 6)}`
    );
  };
  const end = Math.round(endMs * 1000);
  return {
    start: at(end - us),
    end: at(end),
    delta: `${Math.floor(secs / 3600)}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}.${pad(us % 1e6, 6)}`,
  };
}

export function tail(s: string, lines = 5): string {
  return s.trim().split('\n').slice(-lines).join('\n');
}
