// The executor's control flow (linear/free, serial, blocks, handlers, failures, loops, retries) driven with
// controller-side modules and a transport that reaches nothing. Host modules over SSH are proven in @lab tests.
import { expect } from 'chai';
import { join } from 'node:path';
import { KplayError } from '../../src/core/errors.js';
import { builtins } from '../../src/tasks/index.js';
import type { ModuleSpec } from '../../src/tasks/contract.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { play, run } from '../support/play-harness.js';

describe('executor', () => {
  it('linear: every host finishes a task before the next one', async () => {
    const r = await run(play('    - name: one\n      debug: msg=1\n    - name: two\n      debug: msg=2\n'));
    expect(r.code).to.equal(0);
    expect(r.lines).to.deep.equal(['one|a|ok', 'one|b|ok', 'one|c|ok', 'two|a|ok', 'two|b|ok', 'two|c|ok']);
  });

  it('gathers facts first, visible to when:', async () => {
    const r = await run(
      '- hosts: web\n  tasks:\n    - name: debian only\n      debug: msg=x\n' +
        '      when: ansible_os_family == "Debian"\n    - name: redhat only\n' +
        '      debug: msg=x\n      when: ansible_os_family == "RedHat"\n',
    );
    expect(r.lines.filter((l) => l.startsWith('Gathering'))).to.have.length(3);
    expect(r.lines.filter((l) => l.startsWith('debian only'))).to.deep.equal([
      'debian only|a|ok',
      'debian only|b|ok',
      'debian only|c|ok',
    ]);
    expect(r.lines.filter((l) => l.startsWith('redhat only'))).to.deep.equal([
      'redhat only|a|skipped',
      'redhat only|b|skipped',
      'redhat only|c|skipped',
    ]);
  });

  it('register, set_fact and when per host', async () => {
    const r = await run(
      play(
        '    - set_fact: { n: "{{ inventory_hostname }}" }\n    - name: only b\n' +
          '      debug: msg=hi\n      register: out\n      when: n == "b"\n    - name: check\n' +
          '      assert:\n        that: (out is skipped) == (inventory_hostname != "b")\n',
      ),
    );
    expect(r.code).to.equal(0);
    expect(r.lines.filter((l) => l.startsWith('only b'))).to.have.members([
      'only b|a|skipped',
      'only b|b|ok',
      'only b|c|skipped',
    ]);
    expect(r.lines.filter((l) => l.startsWith('check'))).to.deep.equal(['check|a|ok', 'check|b|ok', 'check|c|ok']);
  });

  it('a failed host leaves the play, the others go on; exit 2', async () => {
    const r = await run(
      play(
        '    - name: boom\n      fail: msg=no\n      when: inventory_hostname == "b"\n' +
          '    - name: after\n      debug: msg=x\n',
      ),
    );
    expect(r.code).to.equal(2);
    expect(r.lines.filter((l) => l.startsWith('after'))).to.deep.equal(['after|a|ok', 'after|c|ok']);
    expect(r.recap.b).to.include({ failed: 1 });
  });

  it('ignore_errors counts ignored and goes on; exit 0', async () => {
    const r = await run(
      play('    - name: boom\n      fail: msg=no\n      ignore_errors: yes\n    - name: after\n      debug: msg=x\n'),
    );
    expect(r.code).to.equal(0);
    expect(r.recap.a).to.include({ ignored: 1, failed: 0 });
  });

  it('block / rescue / always', async () => {
    const r = await run(
      play(
        '    - block:\n        - name: try\n          fail: msg=x\n          when: inventory_hostname != "a"\n' +
          '        - name: after try\n          debug: msg=x\n      rescue:\n        - name: rescue\n' +
          '          debug: msg=r\n      always:\n        - name: always\n          debug: msg=a\n',
      ),
    );
    expect(r.code).to.equal(0);
    expect(r.lines.filter((l) => l.startsWith('after try'))).to.deep.equal(['after try|a|ok']);
    expect(r.lines.filter((l) => l.startsWith('rescue'))).to.deep.equal(['rescue|b|ok', 'rescue|c|ok']);
    expect(r.lines.filter((l) => l.startsWith('always'))).to.deep.equal(['always|a|ok', 'always|b|ok', 'always|c|ok']);
    expect(r.recap.b).to.include({ rescued: 1, failed: 0 });
  });

  it('always runs after an unrescued failure, and the host stays failed', async () => {
    const r = await run(
      play(
        '    - block:\n        - name: try\n          fail: msg=x\n      always:\n' +
          '        - name: always\n          debug: msg=a\n    - name: later\n      debug: msg=x\n',
      ),
    );
    expect(r.code).to.equal(2);
    expect(r.lines.filter((l) => l.startsWith('always'))).to.have.length(3);
    expect(r.lines.filter((l) => l.startsWith('later'))).to.have.length(0);
  });

  it('handlers run once, at the end, only on hosts that notified', async () => {
    const r = await run(
      play(
        '    - name: change\n      debug: msg=x\n      changed_when: inventory_hostname != "c"\n' +
          '      notify: restart it\n    - name: change again\n' +
          '      debug: msg=x\n      changed_when: true\n      notify: [restart it]\n' +
          '      when: inventory_hostname == "a"\n    - name: last task\n      debug: msg=x\n',
        '  handlers:\n    - name: restart it\n      debug: msg=restarted\n    - name: never\n      debug: msg=x\n',
      ),
    );
    expect(r.lines.slice(-2)).to.deep.equal(['restart it|a|ok', 'restart it|b|ok']);
    expect(r.lines.indexOf('last task|a|ok')).to.be.lessThan(r.lines.indexOf('restart it|a|ok'));
  });

  it('meta: flush_handlers runs them where it stands', async () => {
    const r = await run(
      play(
        '    - name: change\n      debug: msg=x\n      changed_when: true\n      notify: h\n' +
          '    - meta: flush_handlers\n    - name: after\n      debug: msg=x\n',
        '  handlers:\n    - name: h\n      debug: msg=x\n',
      ),
    );
    expect(r.lines.indexOf('h|c|ok')).to.be.lessThan(r.lines.indexOf('after|a|ok'));
    expect(r.lines.filter((l) => l.startsWith('h|'))).to.have.length(3);
  });

  it('listen topics', async () => {
    const r = await run(
      play(
        '    - name: change\n      debug: msg=x\n      changed_when: true\n      notify: restart web\n',
        '  handlers:\n    - name: h1\n      debug: msg=x\n      listen: restart web\n' +
          '    - name: h2\n      debug: msg=x\n      listen: restart web\n',
      ),
    );
    expect(r.lines.filter((l) => /^h[12]\|a/.test(l))).to.deep.equal(['h1|a|ok', 'h2|a|ok']);
  });

  it('serial batches run the whole play per batch', async () => {
    const r = await run(
      play('    - name: one\n      debug: msg=1\n    - name: two\n      debug: msg=2\n', '  serial: [1, 2]\n'),
    );
    expect(r.lines).to.deep.equal(['one|a|ok', 'two|a|ok', 'one|b|ok', 'one|c|ok', 'two|b|ok', 'two|c|ok']);
  });

  it('serial percentage', async () => {
    const r = await run(play('    - name: one\n      debug: msg=1\n', '  serial: "50%"\n'));
    expect(r.lines).to.deep.equal(['one|a|ok', 'one|b|ok', 'one|c|ok']);
    const starts = r.events.filter((e) => e.type === 'task_start').map((e) => (e as { hosts: string[] }).hosts);
    expect(starts).to.deep.equal([['a'], ['b'], ['c']]);
  });

  it('free strategy lets each host run on', async () => {
    const r = await run(
      play('    - name: one\n      debug: msg=1\n    - name: two\n      debug: msg=2\n', '  strategy: free\n'),
    );
    expect(r.code).to.equal(0);
    expect(r.lines).to.have.length(6);
    expect(r.lines.indexOf('two|a|ok')).to.be.greaterThan(r.lines.indexOf('one|a|ok'));
  });

  it('run_once runs on the first host and reports for all', async () => {
    const r = await run(
      play(
        '    - name: once\n      set_fact: { x: "{{ inventory_hostname }}" }\n' +
          '      run_once: true\n    - name: see\n      assert: { that: x == "a" }\n',
      ),
    );
    expect(r.code).to.equal(0);
    expect(r.lines.filter((l) => l.startsWith('once'))).to.have.length(3);
  });

  it('any_errors_fatal stops every host', async () => {
    const r = await run(
      play(
        '    - name: boom\n      fail: msg=x\n      when: inventory_hostname == "a"\n' +
          '    - name: after\n      debug: msg=x\n',
        '  any_errors_fatal: true\n',
      ),
    );
    expect(r.code).to.equal(2);
    expect(r.lines.filter((l) => l.startsWith('after'))).to.deep.equal([]);
  });

  it('max_fail_percentage stops the next batches', async () => {
    const r = await run(
      play(
        '    - name: boom\n      fail: msg=x\n      when: inventory_hostname == "a"\n',
        '  serial: 1\n  max_fail_percentage: 0\n',
      ),
    );
    expect(r.lines).to.deep.equal(['boom|a|failed']);
  });

  it('loops: items, loop_var, index_var, register results', async () => {
    const r = await run(
      play(
        '    - name: loop\n      debug: msg="{{ x }}-{{ i }}"\n      loop: [p, q]\n' +
          '      loop_control: { loop_var: x, index_var: i }\n      register: out\n    - assert:\n        that:\n' +
          '          - out.results | length == 2\n          - out.results[1].msg == "q-1"\n',
      ),
    );
    expect(r.code, JSON.stringify(r.results.filter((x) => x.status === 'failed'))).to.equal(0);
  });

  it("an empty item of assert's that (`-` alone, or '') holds, as in Ansible; the next is still tested", async () => {
    const ok = await run(play("    - assert:\n        that:\n          - 1 == 1\n          -\n          - ''\n"));
    expect(ok.code, JSON.stringify(ok.results.filter((x) => x.status === 'failed'))).to.equal(0);
    const bad = await run(play('    - assert:\n        that:\n          -\n          - 1 == 2\n'));
    expect(bad.results.filter((x) => x.status === 'failed').map((x) => x.result?.assertion)).to.deep.equal([
      '1 == 2',
      '1 == 2',
      '1 == 2',
    ]);
  });

  it('a failed item does not stop the loop; with ignore_errors the registered result is failed', async () => {
    const r = await run(
      play(
        '    - name: check\n      assert: { that: item, fail_msg: "bad {{ item }}" }\n' +
          '      loop: [true, false, true, false]\n      ignore_errors: true\n      register: c\n    - assert:\n' +
          '        that:\n          - c is failed\n          - c.results | length == 4\n' +
          "          - c.results | selectattr('failed', 'defined') | selectattr('failed') | list | length == 2\n",
      ),
    );
    expect(r.code, JSON.stringify(r.results.filter((x) => x.status === 'failed'))).to.equal(0);
    expect(r.results.find((x) => x.task === 'check')!.status).to.equal('ignored');
  });

  it('until / retries: fails after retries+1 attempts', async () => {
    const r = await run(
      play(
        '    - name: wait\n      debug: msg=x\n      register: w\n' +
          '      until: w.msg == "never"\n      retries: 2\n      delay: 0\n',
        '',
      ),
    );
    expect(r.code).to.equal(2);
    // Ansible reports the retries when until never held: one less than the attempts made
    expect(r.results.find((x) => x.task === 'wait')!.result).to.include({ attempts: 2 });
  });

  it('an unreachable host leaves the play; exit 4', async () => {
    const r = await run('- hosts: web\n  tasks:\n    - name: t\n      debug: msg=x\n', { unreachable: ['b'] });
    expect(r.code).to.equal(4);
    expect(r.recap.b).to.include({ unreachable: 1 });
    expect(r.lines.filter((l) => l.startsWith('t|'))).to.deep.equal(['t|a|ok', 't|c|ok']);
  });

  it('--tags and --start-at-task', async () => {
    const pbText = play(
      '    - name: one\n      debug: msg=1\n      tags: x\n    - name: two\n' +
        '      debug: msg=2\n    - name: three\n      debug: msg=3\n      tags: [x, always]\n',
    );
    expect((await run(pbText, { tags: ['x'] })).lines.map((l) => l.split('|')[0])).to.deep.equal([
      'one',
      'one',
      'one',
      'three',
      'three',
      'three',
    ]);
    expect((await run(pbText, { startAt: 'two' })).lines.map((l) => l.split('|')[0])).to.deep.equal([
      'two',
      'two',
      'two',
      'three',
      'three',
      'three',
    ]);
  });

  it('stop() lets the running task end, starts no other, exits 99', async () => {
    const r = await run(play('    - name: one\n      debug: msg=1\n    - name: two\n      debug: msg=2\n'), {
      stopAfter: 1,
    });
    expect(r.code).to.equal(99);
    expect(r.lines).to.deep.equal(['one|a|ok', 'one|b|ok', 'one|c|ok']);
  });

  it('--resume continues each host from the task where it failed, with its registered values', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'kplay-j-')), 'j.jsonl');
    const pbText = play(
      '    - name: one\n      debug: msg=1\n      register: first\n    - name: two\n' +
        '      fail: msg=broken\n      when: inventory_hostname == "b" and not (fixed | default(false) | bool)\n' +
        '    - name: three\n      assert: { that: first.msg == "1" }\n',
    );
    const r1 = await run(pbText, { journal });
    expect(r1.code).to.equal(2);
    const r2 = await run(pbText, { journal, resume: true, extra: { fixed: true } });
    expect(r2.code).to.equal(0);
    const ran = r2.results
      .filter((x) => x.msg !== 'done in the run being resumed')
      .map((x) => `${x.task}|${x.host}|${x.status}`);
    expect(ran).to.deep.equal(['two|b|skipped', 'three|b|ok']);
  });

  it('include_vars reads a file for the rest of the run; pause waits', async () => {
    const r = await run(
      play(
        '    - include_vars: { file: vars/extra.yml, name: extra }\n' +
          '    - pause: seconds=0\n    - assert: { that: extra.level == 3 }\n',
      ),
      { files: { 'vars/extra.yml': 'level: 3\n' } },
    );
    expect(r.code, JSON.stringify(r.results.filter((x) => x.status === 'failed'))).to.equal(0);
  });

  it('a module whose plan is not empty after its own actions ran fails the host with NOT_CONVERGED', async () => {
    const modules = builtins.copy();
    modules.add({
      name: 'never_settles',
      description: 'A test module that always wants to write.',
      args: {},
      anyArgs: true,
      plan: async () => ({
        changes: [{ summary: 'write /x', actions: [{ put: '/x', content: Buffer.from('x') }], touches: ['file:/x'] }],
      }),
    } as ModuleSpec);
    const r = await run(play('    - name: bad module\n      never_settles: {}\n'), { modules });
    expect(r.code).to.equal(2);
    expect(r.results[0]!.msg).to.match(/never_settles did not converge: after applying, it still plans: write \/x/);
  });

  it('no_log hides the result and message of a task from every event', async () => {
    const r = await run(play('    - name: secret\n      debug: msg="the password is hunter2"\n      no_log: true\n'));
    expect(JSON.stringify(r.events)).not.to.include('hunter2');
    expect(r.results[0]!.result).to.deep.include({
      censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
    });
  });

  it(
    'a templated no_log is rendered per host (and per loop item): ' +
      'a failing task and debug are hidden as with no_log: true',
    async () => {
      const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
      const r = await run(
        play(
          '    - name: show\n      debug: msg="the password is {{ pw }}"\n      no_log: "{{ hide }}"\n' +
            '    - name: fails\n      fail: msg="bad password {{ pw }}"\n' +
            '      no_log: "{{ hide }}"\n      ignore_errors: true\n' +
            '    - name: per item\n      debug: msg="{{ item }} {{ pw }}"\n' +
            '      loop: [x, y]\n      no_log: "{{ item == \'y\' }}"\n' +
            '    - name: unrenderable hides\n      debug: msg="{{ pw }}"\n      no_log: "{{ nope }}"\n',
          '  vars:\n    pw: hunter2-secret\n    hide: "{{ inventory_hostname != \'c\' }}"\n',
        ),
      );
      const of = (task: string, host: string) => r.results.find((x) => x.task === task && x.host === host)!;
      for (const h of ['a', 'b']) {
        expect(JSON.stringify([of('show', h), of('fails', h)])).not.to.include('hunter2');
        expect(of('show', h).result).to.deep.include({ censored: CENSORED });
        expect(of('fails', h).status).to.equal('ignored');
        expect(of('fails', h).msg).to.equal(CENSORED);
      }
      expect(of('show', 'c').show).to.deep.equal({ msg: 'the password is hunter2-secret' });
      expect(of('fails', 'c').msg).to.include('bad password hunter2-secret');
      expect(
        JSON.stringify(r.results.filter((x) => x.task === 'per item' || x.task === 'unrenderable hides')),
      ).not.to.include('hunter2');
    },
  );

  it('a module that fails still honours ignore_errors and failed_when, and the failure names the task', async () => {
    const modules = builtins.copy();
    modules.add({
      name: 'always_fails',
      description: 'A test module whose plan always fails.',
      args: {},
      anyArgs: true,
      plan: async () => {
        throw new KplayError('nothing works here', { code: 'TASK_FAILED' });
      },
    } as ModuleSpec);
    const r = await run(
      play(
        '    - name: ignored\n      always_fails: {}\n      ignore_errors: yes\n    - name: not a failure\n' +
          '      always_fails: {}\n      failed_when: false\n    - name: real failure\n      always_fails: {}\n',
      ),
      { modules },
    );
    expect(
      r.lines.filter(
        (l) => l.endsWith('|a|ignored') || l.startsWith('not a failure|a') || l.startsWith('real failure|a'),
      ),
    ).to.deep.equal(['ignored|a|ignored', 'not a failure|a|ok', 'real failure|a|failed']);
    expect(r.results.find((x) => x.task === 'real failure')!.msg).to.match(
      /site\.yml:10:7: nothing works here \(host a, task "real failure"\)/,
    );
  });

  it(
    'include_tasks with a templated file: rendered per host, ' +
      'each group runs its own file; a missing one fails its host',
    async () => {
      const r = await run(
        play(
          "    - set_fact: { kind: \"{{ 'x' if inventory_hostname == 'a' else ('y' " +
            "if inventory_hostname == 'b' else 'nope') }}\" }\n    - include_tasks: " +
            '"tasks-{{ kind }}.yml"\n    - name: after\n      debug: msg=done\n',
        ),
        {
          files: {
            'tasks-x.yml': '- name: from x\n  debug: msg=x\n',
            'tasks-y.yml': '- name: from y\n  debug: msg=y\n',
          },
        },
      );
      expect(r.lines).to.include.members(['from x|a|ok', 'from y|b|ok', 'after|a|ok', 'after|b|ok']);
      const c = r.results.find((x) => x.host === 'c' && x.status === 'failed')!;
      expect(c.msg).to.match(/tasks file not found: .*tasks-nope\.yml/);
      expect(r.code).to.equal(2);
    },
  );
});
