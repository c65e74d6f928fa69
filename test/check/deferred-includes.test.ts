// An include_tasks/include_role file is read by Ansible only when a host reaches it (a handler's Windows
// branch, a RedHat-only file): its problems are said before the run, as warnings with their positions, and fail
// the hosts that reach the include; the others run. An import's problems stop the run before any host.
import { expect } from 'chai';
import { join } from 'node:path';
import { prepareRun } from '../../src/check/prepare.js';
import { KplayErrors } from '../../src/core/errors.js';
import { play, run } from '../support/play-harness.js';
import { writeTree } from '../support/tree.js';

const WINDOWS = '- win_file:\n    path: C:\\\\x\n    state: absent\n';

describe('include problems wait for a host to reach them', () => {
  const cases: [string, string, Record<string, string>, string][] = [
    [
      'an unknown module',
      '    - include_tasks: win.yml\n      when: inventory_hostname == "a"\n',
      { 'win.yml': WINDOWS },
      "win.yml:1:3: unknown module or keyword 'win_file'",
    ],
    [
      'a missing file',
      '    - include_tasks: nosuch.yml\n      when: inventory_hostname == "a"\n',
      {},
      'tasks file not found',
    ],
    [
      'an unknown filter',
      '    - include_tasks: f.yml\n      when: inventory_hostname == "a"\n',
      { 'f.yml': '- debug: msg="{{ x | nofilter }}"\n' },
      "unknown filter 'nofilter'",
    ],
  ];
  for (const [what, tasks, files, message] of cases) {
    it(`${what}: warned before the run, fails the host that reaches it, the others run`, async () => {
      const r = await run(play(`${tasks}    - name: after\n      debug: msg=after\n`), { files });
      expect(r.warnings.join('\n')).to.match(/site\.yml:\d+:\d+: include_tasks \S+ fails a host that reaches it: /);
      expect(r.warnings.join('\n')).to.contain(message);
      const failed = r.results.filter((x) => x.status === 'failed');
      expect(failed.map((x) => x.host)).to.deep.equal(['a']);
      expect(failed[0]!.msg).to.contain(message);
      expect(r.lines.filter((l) => l.startsWith('after|'))).to.deep.equal(['after|b|ok', 'after|c|ok']);
    });
  }
  it('a task naming an Ansible module kplay lacks under a condition: warned, then skipped or failed', async () => {
    const r = await run(
      play('    - subversion: repo=x dest=/x\n      when: inventory_hostname == "a"\n    - debug: msg=after\n'),
    );
    expect(r.warnings.join('\n')).to.match(
      /site\.yml:4:7: task subversion fails when it runs: .*module 'subversion' \(ansible/,
    );
    expect(r.results.filter((x) => x.status === 'failed').map((x) => x.host)).to.deep.equal(['a']);
    expect(r.results.filter((x) => x.status === 'skipped').map((x) => x.host)).to.deep.equal(['b', 'c']);
  });
  it('a handler that includes a broken file does not stop a run that never notifies it', async () => {
    const pb =
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n  handlers:\n' +
      '    - name: clean windows\n      include_tasks: win.yml\n';
    const r = await run(pb, { files: { 'win.yml': WINDOWS } });
    expect(r.results.filter((x) => x.status === 'failed')).to.deep.equal([]);
    expect(r.warnings).to.have.length(1);
  });
  it("an import's problems still stop the run before any host, at their position", async () => {
    const dir = writeTree({
      'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: win.yml\n',
      'win.yml': WINDOWS,
      'inv.yml': 'all:\n  hosts:\n    a: {}\n',
    });
    let err: unknown;
    try {
      await prepareRun({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'inv.yml')] });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(KplayErrors);
    const e = (err as KplayErrors).errors[0]!;
    expect([e.message, e.loc?.line, e.loc?.col]).to.deep.equal(["unknown module or keyword 'win_file'", 1, 3]);
  });
});

describe('argument problems of a task whose failure the playbook handles wait for the task to run', () => {
  it('under ignore_errors: warned before the run, the task fails there, ignored; the next tasks run', async () => {
    const r = await run(
      play('    - copy: {dest: /tmp/x, content: a, nosuch: 1}\n      ignore_errors: true\n    - debug: msg=after\n'),
    );
    expect(r.warnings.join('\n')).to.match(
      /site\.yml:4:7: task copy fails when it runs: .*unsupported argument 'nosuch'/,
    );
    expect(r.results.filter((x) => x.task === 'copy').map((x) => x.status)).to.deep.equal([
      'ignored',
      'ignored',
      'ignored',
    ]);
    expect(r.results.find((x) => x.task === 'copy')!.msg).to.contain("copy: unsupported argument 'nosuch'");
    expect(r.lines.filter((l) => l.startsWith('debug|'))).to.have.length(3);
  });
  it("registers Ansible's words for an argument a module does not take", async () => {
    const cases: [string, string][] = [
      ['wait_for_connection: {foo: bar}', 'Invalid options for wait_for_connection: foo'],
      [
        'stat: {path: /x, nosuch: 1}',
        'Unsupported parameters for (stat) module: nosuch. Supported parameters include: ',
      ],
    ];
    for (const [task, want] of cases) {
      const r = await run(
        play(`    - ${task}\n      register: r\n      ignore_errors: true\n    - debug: var=r.msg\n`),
      );
      expect(r.results.find((x) => x.task === 'debug')!.show, task).to.satisfy((v: unknown) =>
        JSON.stringify(v).includes(want),
      );
    }
  });
  it("inside a block with a rescue (also a nested block): the rescue runs with the argument's problem", async () => {
    const r = await run(
      play(
        '    - block:\n        - block:\n            - copy: {src: nosuch-file, dest: /tmp/x}\n' +
          '      rescue:\n        - debug: msg="{{ ansible_failed_result.msg }}"\n',
      ),
    );
    const rescue = r.results.filter((x) => x.task === 'debug');
    expect(rescue).to.have.length(3);
    expect(String(rescue[0]!.result?.msg)).to.contain('copy source not found: nosuch-file');
  });
  it('without ignore_errors or rescue the problem still stops the run before any host', async () => {
    let err: unknown;
    try {
      await run(play('    - copy: {dest: /tmp/x, content: a, nosuch: 1}\n'));
    } catch (e) {
      err = e;
    }
    expect((err as KplayErrors).errors.map((e) => e.message)).to.deep.equal(["copy: unsupported argument 'nosuch'"]);
  });
});
