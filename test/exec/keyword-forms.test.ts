// Forms of keywords Ansible users write (each checked with ansible-playbook 2.14 on localhost): `vars:` as a
// list of mappings, include_tasks / import_tasks given `file=` text or a `file:` mapping, a delay with a
// fraction of a second; and their bad forms, refused at their place.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';
import { one } from '../support/problems.js';

const INC = { 'inc.yml': '- name: inside\n  debug: msg="{{ x }}"\n' };

describe('keyword forms', () => {
  const cases: { name: string; extra?: string; tasks: string; want: string[] }[] = [
    {
      name: 'vars: a list of mappings on a play, merged in order (a later one sees an earlier one)',
      extra: '  vars:\n    - x: 1\n    - y: "{{ x + 1 }}"\n      x: 1\n',
      tasks: '    - name: t\n      assert: { that: [x == 1, y == 2] }\n',
      want: ['t'],
    },
    {
      name: 'vars: a list on a block and a task',
      tasks:
        '    - block:\n        - name: t\n          assert: { that: [x == 1, y == 3] }\n' +
        '          vars: [{ y: 3 }]\n      vars: [{ x: 1 }, { y: 2 }]\n',
      want: ['t'],
    },
    {
      name: 'include_tasks: file=...',
      extra: '  vars: { x: 1 }\n',
      tasks: '    - include_tasks: file=inc.yml\n',
      want: ['inside'],
    },
    {
      name: 'import_tasks with file:',
      extra: '  vars: { x: 1 }\n',
      tasks: '    - import_tasks:\n        file: inc.yml\n',
      want: ['inside'],
    },
    {
      name: 'include_tasks: file= with a template',
      extra: '  vars: { x: 1, which: inc }\n',
      tasks: '    - include_tasks: file={{ which }}.yml\n',
      want: ['inside'],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const r = await run(play(c.tasks, c.extra ?? ''), { limit: 'a', files: INC });
      expect(r.code, r.results.map((x) => x.msg).join('\n')).to.equal(0);
      expect(r.lines.map((l) => l.split('|')[0])).to.deep.equal(c.want);
    });

  it('delay may have a fraction of a second (or be a template)', async () => {
    const t0 = Date.now();
    const r = await run(
      play(
        '    - name: t\n      debug: msg=x\n      register: out\n      until: false\n      retries: 2\n' +
          '      delay: 0.2\n      ignore_errors: true\n' +
          '    - name: u\n      debug: msg=x\n      until: false\n      retries: 1\n      delay: "{{ 0.1 }}"\n' +
          '      ignore_errors: true\n',
      ),
      { limit: 'a' },
    );
    const ms = Date.now() - t0;
    expect(r.lines).to.deep.equal(['t|a|ignored', 'u|a|ignored']);
    expect(r.results[0]!.result).to.include({ attempts: 2 });
    expect(ms).to.be.within(500, 3000);
  });
});

describe('keyword forms: bad ones, at their place', () => {
  const cases: { name: string; tasks: string; line: number; col: number; msg: string }[] = [
    {
      name: 'vars: a list holding something else than mappings',
      tasks: '    - debug: msg=x\n      vars: [x, { y: 1 }]\n',
      line: 4,
      col: 13,
      msg: 'vars: expected a mapping or a list of mappings, got ["x",{"y":1}]',
    },
    {
      name: 'a bad variable name in a vars list',
      tasks: '    - debug: msg=x\n      vars:\n        - { ok: 1 }\n        - { 1bad: 2 }\n',
      line: 6,
      col: 13,
      msg: "vars: '1bad' is not a valid variable name (letters, digits and _, not starting with a digit)",
    },
    {
      name: 'include_tasks: an option it does not take, in key=value text',
      tasks: '    - include_tasks: file=inc.yml foo=bar\n',
      line: 3,
      col: 35,
      msg: "include_tasks does not take 'foo' (it takes file, apply)",
    },
    {
      name: 'import_tasks: an option it does not take, in a mapping',
      tasks: '    - import_tasks:\n        file: inc.yml\n        fiel: x\n',
      line: 5,
      col: 9,
      msg: "import_tasks does not take 'fiel' (it takes file, apply)",
    },
    {
      name: 'a delay that is not a number',
      tasks: '    - debug: msg=x\n      until: true\n      delay: soon\n',
      line: 5,
      col: 14,
      msg: 'delay: expected a number of seconds, got "soon"',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(one({ 'site.yml': `- hosts: all\n  tasks:\n${c.tasks}`, ...INC })).to.include({
        line: c.line,
        col: c.col,
        msg: c.msg,
      });
    });
});
