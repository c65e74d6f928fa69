// add_host and group_by change the run's in-memory inventory on the controller, as in ansible-playbook 2.14
// (checked on localhost): later plays select the new hosts and groups (--limit still applies), the new host's
// variables and groups are its own, add_host runs once for the play's hosts; bad arguments are refused.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';
import { one } from '../support/problems.js';

const PB = `- hosts: web
  gather_facts: no
  tasks:
    - add_host:
        name: newh
        groups: [g1, g2]
        myvar: 42
    - add_host: name=newh2 groups=g1
    - name: again
      add_host: { name: newh, groups: g1, myvar: 42 }
    - group_by: { key: "grp_{{ inventory_hostname }}", parents: [parentg] }
- hosts: g1
  gather_facts: no
  tasks:
    - name: on g1
      copy: { dest: /tmp/who, content: "{{ inventory_hostname }} {{ myvar | default('none') }} {{ group_names }}" }
- hosts: parentg
  gather_facts: no
  tasks:
    - name: on parentg
      assert: { that: ["group_names == ['grp_' + inventory_hostname, 'parentg', 'web']"] }
`;

describe('add_host and group_by', () => {
  it('later plays run on the hosts and groups they made, with their variables', async () => {
    const newh = new MemoryHost('newh');
    const newh2 = new MemoryHost('newh2');
    const r = await run(PB, { memory: [newh, newh2] });
    expect(r.code).to.equal(0);
    // add_host runs once, for the first host; the second call with the same host, groups and vars changes nothing
    expect(r.lines.filter((l) => /^(add_host|again)\|/.test(l))).to.deep.equal([
      'add_host|a|changed',
      'add_host|a|changed',
      'again|a|ok',
    ]);
    expect(r.lines.filter((l) => l.startsWith('group_by'))).to.deep.equal([
      'group_by|a|changed',
      'group_by|b|changed',
      'group_by|c|changed',
    ]);
    expect(r.lines.filter((l) => l.startsWith('on g1'))).to.deep.equal(['on g1|newh|changed', 'on g1|newh2|changed']);
    // lists inside text print as Python prints them, as in Ansible
    expect(newh.files.get('/tmp/who')?.content.toString()).to.equal("newh 42 ['g1', 'g2']");
    expect(newh2.files.get('/tmp/who')?.content.toString()).to.equal("newh2 none ['g1']");
    expect(r.lines.filter((l) => l.startsWith('on parentg'))).to.deep.equal([
      'on parentg|a|ok',
      'on parentg|b|ok',
      'on parentg|c|ok',
    ]);
  });

  it('--limit still applies to the hosts add_host made', async () => {
    const r = await run(PB, { limit: 'a' });
    expect(r.lines.filter((l) => l.startsWith('on g1'))).to.deep.equal([]);
    expect(r.lines.filter((l) => l.startsWith('on parentg'))).to.deep.equal(['on parentg|a|ok']);
  });

  it('the registered result says what was added', async () => {
    const pb =
      '- hosts: web\n  gather_facts: no\n  tasks:\n    - add_host: { name: n1, groups: [x], v: 1 }\n' +
      '      register: out\n    - assert:\n        that:\n          - out.add_host.host_name == "n1"\n' +
      '          - out.add_host.groups == ["x"]\n          - out.add_host.host_vars.v == 1\n' +
      '          - hostvars.n1.v == 1\n          - groups.x == ["n1"]\n';
    const r = await run(pb);
    expect(r.code, r.results.map((x) => x.msg).join('\n')).to.equal(0);
  });

  const bad: { name: string; task: string; line: number; col: number; msg: string }[] = [
    {
      name: 'add_host without a name',
      task: 'add_host: { groups: [x] }',
      line: 3,
      col: 7,
      msg: "add_host: missing required argument 'name'",
    },
    {
      name: 'group_by without a key',
      task: 'group_by: { parents: [x] }',
      line: 3,
      col: 7,
      msg: "group_by: missing required argument 'key'",
    },
    {
      name: 'group_by: an argument it does not take',
      task: 'group_by: { key: x, parent: y }',
      line: 3,
      col: 27,
      msg: "group_by: unsupported argument 'parent' (did you mean 'parents'?)",
    },
  ];
  for (const c of bad)
    it(`refused before the run: ${c.name}`, () => {
      expect(one({ 'site.yml': `- hosts: all\n  tasks:\n    - ${c.task}\n` })).to.include({
        line: c.line,
        col: c.col,
        msg: c.msg,
      });
    });

  it('a group name a template makes wrong fails the task at run time (ignore_errors covers it)', async () => {
    const pb =
      '- hosts: web\n  gather_facts: no\n  tasks:\n    - name: t\n' +
      '      group_by: { key: "os {{ inventory_hostname }}" }\n      ignore_errors: true\n';
    const r = await run(pb, { limit: 'a' });
    expect(r.lines).to.deep.equal(['t|a|ignored']);
    expect(r.results[0]!.msg).to.equal("group_by: 'os a' is not a group name (no spaces, commas or brackets)");
  });
});
