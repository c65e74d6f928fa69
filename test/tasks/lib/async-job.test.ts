// The async job's sh texts run by this machine's /bin/sh (POSIX sh, as on a host): a job started detached
// writes Ansible's job file, which jobStatus (async_status) reads back. A table of commands and what their
// file holds once they end: output with JSON's special characters, a failure, stdin, the time limit.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobStatus, readArgv, startArgv } from '../../../src/tasks/lib/async-job.js';

const home = mkdtempSync(join(tmpdir(), 'kplay-async-'));
const sh = (argv: string[]) =>
  spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, HOME: home }, encoding: 'utf8' });
const statusOf = (dir: string, jid: string) => {
  const r = sh(readArgv(dir, jid));
  return jobStatus(jid, r.status ?? 1, r.stdout);
};

async function ended(dir: string, jid: string) {
  for (let i = 0; i < 100; i++) {
    const s = statusOf(dir, jid);
    if (s.result.finished === 1) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jid} did not end`);
}

describe('async jobs under /bin/sh', function () {
  this.timeout(30_000);

  it('a table of jobs: their files, in Ansible shape, as async_status reads them', async () => {
    const odd = 'back\\slash "quoted"\ttab \u0001 ctrl é';
    const cases: [string, string[], string | undefined, number, Record<string, unknown>, string?][] = [
      [
        'output with JSON specials',
        ['printf', '%s\\n\\nend\\n', odd],
        undefined,
        10,
        { rc: 0, stdout: `${odd}\n\nend` },
      ],
      [
        'a failure, with stderr',
        ['sh', '-c', 'echo oops >&2; exit 3'],
        undefined,
        10,
        { rc: 3, stderr: 'oops', stderr_lines: ['oops'], msg: 'non-zero return code' },
        'non-zero return code',
      ],
      ['stdin given', ['cat'], 'fed\n', 10, { rc: 0, stdout: 'fed', stdout_lines: ['fed'] }],
      ['no stdin: /dev/null', ['cat'], undefined, 10, { rc: 0, stdout: '', stdout_lines: [] }],
      ['killed at the time limit', ['sleep', '30'], undefined, 1, { msg: 'Timeout exceeded' }, 'Timeout exceeded'],
    ];
    for (const [name, argv, stdin, limit, want, failed] of cases) {
      const jid = `j${Math.floor(Math.random() * 1e9)}.1`;
      const t0 = Date.now();
      const start = sh(startArgv({ dir: '~/.ansible_async', jid, limit, cmd: argv, argv, stdin }));
      expect(start.status, name).to.equal(0);
      expect(Date.now() - t0, `${name}: returns at once`).to.be.below(3000);
      const file = join(home, '.ansible_async', jid);
      expect(start.stdout, name).to.equal(`${file}\n`);
      const s = await ended('~/.ansible_async', jid);
      expect(s.result, name).to.deep.include({ ...want, finished: 1, ansible_job_id: jid });
      expect(s.failed, name).to.equal(failed);
      if (!failed) expect(s.result, name).to.deep.include({ changed: true, cmd: argv, msg: '' });
      // the file is JSON as Python's json reads it (Ansible's async_status)
      expect(() => JSON.parse(readFileSync(file, 'utf8')), name).to.not.throw();
    }
  });

  it('a running job says so; a job not there is not found; ansible_async_dir moves the file', async () => {
    const jid = 'j1.2';
    sh(startArgv({ dir: '~/jobs', jid, limit: 10, cmd: 'sleep 1', argv: ['sleep', '1'] }));
    expect(statusOf('~/jobs', jid).result).to.deep.equal({ started: 1, finished: 0, ansible_job_id: jid });
    expect((await ended('~/jobs', jid)).result).to.include({ rc: 0, finished: 1 });
    expect(statusOf('~/.ansible_async', 'j9.9')).to.deep.include({
      failed: 'could not find job',
      result: { ansible_job_id: 'j9.9', started: 1, finished: 1 },
    });
  });
});
