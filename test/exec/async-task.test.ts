// async and poll through the real executor over a host kept in memory: what a task registers (Ansible's shapes),
// the sh text that starts a job, Ansible's refusals when the task runs, check mode (nothing starts), and the
// keywords' types checked when the playbook is read.
import { expect } from 'chai';
import type { ExecOptions, ExecResult } from '../../src/transport/types.js';
import { MemoryHost } from '../../src/transport/memory.js';
import { JOB_SH, JSON_STRING_AWK, READ_SH, START_SH } from '../../src/tasks/lib/async-job.js';
import { ASYNC_REFUSED } from '../../src/exec/async-task.js';
import { run } from '../support/play-harness.js';
import { one, play, problems } from '../support/problems.js';

const ON_A = (tasks: string) => `- hosts: a\n  gather_facts: no\n  tasks:\n${tasks}`;
const JID = /^j\d+\.\d+$/;

/** A memory host that starts jobs: each ends at once with `answer` as its file (Ansible's shape). */
class JobHost extends MemoryHost {
  readonly jobs = new Map<string, string>();
  answer = '{"changed": true, "rc": 0, "cmd": "true", "stdout": "out", "stderr": "", "msg": ""}';
  override async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const done = (rc: number, stdout = ''): ExecResult => ({ rc, stdout, stderr: '', cmd: argv, durationMs: 0 });
    if (argv[0] === 'sh' && argv[2]?.endsWith(START_SH)) {
      this.log.push(argv);
      const file = `/root/.ansible_async/${argv[6]}`;
      this.jobs.set(file, this.answer);
      return done(0, `${file}\n`);
    }
    if (argv[0] === 'sh' && argv[2] === READ_SH) {
      this.log.push(['read', argv[5]!]);
      const file = `/root/.ansible_async/${argv[5]}`;
      const text = this.jobs.get(file);
      return text === undefined ? done(3, `${file}\n`) : done(0, `${file}\n${text}`);
    }
    if (argv[0] === 'rm' && this.jobs.has(argv.at(-1)!)) {
      this.log.push(argv);
      this.jobs.delete(argv.at(-1)!);
      return done(0);
    }
    return super.exec(argv, opts);
  }
}

const resultOf = async (a: JobHost, tasks: string, check = false) => {
  const r = await run(ON_A(tasks), { memory: [a], check });
  return r.results.map((x) => ({ status: x.status, ...x.result }) as Record<string, unknown>);
};

describe('async: jobs, polling and async_status (executor over a memory host)', () => {
  it('poll: 0 starts the job through sh with its arguments as words, and returns at once', async () => {
    const a = new JobHost('a');
    const [r] = await resultOf(a, '    - command: sleep 3\n      async: 30\n      poll: 0\n');
    expect(r).to.deep.include({ status: 'changed', changed: true, started: 1, finished: 0 });
    expect(r!.ansible_job_id).to.match(JID);
    expect(r!.results_file).to.equal(`/root/.ansible_async/${r!.ansible_job_id}`);
    const start = a.log.find((x) => x[2]?.endsWith(START_SH))!;
    expect(start.slice(0, 3)).to.deep.equal(['sh', '-c', `JOB_SH=$1; shift\n${START_SH}`]);
    expect(start.slice(3)).to.deep.equal([
      'sh',
      JOB_SH,
      '~/.ansible_async',
      r!.ansible_job_id,
      '30',
      '["sleep","3"]',
      JSON_STRING_AWK,
      '0',
      '',
      'sleep',
      '3',
    ]);
    expect(a.jobs.size).to.equal(1); // the job's file stays for async_status
  });

  it('a table of results: polled, shell with stdin, ansible_async_dir, async_status, failures', async function () {
    this.timeout(20_000); // each polled case waits its poll interval
    const cases: [string, string, Record<string, unknown>, string?][] = [
      [
        'polled: the job result, its id, finished; the file removed',
        '    - shell: echo out\n      async: 5\n      poll: 1\n',
        { status: 'changed', changed: true, rc: 0, stdout: 'out', stdout_lines: ['out'], finished: 1 },
      ],
      [
        'a failed job fails the task with its message',
        '    - command: "false"\n      async: 5\n      poll: 1\n      ignore_errors: true\n',
        { status: 'ignored', failed: true, rc: 1, msg: 'non-zero return code', finished: 1 },
        '{"changed": true, "rc": 1, "failed": true, "msg": "non-zero return code", "stdout": "", "stderr": ""}',
      ],
      [
        'killed at the time limit',
        '    - command: sleep 9\n      async: 1\n      poll: 1\n      ignore_errors: true\n',
        { status: 'ignored', failed: true, msg: 'Timeout exceeded', finished: 1 },
        '{"msg": "Timeout exceeded", "failed": true, "child_pid": 7}',
      ],
      [
        'still running when the time is up',
        '    - command: sleep 9\n      async: 1\n      poll: 1\n      ignore_errors: true\n',
        { status: 'ignored', failed: true, msg: 'async task did not complete within the requested time - 1s' },
        '{"started": 1, "finished": 0, "ansible_job_id": "x"}',
      ],
      [
        'async_status of a job not started',
        '    - async_status: jid=j1.2\n      ignore_errors: true\n',
        { status: 'ignored', failed: true, msg: 'could not find job', ansible_job_id: 'j1.2', finished: 1 },
      ],
    ];
    for (const [name, tasks, want, answer] of cases) {
      const a = new JobHost('a');
      if (answer) a.answer = answer;
      const [r] = await resultOf(a, tasks);
      expect(r, name).to.deep.include(want);
      if (!tasks.includes('async_status')) expect(r!.ansible_job_id, name).to.match(JID);
      if (want.finished === 1 && !tasks.includes('async_status')) expect(a.jobs.size, name).to.equal(0);
    }
  });

  it('async_status reads the job (until it is finished), in the folder ansible_async_dir names', async () => {
    const a = new JobHost('a');
    const rs = await resultOf(
      a,
      '    - shell: cat\n      args: { stdin: hi }\n      async: 9\n      poll: 0\n      register: j\n' +
        '      vars: { ansible_async_dir: /srv/jobs }\n' +
        '    - async_status: { jid: "{{ j.ansible_job_id }}" }\n      register: s\n      until: s is finished\n' +
        '      retries: 2\n      delay: 0\n',
    );
    const start = a.log.find((x) => x[2]?.endsWith(START_SH))!;
    expect(start.slice(5, 6)).to.deep.equal(['/srv/jobs']);
    expect(start.slice(10, 14)).to.deep.equal(['1', 'hi\n', '/bin/sh', '-c']);
    // the memory host keeps every job under /root/.ansible_async: async_status, reading ~/.ansible_async by
    // default, finds it there
    // the job changed the host (a command's result says so): async_status reports it changed, as Ansible's
    expect(rs[1]).to.deep.include({ status: 'changed', finished: 1, rc: 0, stdout: 'out' });
    expect(a.log.filter((x) => x[0] === 'read')).to.have.length(1);
  });

  it('modules Ansible refuses fail when the task runs, with its message; nothing is written', async () => {
    for (const task of [
      'copy: { content: x, dest: /tmp/x }',
      'template: { src: t.j2, dest: /tmp/x }',
      'raw: echo hi',
      'debug: msg=x',
      'set_fact: { x: 1 }',
      'async_status: jid=j1.2',
    ]) {
      const a = new JobHost('a');
      const [r] = await resultOf(a, `    - ${task}\n      async: 5\n      ignore_errors: true\n`);
      expect(r, task).to.deep.include({ status: 'ignored', failed: true, msg: ASYNC_REFUSED });
      expect(a.writes, task).to.deep.equal([]);
    }
  });

  it('poll: 0 for a module that is no command is refused when it runs; poll > 0 runs it, with a job id', async () => {
    const a = new JobHost('a');
    const rs = await resultOf(
      a,
      '    - file: { path: /tmp/d, state: directory }\n      async: 5\n      poll: 0\n      ignore_errors: true\n' +
        '    - file: { path: /tmp/d, state: directory }\n      async: 5\n      poll: 1\n',
    );
    expect(rs[0]).to.deep.include({ status: 'ignored', failed: true });
    expect(String(rs[0]!.msg)).to.match(/^async with poll: 0 is supported for command and shell only/);
    expect(rs[1]).to.deep.include({ status: 'changed', finished: 1 });
    expect(rs[1]!.ansible_job_id).to.match(JID);
  });

  it('check mode starts nothing: a command is reported as always, async_status only reads', async () => {
    const a = new JobHost('a');
    a.jobs.set('/root/.ansible_async/j1.2', a.answer);
    const rs = await resultOf(
      a,
      '    - command: sleep 3\n      async: 30\n      poll: 0\n' +
        '    - shell: sleep 3\n      async: 30\n      poll: 5\n' +
        '    - async_status: jid=j1.2\n      register: s\n' +
        '    - stat: path=/tmp\n      async: 5\n      poll: 1\n',
      true,
    );
    // kplay's check mode reports a command changed (the real run would), registering Ansible's skipped result;
    // async_status reads a finished job that changed the host: changed, as in a real run
    expect(rs.map((r) => r.status)).to.deep.equal(['changed', 'changed', 'changed', 'ok']);
    expect(rs[3]).to.deep.include({ finished: 1 }); // as the real run registers it
    expect(rs[3]!.ansible_job_id).to.match(JID);
    expect(rs[0]).to.deep.include({ skipped: true, msg: 'Command would have run if not in check mode' });
    expect(rs[2]).to.deep.include({ finished: 1, rc: 0 });
    expect(a.log.filter((x) => x[2]?.endsWith(START_SH) || x[0] === 'rm')).to.deep.equal([]);
    expect(a.jobs.size).to.equal(1);
  });

  it('async_status mode: cleanup removes the file', async () => {
    const a = new JobHost('a');
    a.jobs.set('/root/.ansible_async/j1.2', a.answer);
    const [r] = await resultOf(a, '    - async_status: { jid: j1.2, mode: cleanup }\n');
    expect(r).to.deep.include({ ansible_job_id: 'j1.2', erased: '/root/.ansible_async/j1.2' });
    expect(a.jobs.size).to.equal(0);
  });
});

describe('async and poll: types checked when the playbook is read', () => {
  for (const [value, shown] of [
    ['10', undefined],
    ['"{{ t }}"', undefined],
    ['"20"', undefined],
    ['abc', '"abc"'],
    ['-1', '-1'],
    ['1.5', '1.5'],
  ] as const) {
    const ok = shown === undefined;
    for (const key of ['async', 'poll']) {
      it(`${key}: ${value} is ${ok ? 'taken' : 'refused at its value'}`, () => {
        const pb = { 'site.yml': play(`    - command: "true"\n      ${key}: ${value}\n`) };
        if (ok) return expect(problems(pb)).to.deep.equal([]);
        const e = one(pb);
        expect(e).to.include({ line: 4, col: 7 + key.length + 2 });
        expect(e.msg).to.equal(`${key}: expected a whole number, got ${shown}`);
      });
    }
  }
});
