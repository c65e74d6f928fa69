// `connection: local` (task, block, play) and `local_action`: the task acts on the controller, as delegating to
// localhost does, while its variables stay the inventory host's (inventory_hostname, hostvars), as in Ansible.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';
import { one } from '../support/problems.js';

const hosts = () => [new MemoryHost('a'), new MemoryHost('b'), new MemoryHost('localhost')];
const INV = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n';

const cases: { name: string; play: string; tasks: string }[] = [
  {
    name: 'on a task',
    play: '',
    tasks:
      '    - copy: { dest: "/tmp/{{ inventory_hostname }}", content: "{{ groups.web | length }}" }\n' +
      '      connection: local\n',
  },
  {
    name: 'on a block',
    play: '',
    tasks:
      '    - block:\n        - copy: { dest: "/tmp/{{ inventory_hostname }}", content: "2" }\n' +
      '      connection: local\n',
  },
  {
    name: 'on the play',
    play: '  connection: local\n',
    tasks: '    - copy: { dest: "/tmp/{{ inventory_hostname }}", content: "2" }\n',
  },
  {
    name: 'as a template',
    play: '  vars: { how: local }\n',
    tasks: '    - copy: { dest: "/tmp/{{ inventory_hostname }}", content: "2" }\n      connection: "{{ how }}"\n',
  },
  {
    name: 'local_action',
    play: '',
    tasks: '    - local_action: copy dest=/tmp/{{ inventory_hostname }} content=2\n',
  },
];

describe("connection: local acts on the controller with the host's variables", () => {
  for (const c of cases)
    it(c.name, async () => {
      const pb = `- hosts: web\n  gather_facts: no\n${c.play}  tasks:\n${c.tasks}`;
      const [a, b, ctl] = hosts();
      const first = await run(pb, { memory: [a!, b!, ctl!], inv: INV });
      expect(first.code).to.equal(0);
      expect(first.lines.map((l) => l.split('|').slice(1).join('|'))).to.deep.equal(['a|changed', 'b|changed']);
      expect(ctl!.files.get('/tmp/a')?.content.toString()).to.equal('2');
      expect(ctl!.files.get('/tmp/b')?.content.toString()).to.equal('2');
      expect([...a!.writes, ...b!.writes]).to.deep.equal([]);
      const second = await run(pb, { memory: [a!, b!, ctl!], inv: INV });
      expect(second.recap.a).to.include({ changed: 0 });
      expect(second.recap.b).to.include({ changed: 0 });
    });

  it('with run_once: once, on the controller, for the first host', async () => {
    const [a, b, ctl] = hosts();
    const pb =
      '- hosts: web\n  gather_facts: no\n  tasks:\n' +
      '    - copy: { dest: /tmp/once, content: "{{ inventory_hostname }}" }\n' +
      '      connection: local\n      run_once: true\n';
    const r = await run(pb, { memory: [a!, b!, ctl!], inv: INV });
    expect(r.lines).to.deep.equal(['copy|a|changed', 'copy|b|changed']);
    expect(ctl!.files.get('/tmp/once')?.content.toString()).to.equal('a');
    expect(ctl!.writes.filter((w) => w[0] === 'put')).to.have.length(1);
  });

  it("a host's own ansible_connection wins over the keyword, as in Ansible", async () => {
    const [a, b, ctl] = hosts();
    const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: { ansible_connection: ssh }\n        b: {}\n';
    const pb =
      '- hosts: web\n  gather_facts: no\n  tasks:\n' +
      '    - copy: { dest: "/tmp/{{ inventory_hostname }}", content: "x" }\n      connection: local\n';
    await run(pb, { memory: [a!, b!, ctl!], inv });
    expect(a!.files.has('/tmp/a')).to.equal(true);
    expect(ctl!.files.has('/tmp/a')).to.equal(false);
    expect(ctl!.files.has('/tmp/b')).to.equal(true);
  });

  it('a connection kplay does not have is refused at its place', () => {
    const pb = '- hosts: all\n  tasks:\n    - debug: msg=x\n      connection: winrm\n';
    expect(one({ 'site.yml': pb })).to.include({
      line: 4,
      col: 19,
      msg: "connection: expected 'local' or 'ssh' (kplay connects with ssh, or runs on the controller), got \"winrm\"",
    });
  });
});
