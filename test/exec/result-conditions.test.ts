// changed_when / failed_when / until as Ansible 2.14 judges a result (its task_executor, checked with
// ansible-playbook on localhost): `attempts` is there for the conditions, a condition that cannot be judged
// fails the task but keeps the module's output and says why in `<name>_result`, failed_when decides the
// status of an until that ran out, and ignore_unreachable keeps a host that was not reached in the play.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

const T = '    - name: t\n      debug: msg=x\n      register: r\n';
const CHECK = '    - name: after\n      assert:\n        that:\n';

// [what, the task's extra keywords, the assertion after it on the registered r, the task's status]
const cases: [string, string, string[], string][] = [
  [
    'attempts in failed_when',
    '      until: false\n      retries: 2\n      delay: 0\n      failed_when: r.attempts > 5\n',
    ['r.attempts == 2', 'r is failed', 'r.failed_when_result == false'],
    'ok',
  ],
  [
    'failed_when that cannot be judged',
    '      failed_when: nope\n      ignore_errors: true\n',
    ['r is failed', "r.msg == 'x'", "r.failed_when_result is contains('nope')"],
    'ignored',
  ],
  [
    'changed_when that cannot be judged',
    '      changed_when: nope\n      ignore_errors: true\n',
    ['r is failed', "r.changed_when_result is contains('nope')", 'r.failed_when_result is undefined'],
    'ignored',
  ],
  ['changed_when true', '      changed_when: true\n', ['r is changed', 'r is not failed'], 'changed'],
];

describe('result conditions', () => {
  for (const [what, kw, that, status] of cases)
    it(what, async () => {
      const r = await run(play(T + kw + CHECK + that.map((x) => `          - "${x}"\n`).join('')), { limit: 'a' });
      expect(r.lines).to.deep.equal([`t|a|${status}`, 'after|a|ok']);
    });

  it('ignore_unreachable: the host stays, its result registered and counted ok and ignored', async () => {
    const r = await run(
      play(
        '    - name: t\n      command: id\n      register: r\n      ignore_unreachable: true\n' +
          '    - name: after\n      assert: { that: [r is unreachable] }\n',
      ),
      { limit: 'a', unreachable: ['a'] },
    );
    expect(r.lines).to.deep.equal(['t|a|unreachable', 'after|a|ok']);
    expect(r.recap.a).to.include({ unreachable: 0, ignored: 1 });
  });
});
