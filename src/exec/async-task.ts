// The `async:` and `poll:` keywords, as Ansible runs them (docs/ansible-differences.md, "async"):
// - a module Ansible refuses (an action plugin such as script, template, copy, raw, or any controller module)
//   fails when the task runs with Ansible's message, so ignore_errors and rescue cover it;
// - command and shell start as a job detached on the host (tasks/lib/async-job.ts: only POSIX sh there), which
//   writes its result to Ansible's job file; with `poll: 0` the task returns at once (ansible_job_id, started,
//   finished 0, results_file), and the job outlives the run; with `poll: P` the engine reads the file every P
//   seconds until the job ends (then removes the file, as Ansible) or the time limit passes;
// - any other module runs as usual, its commands stopped at the time limit (poll > 0); `poll: 0` is refused
//   for it when the task runs (kplay has no job to hand such a module to).
// Check mode predicts the task as it would without async (a command is skipped, as always): nothing starts.
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Task, Vars } from '../core/types.js';
import { renderString } from '../template/template.js';
import { ASYNC_DIR, jobStatus, newJobId, readArgv, startArgv } from '../tasks/lib/async-job.js';
import type { ModuleSpec, Plan } from '../tasks/contract.js';
import type { ExecOptions, Transport } from '../transport/types.js';
import type { Outcome } from './outcome.js';
import { sleep } from './loops.js';

export interface AsyncJob {
  jid: string;
  /** Seconds the job may run. */
  limit: number;
  /** Seconds between checks; 0: started and not waited for. */
  poll: number;
  /** Where its file is (ansible_async_dir), `~` the job's user's home. */
  dir: string;
}

/** Ansible's message for a module whose action plugin does not run async. */
export const ASYNC_REFUSED = 'async is not supported for this task.';

/** Ansible's actions that refuse async: they act on the controller, or move files before (or instead of) running
 *  a module. Every kplay controller module is refused too. */
// biome-ignore format: a table
const REFUSED = new Set([
  'add_host', 'assemble', 'assert', 'async_status', 'copy', 'debug', 'fail', 'fetch', 'gather_facts', 'group_by',
  'include_vars', 'meta', 'pause', 'raw', 'script', 'set_fact', 'set_stats', 'template', 'unarchive',
  'validate_argument_spec', 'wait_for_connection',
]);

/** Modules whose job runs detached on the host. */
const DETACHED = new Set(['command', 'shell']);

/** async/poll as a whole number of seconds (a template rendered), checked again after rendering. */
function seconds(t: Task, key: 'async' | 'poll', vars: Vars, host: string, dflt: number): number {
  const v = t.keywords[key];
  if (v === undefined || v === null) return dflt;
  const loc = valueLoc(t.raw, key) ?? t.loc;
  const n = Number(typeof v === 'string' ? renderString(v, { vars, host }, { loc }) : v);
  if (!Number.isInteger(n) || n < 0)
    throw new KplayError(`${key}: expected a whole number of seconds, got ${JSON.stringify(v)}`, {
      code: 'TASK_FAILED',
      loc,
    });
  return n;
}

/** The task's job when it is async (`async: N` with N > 0), or undefined; throws Ansible's failure for a module
 *  that cannot run so. */
export function asyncJob(t: Task, vars: Vars, host: string, spec: ModuleSpec | undefined): AsyncJob | undefined {
  const limit = seconds(t, 'async', vars, host, 0);
  if (limit === 0) return undefined;
  const poll = seconds(t, 'poll', vars, host, 10);
  const name = spec?.name ?? t.module;
  if (!spec || spec.controllerOnly || REFUSED.has(name)) throw new KplayError(ASYNC_REFUSED, { code: 'TASK_FAILED' });
  if (poll === 0 && !DETACHED.has(name))
    throw new KplayError(
      `async with poll: 0 is supported for command and shell only: kplay hands ${name} to no background job`,
      { code: 'TASK_FAILED' },
    );
  const dir = vars.ansible_async_dir;
  return { jid: newJobId(), limit, poll, dir: dir === undefined || dir === null ? ASYNC_DIR : String(dir) };
}

/** Does this job run detached on the host (command, shell)? */
export function detached(spec: ModuleSpec): boolean {
  return DETACHED.has(spec.name);
}

const failed = (msg: string, result: Vars = {}): Outcome => ({
  status: 'failed',
  msg,
  result: { changed: false, ...result, failed: true, msg },
});

/** Start a command's plan as job `job` and, with poll > 0, wait for it (Ansible's polling: sleep, read, until it
 *  ends or the time limit is used up). */
export async function runJob(tr: Transport, plan: Plan, o: ExecOptions, job: AsyncJob): Promise<Outcome> {
  const action = plan.changes.flatMap((c) => c.actions).find((a) => 'exec' in a);
  if (!action || !('exec' in action))
    throw new KplayError('internal: an async command plans no command', { code: 'INTERNAL' });
  const argv = startArgv({ ...job, cmd: plan.result?.cmd, argv: action.exec, stdin: action.stdin });
  const env = o.env || action.env ? { ...o.env, ...action.env } : undefined;
  const start = await tr.exec(argv, { ...o, env, cwd: action.cwd });
  if (start.rc !== 0) return failed(`could not start the async job: ${start.stderr.trim() || `rc ${start.rc}`}`);
  const file = start.stdout.trim();
  if (job.poll === 0)
    return {
      status: 'changed',
      result: { changed: true, started: 1, finished: 0, ansible_job_id: job.jid, results_file: file },
    };
  let s: ReturnType<typeof jobStatus> | undefined;
  for (let left = job.limit; left > 0; left -= job.poll) {
    await sleep(job.poll);
    const r = await tr.exec(readArgv(job.dir, job.jid), { ...o, timeoutMs: undefined });
    s = jobStatus(job.jid, r.rc, r.stdout);
    if (s.result.finished === 1 || s.failed !== undefined) break;
  }
  if (s?.result.finished !== 1)
    return failed(`async task did not complete within the requested time - ${job.limit}s`, { async_result: s?.result });
  // the job has ended: its file goes, as Ansible cleans up after polling
  await tr.exec(['rm', '-f', '--', s.file], { ...o, timeoutMs: undefined });
  if (s.failed !== undefined) return failed(s.failed, s.result);
  return { status: s.result.changed === true ? 'changed' : 'ok', result: s.result };
}

/** A module run with a time limit (not detached): a command stopped at the limit fails with Ansible's message
 *  (without a job, the error as it is). */
export function jobTimeout(job: AsyncJob | undefined): (e: unknown) => never {
  return (e) => {
    if (job && e instanceof KplayError && e.code === 'TIMEOUT')
      throw new KplayError(`async task did not complete within the requested time - ${job.limit}s`, {
        code: 'TASK_FAILED',
      });
    throw e;
  };
}

/** What Ansible adds to a polled job's result: its id, and that it finished (check mode too, so a later task
 *  reading them is predicted as the real run goes). */
export function withJobFields(out: Outcome, job: AsyncJob | undefined): Outcome {
  if (!job || job.poll === 0 || out.status === 'skipped' || out.result.__uncertain || 'ansible_job_id' in out.result)
    return out;
  return { ...out, result: { ...out.result, ansible_job_id: job.jid, finished: 1 } };
}
