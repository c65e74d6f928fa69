// rescue sees what failed (ansible_failed_task, ansible_failed_result), and meta: clear_host_errors, as
// ansible-playbook 2.14 runs them (checked on localhost).
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

const ran = (lines: string[], task: string) =>
  lines.filter((l) => l.startsWith(`${task}|`)).map((l) => l.split('|')[2]);

describe('rescue: ansible_failed_task and ansible_failed_result', () => {
  const cases: { name: string; failing: string; that: string[] }[] = [
    {
      name: 'a failed module',
      failing: '        - name: the failing one\n          fail: msg="boom {{ inventory_hostname }}"\n',
      that: [
        'ansible_failed_task.name == "the failing one"',
        'ansible_failed_task.action == "fail"',
        'ansible_failed_result.failed',
        'ansible_failed_result.msg == "boom " + inventory_hostname',
      ],
    },
    {
      name: 'failed_when, with the registered result',
      failing: '        - debug: msg=fine\n          register: out\n          failed_when: out.msg == "fine"\n',
      that: [
        'ansible_failed_task.name == ""',
        'ansible_failed_task.action == "debug"',
        'ansible_failed_task.register == "out"',
        'ansible_failed_result.msg == "fine"',
        'ansible_failed_result.failed_when_result',
      ],
    },
    {
      name: 'a failed loop item',
      failing: '        - fail: msg="item {{ item }}"\n          loop: [1, 2]\n          when: item == 2\n',
      that: ['ansible_failed_result.results | length == 2', 'ansible_failed_result.results[1].msg == "item 2"'],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const that = c.that.map((x) => `            - '${x}'\n`).join('');
      const pb = play(
        `    - block:\n${c.failing}      rescue:\n` +
          `        - name: check\n          assert:\n            that:\n${that}` +
          '    - name: later\n      assert: { that: "ansible_failed_task is not defined" }\n',
      );
      const r = await run(pb);
      expect(r.code, r.results.map((x) => x.msg).join('\n')).to.equal(0);
      expect(ran(r.lines, 'check')).to.deep.equal(['ok', 'ok', 'ok']);
      expect(ran(r.lines, 'later')).to.deep.equal(['ok', 'ok', 'ok']);
    });
});

describe('meta: clear_host_errors', () => {
  const PB =
    play(
      '    - name: boom\n      fail: msg=no\n      when: inventory_hostname == "a"\n' +
        '    - meta: clear_host_errors\n    - name: same play\n      debug: msg=x\n',
    ) + play('    - name: next play\n      debug: msg=x\n');

  it('a failed host stays out of its play, takes part in the next, and the run succeeds', async () => {
    const r = await run(PB);
    expect(r.lines.filter((l) => l.startsWith('same play')).map((l) => l.split('|')[1])).to.deep.equal(['b', 'c']);
    expect(r.lines.filter((l) => l.startsWith('next play')).map((l) => l.split('|')[1])).to.deep.equal(['a', 'b', 'c']);
    // the recap keeps the failure; the exit code no longer counts it (Ansible exits 0 here)
    expect(r.recap.a).to.include({ failed: 1 });
    expect(r.code).to.equal(0);
  });

  it('a failure after it fails the run again', async () => {
    const r = await run(`${PB}${play('    - fail: msg=again\n      when: inventory_hostname == "a"\n')}`);
    expect(r.recap.a).to.include({ failed: 2 });
    expect(r.code).to.equal(2);
  });

  it('its when: false clears nothing', async () => {
    const pb = play(
      '    - name: boom\n      fail: msg=no\n      when: inventory_hostname == "a"\n' +
        '    - meta: clear_host_errors\n      when: false\n',
    );
    expect((await run(pb)).code).to.equal(2);
  });
});
