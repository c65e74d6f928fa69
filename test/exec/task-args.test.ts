// Arguments known only when the task runs, as ansible-playbook 2.14 takes them (checked on localhost): a
// templated name in `key=value` text (set_fact's `"{{ item.key }}={{ value }}"`), a module given one template
// for all its arguments (`add_host: "{{ a_dict }}"`), and an earlier loop item's facts seen by the next one.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { play, run } from '../support/play-harness.js';
import { one, problems } from '../support/problems.js';

const ok = async (tasks: string, extra = '') => {
  const r = await run(play(tasks, extra), { limit: 'a' });
  expect(r.code, r.results.map((x) => `${x.task}: ${x.msg}`).join('\n')).to.equal(0);
  return r;
};

describe('arguments known when the task runs', () => {
  it('set_fact renders a templated name in key=value text, for each loop item', async () => {
    await ok(
      '    - set_fact: "{{ item.key }}={{ item.value }}"\n      with_dict: { one: 1, two: "{{ \'t\' * 2 }}" }\n' +
        '    - assert: { that: [one == 1, two == "tt"] }\n',
    );
  });

  it('a name that renders to no variable name fails that item (ignore_errors covers it)', async () => {
    const r = await run(
      play(
        '    - name: t\n      set_fact: "{{ item }}=1"\n      loop: [good, 1bad]\n      ignore_errors: true\n' +
          '      register: out\n    - assert:\n        that: [out.results.0 is not failed, out.results.1 is failed]\n',
      ),
      { limit: 'a' },
    );
    expect(r.lines).to.deep.equal(['t|a|ignored', 'assert|a|ok']);
    expect(r.results[0]!.msg).to.match(/set_fact: '1bad' is not a valid variable name/);
  });

  it('a set_fact item sees the facts the items before it set', async () => {
    await ok(
      '    - set_fact: { acc: "{{ acc | default([]) + [item] }}" }\n      loop: [1, 2, 3]\n' +
        '    - assert: { that: "acc == [1, 2, 3]" }\n',
    );
  });

  it('one template gives a module its arguments; written ones win over it', async () => {
    const r = await ok(
      '    - name: d\n      debug: "{{ args }}"\n' +
        '    - add_host: "{{ newhost }}"\n' +
        '    - assert: { that: [hostvars.n1.v == 1, "groups.g1 == [\'n1\']"] }\n',
      '  vars:\n    args: { msg: from a dict }\n    newhost: { name: n1, groups: g1, v: 1 }\n',
    );
    expect(r.results[0]!.show).to.deep.equal({ msg: 'from a dict' });
  });

  it('one template that gives no mapping fails the task when it runs, at the template', async () => {
    const r = await run(
      play('    - name: d\n      debug: "{{ s }}"\n      ignore_errors: true\n', '  vars:\n    s: text\n'),
      {
        limit: 'a',
      },
    );
    expect(r.lines).to.deep.equal(['d|a|ignored']);
    expect(r.results[0]!.msg).to.match(
      /^.*site\.yml:7:15: debug: \{\{ s \}\} must give a mapping of arguments, got 'text'/,
    );
  });

  it("add_host's stray words fail at run time under ignore_errors, and refused before the run without", async () => {
    const task = '    - name: t\n      add_host: nameh groupsg\n';
    const r = await run(play(`${task}      ignore_errors: true\n      register: out\n`), { limit: 'a' });
    expect(r.lines).to.deep.equal(['t|a|ignored']);
    expect(
      problems({ 'site.yml': `- hosts: all\n  tasks:\n${task}` }).map((e) => [e.line, e.col, e.msg]),
    ).to.deep.equal([
      [4, 17, "add_host: 'nameh' is not a key=value argument"],
      [4, 23, "add_host: 'groupsg' is not a key=value argument"],
      [3, 7, "add_host: missing required argument 'name'"],
    ]);
    // a module whose stray words Ansible refuses when it reads the task: refused before the run, ignore_errors or not
    expect(
      one({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=x oops\n      ignore_errors: true\n' }),
    ).to.include({ line: 3, col: 20, msg: "debug: 'oops' is not a key=value argument" });
  });

  it('add_host takes a port in the name (host:port, [v6]:port) as the host ansible_ssh_port', async () => {
    await ok(
      '    - add_host: name=h1:2201\n      register: out\n    - add_host: { name: "[::1]:2202" }\n' +
        '    - add_host: { name: "fe80::1" }\n' +
        '    - assert:\n        that:\n          - out.add_host.host_name == "h1"\n' +
        '          - hostvars.h1.ansible_ssh_port == 2201\n          - hostvars["::1"].ansible_ssh_port == 2202\n' +
        '          - hostvars["fe80::1"].ansible_ssh_port is undefined\n',
    );
  });

  it('an argument a template renders to null is left to its default, as Ansible takes None', async () => {
    const a = new MemoryHost('a');
    const pb = play(
      '    - name: t\n      copy: { dest: /tmp/x, content: x, mode: "{{ none }}", owner: "{{ none }}" }\n',
      '  vars:\n    none: null\n',
    );
    const r = await run(pb, { limit: 'a', memory: [a] });
    expect(r.lines, r.results.map((x) => x.msg).join('\n')).to.deep.equal(['t|a|changed']);
    expect(a.files.get('/tmp/x')?.content.toString()).to.equal('x');
    expect((await run(pb, { limit: 'a', memory: [a] })).lines).to.deep.equal(['t|a|ok']);
  });
});
