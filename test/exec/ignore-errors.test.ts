// ignore_errors covers what Ansible lets it cover (checked with ansible-playbook 2.14 on localhost): a failed
// module, and an error found while running the task (an undefined variable in its arguments, its when, its
// loop, one loop item; an argument a template makes wrong). Not an unreachable host (ignore_unreachable is
// for that), nor a playbook that cannot be read (refused before the run).
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';
import { one } from '../support/problems.js';

const cases: { name: string; task: string; msg: RegExp }[] = [
  { name: 'a failed module', task: 'fail: msg=boom', msg: /boom/ },
  { name: 'an undefined variable in an argument', task: 'debug: msg="{{ nope }}"', msg: /'nope' is undefined/ },
  { name: 'an undefined variable in when', task: 'debug: msg=x\n      when: nope == 1', msg: /'nope'/ },
  { name: 'an undefined loop', task: 'debug: msg=x\n      loop: "{{ nope }}"', msg: /'nope'/ },
  {
    name: 'one loop item',
    task: 'debug: msg="{{ item.x }}"\n      loop: [{ x: 1 }, { y: 2 }]',
    msg: /has no attribute 'x'/,
  },
  {
    name: 'an argument a template makes wrong',
    task: 'copy: { dest: /tmp/x, content: x, mode: "{{ \'zzz\' }}" }',
    msg: /mode/,
  },
];

describe('ignore_errors', () => {
  for (const c of cases) {
    it(`covers ${c.name}`, async () => {
      const pb = play(
        `    - name: t\n      ${c.task}\n      register: out\n      ignore_errors: true\n` +
          '    - name: after\n      assert: { that: [out is failed, out.msg is defined] }\n',
      );
      const r = await run(pb, { limit: 'a' });
      expect(r.lines).to.deep.equal(['t|a|ignored', 'after|a|ok']);
      expect(r.results[0]!.msg).to.match(c.msg);
      expect(r.code).to.equal(0);
    });

    it(`without it, ${c.name} fails the host, and rescue catches it`, async () => {
      const failing = await run(play(`    - name: t\n      ${c.task}\n`), { limit: 'a' });
      expect(failing.lines).to.deep.equal(['t|a|failed']);
      expect(failing.code).to.equal(2);
      const inner = c.task.replace(/\n {6}/g, '\n          ');
      const rescued = await run(
        play(
          `    - block:\n        - name: t\n          ${inner}\n      rescue:\n` +
            '        - name: r\n          debug: msg=r\n',
        ),
        { limit: 'a' },
      );
      expect(rescued.lines).to.deep.equal(['t|a|failed', 'r|a|ok']);
      expect(rescued.code).to.equal(0);
    });
  }

  it('does not cover an unreachable host', async () => {
    const r = await run(play('    - name: t\n      command: "true"\n      ignore_errors: true\n'), {
      limit: 'a',
      unreachable: ['a'],
    });
    expect(r.lines).to.deep.equal(['t|a|unreachable']);
    expect(r.code).to.equal(4);
  });

  it('does not cover a playbook that cannot be read: it is refused before the run, at its place', () => {
    const pb = '- hosts: all\n  tasks:\n    - debug: msg=x\n      ignore_errors: true\n      bogus: 1\n';
    expect(one({ 'site.yml': pb })).to.include({ line: 5, col: 7, msg: "unknown task keyword 'bogus'" });
  });
});
