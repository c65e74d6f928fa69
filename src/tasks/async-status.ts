// async_status: what a job started with `async:` (poll: 0) has come to, read from its file on the host
// (`ansible_async_dir`, else ~/.ansible_async, as Ansible): `finished` 0 while it runs, then the job's result
// (rc, stdout, stderr ...) with `finished: 1`; a failed job fails the task. Made for `until: job is finished`
// with retries and delay: each attempt reads the file again. `mode: cleanup` removes the file. A read only
// in check mode, as Ansible's. A finished job that changed the host is reported `changed`, as Ansible does.
import { ASYNC_DIR, jobStatus, readArgv } from './lib/async-job.js';
import { astr, choice, defineTask } from './lib/schema.js';

export const async_status = defineTask({
  name: 'async_status',
  description: 'Report on (or clean up) a job started with async and poll: 0.',
  args: { jid: astr(), mode: choice(['status', 'cleanup'] as const).default('status') },
  required: ['jid'],
  returns: {
    finished: '1 when the job has ended, 0 while it runs',
    started: '1 while it runs',
    ansible_job_id: 'the job id',
    results_file: 'the job file, while it runs',
    erased: 'the file removed (mode: cleanup)',
  },
  example:
    '- async_status: { jid: "{{ job.ansible_job_id }}" }\n  register: r\n  until: r is finished\n' +
    '  retries: 30\n  delay: 2',
  async plan(args, host, facts) {
    const jid = args.jid ?? '';
    if (host.applied) return { changes: [] }; // the re-plan: the file is gone, or the job's change was reported
    const dir = host.vars.ansible_async_dir;
    const read = await facts.probe(readArgv(dir === undefined || dir === null ? ASYNC_DIR : String(dir), jid), {
      fresh: true,
    });
    const s = jobStatus(jid, read.rc, read.stdout);
    if (args.mode === 'cleanup' && read.rc === 0) {
      return {
        changes: [{ summary: `remove job file ${s.file}`, actions: [{ remove: s.file }], touches: [`file:${s.file}`] }],
        result: { ansible_job_id: jid, erased: s.file },
      };
    }
    if (s.failed !== undefined) return { changes: [], failed: s.failed, result: s.result };
    // a finished job that changed the host makes the task `changed`, as Ansible reports it (nothing to do here)
    if (s.result.finished === 1 && s.result.changed === true)
      return {
        changes: [{ summary: `job ${jid} changed the host`, actions: [], touches: [], repeats: true }],
        result: s.result,
      };
    return { changes: [], result: s.result };
  },
});
